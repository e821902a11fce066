"""Who may do what with aid schemes, computations and dossiers: the one place that decides,
for views, querysets, the API, the deletions feed and templates (through their context).

- schemes: the public catalogue; parameters, texts, new schemes and campaigns for the
  chef de service (``dossiers.vote``) and administrators;
- dossiers: administrators all; regional staff (``region.read``) those of their territory,
  where instructeurs (``dossiers.instruct``) instruct and the chef de service votes;
  members of a structure (``structures.member``) those of their structures, which its
  directors file (the workflow's ``applicant``);
- everybody else (DLA chargés, facilitators): no dossier, no simulation on a structure.

A dossier's visibility is one rule (``dossier_reach``), turned into the queryset filter
(``visible_dossiers``), the predicate (``can_view_dossier``) and the deletions feed's
audience (``dossier_audience``).
"""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q

from iae_portal.compiled import Statement, built_once
from iae_portal.users.roles import (
    ADMIN,
    CAMPAIGNS_MANAGE,
    DOSSIERS_INSTRUCT,
    DOSSIERS_VOTE,
    PARTNER_MEMBER,
    REGION_READ,
    REGION_WRITE,
    SCHEMES_MANAGE,
    STRUCTURES_DIRECTORY,
    STRUCTURES_MEMBER,
    roles_with,
)
from structures import perms as structure_perms
from structures.enums import MembershipRole
from structures.models import Membership, Organisation, OrganisationMembership
from structures.perms import (
    EVERYTHING,
    NOTHING,
    Reach,
    is_director_of,
    member_reach,
    staff_reach,
)

from .enums import DossierState
from .models import Batch, BatchItem, Dossier, DossierDocument, OpinionRequest, PartnerOpinion
from .workflow import (
    APPLICANT,
    APPLICANT_EDITABLE,
    APPLICANT_LETTER_STATES,
    CHEF,
    INSTRUCTOR,
    LETTER_STATES,
)


def _active(user):
    return user.is_authenticated and user.is_active


def _is_staff(user):
    """Administrators and regional staff (who read the instruction's side)."""
    return user.is_authenticated and (user.can(ADMIN) or user.can(REGION_READ))


def _is_staff_writer(user):
    return user.is_authenticated and (user.can(ADMIN) or user.can(REGION_WRITE))


# -- Schemes and computations ------------------------------------------------------------


def can_change_scheme(user):
    """Parameters and texts of a scheme: the chef de service (who validates) and admins."""
    return _active(user) and (user.can(ADMIN) or user.can(SCHEMES_MANAGE))


def can_create_scheme(user):
    """A new scheme of a registered rule kind (« Nouveau dispositif »): as for a change."""
    return can_change_scheme(user)


def can_view_scheme_history(user):
    return _is_staff(user)


def can_view_computation(user, computation):
    if not _active(user):
        return False
    if user.can(ADMIN) or computation.created_by_id == user.pk:
        return True
    if computation.structure is None:
        return user.can(REGION_READ)
    return can_simulate_for(user, computation.structure)


def can_simulate_for(user, structure):
    """Recording a simulation on a structure: those who may open it, but directory readers."""
    return structure_perms.can_view_structure(user, structure) and not user.can(
        STRUCTURES_DIRECTORY
    )


# -- Dossiers ---------------------------------------------------------------------------


def dossier_reach(user):
    """Whose dossiers ``user`` opens (a ``structures.perms.Reach``): administrators all,
    regional staff their territory's, members their structures'."""
    if not _active(user):
        return NOTHING
    if user.can(ADMIN):
        return EVERYTHING
    if user.can(REGION_READ):
        return staff_reach(user)
    return member_reach(user)


def visible_dossiers(user, queryset=None):
    """The dossiers of ``queryset`` (all by default) ``user`` may open."""
    queryset = Dossier.objects.all() if queryset is None else queryset
    return dossier_reach(user).filter(queryset, "structure")


def read_memberships(dossier):
    """Reads every membership of ``dossier``'s structure (former ones too) once, onto the
    instance: the predicates below then take their reader's from it instead of a query
    each, and ``presenters.People`` names their holders from it. For an instance loaded
    for one request (a page's), never one kept while memberships change."""
    dossier.structure_memberships = _MEMBERSHIPS(structure_id=dossier.structure_id)
    return dossier


# On every page of a dossier: its SQL compiled once.
_MEMBERSHIPS = Statement(lambda structure_id: Membership.objects.filter(structure_id=structure_id))


def _read_roles(user, dossier):
    """``user``'s roles in the active memberships of ``dossier``'s structure, from
    ``read_memberships``; ``None`` when they were not read."""
    memberships = getattr(dossier, "structure_memberships", None)
    if memberships is None:
        return None
    return {m.role for m in memberships if m.is_active and m.user_id == user.pk}


def _reaches(reach, user, dossier):
    """``reach.contains(dossier.structure)``, a member's from ``read_memberships`` when
    they were read."""
    roles = _read_roles(user, dossier) if reach.member is not None else None
    if roles is None or reach.member.pk != user.pk:
        return reach.contains(dossier.structure)
    return MembershipRole.DIRECTEUR in roles if reach.directors else bool(roles)


def _directs(user, dossier):
    """``structures.perms.is_director_of`` for ``dossier``'s structure, from
    ``read_memberships`` when they were read."""
    roles = _read_roles(user, dossier)
    if roles is None:
        return is_director_of(user, dossier.structure)
    return user.is_authenticated and user.is_active and MembershipRole.DIRECTEUR in roles


def can_view_dossier(user, dossier):
    """The predicate twin of ``visible_dossiers`` (staff: no query; members: none once
    ``read_memberships``)."""
    return _reaches(dossier_reach(user), user, dossier)


def dossier_audience(user):
    """Whose deleted dossiers ``user`` sees in the API's deletions feed: as
    ``visible_dossiers``, over the tombstones' columns."""
    return dossier_reach(user).audience()


def own_dossiers(user):
    """The dossiers of the structures ``user`` belongs to (« Mes dossiers »)."""
    return Reach(member=user).filter(Dossier.objects.all(), "structure")


def dossier_actors(user, dossier):
    """The workflow actors ``user`` is for ``dossier`` (see ``workflow``)."""
    actors = set()
    if not _active(user):
        return actors
    in_scope = user.can(REGION_READ) and staff_reach(user).contains(dossier.structure)
    if user.can(ADMIN) or (user.can(DOSSIERS_VOTE) and in_scope):
        actors |= {CHEF, INSTRUCTOR}
    elif user.can(DOSSIERS_INSTRUCT) and in_scope:
        actors.add(INSTRUCTOR)
    if user.can(STRUCTURES_MEMBER) and _directs(user, dossier):
        actors.add(APPLICANT)
    return actors


def can_view_structure_dossiers(user, structure):
    """The structure page's dossiers: for staff in scope and the structure's members (the
    structure-level twin of ``can_view_dossier``)."""
    return dossier_reach(user).contains(structure)


def structure_dossiers(user, structure):
    """The dossiers of ``structure`` its page lists to ``user``: those ``user`` may open,
    drafts to the structure's members only (staff meet a dossier once it is deposited, as
    in the queue)."""
    dossiers = visible_dossiers(user).filter(structure=structure)
    if user.is_authenticated and not user.can(STRUCTURES_MEMBER):
        dossiers = dossiers.exclude(state=DossierState.BROUILLON)
    return dossiers


def is_dossier_staff(user, dossier):
    """Staff who see internal comments and the instruction's opinion."""
    return _is_staff(user) and can_view_dossier(user, dossier)


def can_edit_dossier(user, dossier):
    return dossier.state in APPLICANT_EDITABLE and APPLICANT in dossier_actors(user, dossier)


def can_view_letters(user, dossier):
    """The award letter and the convention of a dossier ``user`` may open: staff once it is
    voted, the others (the applicant) once the decision is notified."""
    if not can_view_dossier(user, dossier):
        return False
    return dossier.state in (LETTER_STATES if _is_staff(user) else APPLICANT_LETTER_STATES)


def can_record_payment(user, dossier):
    """Paying an instalment: the instruction and the chef."""
    return bool(dossier_actors(user, dossier) & {INSTRUCTOR, CHEF})


# -- Supporting documents: a wrong one is replaced (or removed from a draft), never deleted;
# the former ones stay in the history staff see.


def visible_documents(user, dossier):
    """The list twin of ``can_view_document``: the documents of ``dossier`` ``user`` sees,
    with their replacements (each document's ``dossier`` the one given)."""
    read = _DOCUMENTS if is_dossier_staff(user, dossier) else _CURRENT_DOCUMENTS
    documents = read(dossier_id=dossier.pk)
    for document in documents:
        document.dossier = dossier
    return documents


def _documents_of(documents):
    return Statement(
        lambda dossier_id: documents().filter(dossier_id=dossier_id).select_related("replaced_by")
    )


# On every page of a dossier: its documents' SQL compiled once (all of them for staff, the
# current ones for the others).
_DOCUMENTS = _documents_of(DossierDocument.objects.all)
_CURRENT_DOCUMENTS = _documents_of(DossierDocument.objects.current)


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
    return document.dossier.state == DossierState.BROUILLON and can_replace_document(user, document)


def can_comment_dossier(user, dossier):
    """Messages on a dossier: its actors (applicant, instruction, chef); readers (élus,
    employees) read them."""
    return bool(dossier_actors(user, dossier))


def can_comment_internally(user, dossier):
    """Internal comments, which the applicant never reads: the instruction and the chef."""
    return bool(dossier_actors(user, dossier) & {INSTRUCTOR, CHEF})


def can_create_dossiers(user):
    """Filing dossiers at all (the « Nouveau dossier » page): members of structures, who
    then choose one they direct."""
    return _active(user) and user.can(STRUCTURES_MEMBER)


def can_create_dossier(user, structure):
    return can_create_dossiers(user) and is_director_of(user, structure)


def can_list_own_dossiers(user):
    """« Mes dossiers » in the menu: members of structures who are not staff (staff have
    the instruction queue)."""
    return can_create_dossiers(user) and not can_view_queue(user)


def can_read_notifications(user):
    """Notifications are one's own: everyone logged in."""
    return user.is_authenticated


def applicant_structure_ids(user):
    """The structures whose dossiers ``user`` files (those they direct), as a set of ids:
    ``can_edit_dossier`` for a whole list in one query."""
    if not can_create_dossiers(user):
        return set()
    return structure_perms.directed_structure_ids(user)


# -- The instruction queue and campaigns: user-level twins of ``dossier_actors`` (the queue
# holds dossiers of the user's scope only, where these agree with it).


def can_view_queue(user):
    return _is_staff(user)


def can_assign(user):
    return _is_staff_writer(user)


def can_be_assigned(person):
    """Who instructs assigned dossiers: active instructeurs and chefs de service."""
    return person.is_active and person.role in roles_with(DOSSIERS_INSTRUCT)


def assignable_instructors(user):
    """Who ``user`` may assign dossiers to: ``can_be_assigned`` people of their region (of
    every region for someone without one)."""
    return assignable_in_region(user.region_id)


def assignable_in_region(region_id):
    """``can_be_assigned`` people of the region ``region_id`` (``None``: of every one)."""
    return _assignable_in_region(region_id or None)


# Built twice on each page of the queue, whose forms check what is posted with it (0.15 ms).
@built_once
def _assignable_in_region(region_id):
    people = get_user_model().objects.filter(is_active=True, role__in=roles_with(DOSSIERS_INSTRUCT))
    if region_id:
        people = people.filter(region_id=region_id)
    return people.order_by("last_name", "first_name", "email")


def can_vote(user):
    """The workflow's ``chef``: the chef de service or an administrator."""
    return _active(user) and (user.can(ADMIN) or user.can(DOSSIERS_VOTE))


def can_manage_campaigns(user):
    return _active(user) and (user.can(ADMIN) or user.can(CAMPAIGNS_MANAGE))


def can_view_assigned_work(user):
    """The home page's « assigned to you » count: those who may be assigned dossiers."""
    return user.is_authenticated and user.can(DOSSIERS_INSTRUCT)


# -- Batches: a batch goes through a whole campaign, whose dossiers may span regions.

BATCH_OUT_OF_SCOPE = (
    "Cet appel à candidatures a des dossiers hors de votre région : un traitement groupé "
    "porte sur tous ses dossiers, seuls un administrateur ou un agent sans région de "
    "rattachement peuvent le lancer et en suivre les résultats."
)


def can_view_batches(user):
    """The batches' pages at all: administrators and regional staff (``can_view_batch``
    and ``visible_batches`` then say which batches)."""
    return _is_staff(user)


def campaign_within_reach(user, campaign):
    """Whether ``user`` opens every dossier of ``campaign`` (a batch goes through all of
    them, its counts and totals speak of all of them): always for administrators and
    staff without a region, for a region-bound agent when none lies outside the region."""
    if dossier_reach(user).everything:
        return True
    every = Dossier.objects.filter(campaign=campaign)
    return not every.exclude(pk__in=visible_dossiers(user, every).values("pk")).exists()


def visible_batches(user, queryset=None):
    """The batches of ``queryset`` (all by default) whose pages ``user`` may open: those who
    see batches, for the campaigns whose dossiers they all open (``campaign_within_reach``;
    a region-bound agent does not read the counts of a campaign spanning regions)."""
    queryset = Batch.objects.all() if queryset is None else queryset
    if not can_view_batches(user):
        return queryset.none()
    if dossier_reach(user).everything:
        return queryset
    outside = Dossier.objects.filter(campaign_id=OuterRef("campaign_id")).exclude(
        pk__in=visible_dossiers(user).values("pk")
    )
    return queryset.exclude(Exists(outside))


def can_view_batch(user, batch):
    """The predicate twin of ``visible_batches``: a batch's report, progress and letters'
    archive."""
    return can_view_batches(user) and campaign_within_reach(user, batch.campaign)


def can_run_batches(user):
    """Starting a batch at all: administrators and staff writers (``can_start_batch`` then
    says for which campaign)."""
    return _is_staff_writer(user)


def can_start_batch(user, campaign):
    """Computing a campaign's amounts or rendering a commission's letters goes through
    every dossier of the campaign: for administrators and staff writers whose scope holds
    all of them (a region-bound agent, when no dossier lies outside the region)."""
    return can_run_batches(user) and campaign_within_reach(user, campaign)


def can_resume_batch(user, batch):
    """Handing a batch whose runner is gone to a new one (« Reprendre »): those who may
    start a batch on its campaign (the service then checks that its lease expired)."""
    return can_start_batch(user, batch.campaign)


def visible_batch_changes(user, changes):
    """The changes of a batch (``batch.batch_changes``) whose dossier ``user`` may open."""
    return changes.filter(dossier__in=visible_dossiers(user))


def can_download_batch_archive(user, batch):
    """The archive holds the letters of every dossier of the batch: for those who may open
    each of them."""
    hidden = BatchItem.objects.filter(batch=batch).exclude(dossier__in=visible_dossiers(user))
    return not hidden.exists()


# -- API: partners' data (opinion requests and financing plans in /api/v1/) ---------------


def api_opinion_requests(user, queryset):
    """The opinion requests of ``queryset`` the API shows ``user``: staff's (administrators,
    regional staff) on the dossiers they open. The applicant never reads opinions; partners
    answer theirs on the pages, not through the API."""
    if not _is_staff(user):
        return queryset.none()
    return dossier_reach(user).filter(queryset, "dossier__structure")


def api_opinion_request_audience(user):
    """Whose deleted opinion requests ``user`` sees in the deletions feed: as above."""
    return dossier_reach(user).audience() if _is_staff(user) else None


def api_financing_plans(user, queryset):
    """The financing plans of ``queryset`` on the dossiers ``user`` opens (the applicants
    declare them; staff read them); their deletions' audience is ``dossier_audience``."""
    return dossier_reach(user).filter(queryset, "dossier__structure")


def api_reads_instruction(user):
    """Whether ``user`` reads the instruction's side of the dossiers it opens, as a financing
    plan's region part taken from the proposed amount: staff (for an applicant, the voted
    amount counts once the decision is notified, as on ``DossierSerializer``)."""
    return _is_staff(user)


# -- Opinions (avis) of partners ------------------------------------------------------------
# An instructeur asks partners (``partner.member``: people of other institutions) for an
# opinion on a dossier. A partner reaches a dossier only through the requests addressed to
# them (``dossier_reach`` stays NOTHING for partners): the request's page shows the data as
# filed, the documents chosen and, when the instructeur shares them, the other partners'
# opinions; never the internal comments nor the instruction's opinion. Staff of the
# dossier see every request and opinion; the applicant and the structure's members never
# see any of it.

# Opinions inform the instruction and the commission's decision: they may be asked from
# the deposit until the dossier is instructed (not on a draft, nor once voted or closed).
OPINION_STATES = frozenset(
    {
        DossierState.DEPOSE,
        DossierState.EN_INSTRUCTION,
        DossierState.COMPLEMENT_DEMANDE,
        DossierState.INSTRUIT,
    }
)


def _is_partner(user):
    return _active(user) and user.can(PARTNER_MEMBER)


def can_request_opinion(user, dossier):
    """Asking partners for an opinion (or withdrawing a request): the dossier's instruction
    and chef (``dossier_actors``), while the dossier is in ``OPINION_STATES``."""
    return dossier.state in OPINION_STATES and bool(
        dossier_actors(user, dossier) & {INSTRUCTOR, CHEF}
    )


def can_withdraw_opinion_request(user, request):
    """A request still waiting, by the dossier's instruction and chef (whatever the state:
    a dossier closed meanwhile no longer needs the opinion)."""
    return (
        request.withdrawn_at is None
        and request.answered_at is None
        and bool(dossier_actors(user, request.dossier) & {INSTRUCTOR, CHEF})
    )


def can_view_partner_opinions(user, dossier):
    """The requests and opinions of a dossier as a whole (its page's « Avis des
    partenaires », the queue's column): the dossier's staff only, never the applicant nor
    the structure's members."""
    return is_dossier_staff(user, dossier)


def visible_opinion_requests(user, queryset=None):
    """The requests of ``queryset`` (all by default) ``user`` may open: partners their own
    (not withdrawn), staff those of the dossiers they see, nobody else any."""
    queryset = OpinionRequest.objects.all() if queryset is None else queryset
    if _is_staff(user):
        return dossier_reach(user).filter(queryset, "dossier__structure")
    if _is_partner(user):
        return queryset.filter(partner=user, withdrawn_at__isnull=True)
    return queryset.none()


def can_view_opinion_request(user, request):
    """The predicate twin of ``visible_opinion_requests``."""
    if _is_staff(user):
        return can_view_dossier(user, request.dossier)
    return _is_partner(user) and request.partner_id == user.pk and request.withdrawn_at is None


def is_opinion_request_partner(user, request):
    """Whether ``user`` reads ``request`` as the partner asked (not as staff)."""
    return not _is_staff(user) and can_view_opinion_request(user, request)


def can_answer_opinion_request(user, request):
    """Giving an opinion (again: a later one may follow): the partner asked, with an active
    account, on a request not withdrawn; after the due date too (marked late)."""
    return _is_partner(user) and request.partner_id == user.pk and request.withdrawn_at is None


def visible_request_opinions(user, request):
    """The opinions the page of ``request`` shows ``user``: staff every opinion of the
    dossier; the partner asked their own, and the other partners' (of requests not
    withdrawn) when the instructeur shares them (``shares_opinions``)."""
    opinions = PartnerOpinion.objects.filter(request__dossier_id=request.dossier_id)
    if is_dossier_staff(user, request.dossier):
        return opinions
    if not is_opinion_request_partner(user, request):
        return opinions.none()
    if request.shares_opinions:
        return opinions.filter(Q(request=request) | Q(request__withdrawn_at__isnull=True))
    return opinions.filter(request=request)


def can_view_partner_opinion(user, opinion):
    """An opinion (and its attachments): as ``visible_request_opinions``, from any request
    of the dossier ``user`` may open."""
    dossier = opinion.request.dossier
    if is_dossier_staff(user, dossier):
        return True
    if not _is_partner(user):
        return False
    mine = visible_opinion_requests(user).filter(dossier_id=dossier.pk)
    if mine.filter(pk=opinion.request_id).exists():
        return True
    return opinion.request.withdrawn_at is None and mine.filter(shares_opinions=True).exists()


def visible_shared_documents(user, request):
    """The dossier's documents the page of ``request`` lists to ``user``: those chosen for
    the partner (staff too see this list there; the dossier page has them all)."""
    if not can_view_opinion_request(user, request):
        return DossierDocument.objects.none()
    return request.shared_documents.all()


def can_view_shared_document(user, document):
    """Downloading a dossier's document from a request's page: staff who may see it
    (``can_view_document``), a partner when a request of theirs (not withdrawn) shares it."""
    if _is_staff(user):
        return can_view_document(user, document)
    if not _is_partner(user):
        return False
    return visible_opinion_requests(user).filter(shared_documents=document).exists()


def opinion_organisations(dossier):
    """The organisations whose people may be asked an opinion on ``dossier``: those of its
    region working for its whole region (the DREETS) or for its département (a conseil
    départemental, a DDETS) — not the Département of another département."""
    department = dossier.structure.department
    return Organisation.objects.filter(region_id=department.region_id).filter(
        Q(department__isnull=True) | Q(department_id=department.code)
    )


def opinion_partners(dossier):
    """Who may be asked an opinion on ``dossier``: active accounts with ``partner.member``
    and an active membership of one of its ``opinion_organisations``."""
    memberships = OrganisationMembership.objects.filter(
        user=OuterRef("pk"), is_active=True, organisation__in=opinion_organisations(dossier)
    )
    return (
        get_user_model()
        .objects.filter(is_active=True, role__in=roles_with(PARTNER_MEMBER))
        .filter(Exists(memberships))
        .order_by("last_name", "first_name", "email")
    )


# -- Financing plans: the applicant's while they may change the dossier; read with it.


def can_view_financing_plan(user, dossier):
    """A dossier's financing plan: whoever opens the dossier (staff read it, the
    applicant's structure declared it)."""
    return can_view_dossier(user, dossier)


def can_edit_financing_plan(user, dossier):
    """Declaring the plan: the applicant, while they may change the dossier (draft,
    correction requested)."""
    return can_edit_dossier(user, dossier)


def can_list_opinion_requests(user):
    """The page « Avis demandés »: partners (their requests) and staff (their dossiers')."""
    return _is_staff(user) or _is_partner(user)


def can_list_own_opinion_requests(user):
    """The menu's « Avis demandés » and the home page's section: partners."""
    return _is_partner(user)
