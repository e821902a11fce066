"""Who may do what with aid schemes and computations."""

from iae_portal.users.enums import Role
from structures import perms as structure_perms


def can_change_scheme(user):
    """Parameters and texts of a scheme: the chef de service (who validates) and admins."""
    return (
        user.is_authenticated
        and user.is_active
        and (user.is_admin or user.role == Role.CHEF_SERVICE)
    )


def can_create_scheme(user):
    """A new scheme of a registered rule kind (« Nouveau dispositif »): as for a change."""
    return can_change_scheme(user)


def can_view_scheme_history(user):
    return user.is_authenticated and (user.is_admin or user.is_regional_staff)


def can_view_computation(user, computation):
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_admin or computation.created_by_id == user.pk:
        return True
    if computation.structure is None:
        return user.is_regional_staff
    return structure_perms.can_view_structure(user, computation.structure) and (
        user.role != Role.DLA and user.role != Role.FACILITATEUR
    )


def can_simulate_for(user, structure):
    """Recording a simulation on a structure: those who may open it, but directory readers."""
    return structure_perms.can_view_structure(user, structure) and user.role not in (
        Role.DLA,
        Role.FACILITATEUR,
    )


# -- Dossiers ---------------------------------------------------------------------------


def dossier_actors(user, dossier):
    """The workflow actors ``user`` is for ``dossier`` (see ``workflow``)."""
    from structures.perms import is_director_of

    from .workflow import APPLICANT, CHEF, INSTRUCTOR

    actors = set()
    if not user.is_authenticated or not user.is_active:
        return actors
    in_scope = user.region_id is None or dossier.structure.department.region_id == user.region_id
    if user.is_admin or (user.role == Role.CHEF_SERVICE and in_scope):
        actors |= {CHEF, INSTRUCTOR}
    elif user.role == Role.INSTRUCTEUR and in_scope:
        actors.add(INSTRUCTOR)
    if user.role == Role.SIAE and is_director_of(user, dossier.structure):
        actors.add(APPLICANT)
    return actors


def can_view_dossier(user, dossier):
    """The predicate twin of ``Dossier.objects.visible_to`` (staff: no query)."""
    from structures.models import Membership

    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_admin:
        return True
    if user.is_regional_staff:
        return user.region_id is None or dossier.structure.department.region_id == user.region_id
    if user.role == Role.SIAE:
        return Membership.objects.filter(
            user=user, structure_id=dossier.structure_id, is_active=True
        ).exists()
    return False


def can_view_structure_dossiers(user, structure):
    """The structure page's dossiers: for staff in scope and the structure's members (the
    structure-level twin of ``can_view_dossier``)."""
    from structures.models import Membership

    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_admin:
        return True
    if user.is_regional_staff:
        return user.region_id is None or structure.department.region_id == user.region_id
    if user.role == Role.SIAE:
        return Membership.objects.filter(
            user=user, structure_id=structure.pk, is_active=True
        ).exists()
    return False


def structure_dossiers(user, structure):
    """The dossiers of ``structure`` its page lists to ``user``: those ``user`` may open,
    drafts to the structure's members only (staff meet a dossier once it is deposited, as
    in the queue)."""
    from .enums import DossierState
    from .models import Dossier

    dossiers = Dossier.objects.visible_to(user).filter(structure=structure)
    if user.is_authenticated and user.role != Role.SIAE:
        dossiers = dossiers.exclude(state=DossierState.BROUILLON)
    return dossiers


def is_dossier_staff(user, dossier):
    """Staff who see internal comments and the instruction's opinion."""
    return (user.is_admin or user.is_regional_staff) and can_view_dossier(user, dossier)


def can_edit_dossier(user, dossier):
    from .workflow import APPLICANT, APPLICANT_EDITABLE

    return dossier.state in APPLICANT_EDITABLE and APPLICANT in dossier_actors(user, dossier)


# -- Supporting documents: a wrong one is replaced (or removed from a draft), never deleted;
# the former ones stay in the history staff see.


def visible_documents(user, dossier):
    """The queryset twin of ``can_view_document``: a dossier's documents ``user`` sees."""
    documents = dossier.documents.all()
    return documents if is_dossier_staff(user, dossier) else documents.current()


def can_view_document(user, document):
    """Current documents: whoever sees the dossier; replaced or removed ones: staff."""
    dossier = document.dossier
    if not can_view_dossier(user, dossier):
        return False
    return document.is_current or is_dossier_staff(user, dossier)


def can_replace_document(user, document):
    """A current document, while the applicant may change the dossier (draft, correction
    requested)."""
    return document.is_current and can_edit_dossier(user, document.dossier)


def can_remove_document(user, document):
    """A current document of a draft: once deposited, the instruction has seen each
    document, which may then be replaced (on a correction request) but not taken away."""
    from .enums import DossierState

    return document.dossier.state == DossierState.BROUILLON and can_replace_document(user, document)


def can_comment_dossier(user, dossier):
    """Messages on a dossier: its actors (applicant, instruction, chef); readers (élus,
    employees) read them."""
    return bool(dossier_actors(user, dossier))


def can_comment_internally(user, dossier):
    """Internal comments, which the applicant never reads: the instruction and the chef."""
    from .workflow import CHEF, INSTRUCTOR

    return bool(dossier_actors(user, dossier) & {INSTRUCTOR, CHEF})


def can_create_dossier(user, structure):
    from structures.perms import is_director_of

    return user.is_authenticated and user.role == Role.SIAE and is_director_of(user, structure)


# -- The instruction queue and campaigns: user-level twins of ``dossier_actors`` (the queue
# holds dossiers of the user's scope only, where these agree with it).


def can_view_queue(user):
    return user.is_authenticated and (user.is_admin or user.is_regional_staff)


def can_assign(user):
    return user.is_admin or user.is_regional_writer


def can_vote(user):
    """The workflow's ``chef``: the chef de service or an administrator."""
    return user.is_admin or (user.is_active and user.role == Role.CHEF_SERVICE)


can_manage_campaigns = can_vote


# -- Batches: a batch goes through a whole campaign, whose dossiers may span regions.

BATCH_OUT_OF_SCOPE = (
    "Cet appel à candidatures a des dossiers hors de votre région : un traitement groupé "
    "porte sur tous ses dossiers, seuls un administrateur ou un agent sans région de "
    "rattachement peuvent le lancer."
)


def can_start_batch(user, campaign):
    """Computing a campaign's amounts or rendering a commission's letters goes through
    every dossier of the campaign: for administrators and staff writers whose scope holds
    all of them (a region-bound agent, when no dossier lies outside the region)."""
    from .models import Dossier

    if not (user.is_admin or user.is_regional_writer):
        return False
    if user.is_admin or not user.region_id:
        return True
    every = Dossier.objects.filter(campaign=campaign)
    return not every.exclude(pk__in=every.visible_to(user).values("pk")).exists()


def visible_batch_changes(user, changes):
    """The changes of a batch (``batch.batch_changes``) whose dossier ``user`` may open."""
    from .models import Dossier

    return changes.filter(dossier__in=Dossier.objects.visible_to(user))


def can_download_batch_archive(user, batch):
    """The archive holds the letters of every dossier of the batch: for those who may open
    each of them."""
    from .models import BatchItem, Dossier

    hidden = BatchItem.objects.filter(batch=batch).exclude(
        dossier__in=Dossier.objects.visible_to(user)
    )
    return not hidden.exists()
