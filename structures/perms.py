"""Who may see and change structures: the one place that decides, for views, API and templates.

- administrators: everything;
- regional staff (``region.read``: instructeur, chef de service, élu/partenaire): every
  structure of their territory (their region's départements, all when their account has no
  region); those who write (``region.write``: instructeurs, chefs de service) change them;
- members (``structures.member``): the structures where their membership is active;
  directors edit them and manage their members;
- directory readers (``structures.directory``: DLA chargés de mission, clause
  facilitators): read the directory of structures (they must find the structures they
  accompany or match with contracts), without members.

What a person reaches is one ``Reach``: the other apps build theirs for the objects hanging
from a structure (dossiers, accompaniments, hours), and each ``Reach`` gives, with the same
rule, the queryset filter (``filter``), the predicate (``contains``) and the deletions
feed's audience (``audience``).
"""

from dataclasses import dataclass

from django.db.models import Q

from iae_portal.compiled import Statement
from iae_portal.users.roles import (
    ADMIN,
    PARTNER_MEMBER,
    REGION_READ,
    REGION_WRITE,
    STRUCTURES_DIRECTORY,
    STRUCTURES_MEMBER,
)

from .enums import MembershipRole
from .models import CollectiveProject, Membership, OrganisationMembership, Structure
from .reference import department_codes


@dataclass(frozen=True)
class Reach:
    """The structures whose objects a person reaches:

    - ``everything``: every structure;
    - ``departments``: those of these départements (codes);
    - ``member``: those where this user has an active membership (a director's only, with
      ``directors``);
    - none of them (``Reach()``): nothing.
    """

    everything: bool = False
    departments: tuple | None = None
    member: object = None
    directors: bool = False

    @property
    def nothing(self):
        return not self.everything and self.departments is None and self.member is None

    def memberships(self):
        """The memberships that open structures, for a ``member`` reach."""
        found = Membership.objects.filter(user=self.member, is_active=True)
        return found.filter(role=MembershipRole.DIRECTEUR) if self.directors else found

    def structure_ids(self):
        """The structures reached, as a subquery of ids (``None``: every one)."""
        if self.everything:
            return None
        if self.departments is not None:
            return Structure.objects.filter(department_id__in=self.departments).values("pk")
        if self.member is not None:
            return self.memberships().values("structure_id")
        return Structure.objects.none().values("pk")

    def q(self, path=""):
        """The condition on a model whose ``path`` leads to a structure (``""``: structures
        themselves): a join on the memberships for members, as the lists always did."""
        prefix = f"{path}__" if path else ""
        if self.everything:
            return Q()
        if self.departments is not None:
            # The départements as a list, not a join on the région: PostgreSQL then
            # estimates how many structures match and hash-joins them (through the join it
            # assumed a tenth of them and looped over each one: five times slower on 20,000
            # dossiers).
            return Q(**{f"{prefix}department_id__in": list(self.departments)})
        if self.member is not None:
            condition = {
                f"{prefix}memberships__user": self.member,
                f"{prefix}memberships__is_active": True,
            }
            if self.directors:
                condition[f"{prefix}memberships__role"] = MembershipRole.DIRECTEUR
            return Q(**condition)
        return Q(pk__in=[])

    def filter(self, queryset, path=""):
        """The rows of ``queryset`` reached (``path``: as for ``q``)."""
        if self.everything:
            return queryset
        if self.nothing:
            return queryset.none()
        return queryset.filter(self.q(path))

    def contains(self, structure):
        """Whether ``structure`` is reached (members: one query; the others: none)."""
        if self.everything:
            return True
        if self.departments is not None:
            return structure.department_id in self.departments
        if self.member is not None:
            return self.memberships().filter(structure_id=structure.pk).exists()
        return False

    def audience(self):
        """The deletions feed's ``Q`` over the tombstones' ``department`` and ``structure``
        columns (``iae_portal.api.deletions``), ``None`` for nothing."""
        if self.everything:
            return Q()
        if self.departments is not None:
            return Q(department__in=list(self.departments))
        if self.member is not None:
            uuids = self.memberships().values_list("structure__uuid", flat=True)
            return Q(structure__in=[str(u) for u in uuids])
        return None


EVERYTHING = Reach(everything=True)
NOTHING = Reach()


def staff_reach(user):
    """The territory of a staff account (``region.read``): its region's départements, every
    one when it has no region."""
    if user.region_id is None:
        return EVERYTHING
    return Reach(departments=department_codes(user.region_id))


def member_reach(user, *, directors=False):
    """The structures of ``user``'s active memberships (as director, with ``directors``),
    for those who act for their structures (``structures.member``)."""
    if not user.is_authenticated or not user.can(STRUCTURES_MEMBER):
        return NOTHING
    return Reach(member=user, directors=directors)


# The structures a person directs: the main menu asks on every page of a director's.
_DIRECTED = Statement(
    lambda user_id: (
        Membership.objects.filter(user_id=user_id, is_active=True, role=MembershipRole.DIRECTEUR)
        .order_by()  # a set: not the memberships' ordering, which joins users and structures
        .values_list("structure_id", flat=True)
    )
)


def directed_structure_ids(user):
    """The ids of the structures ``user`` directs (active director memberships, for those
    who act for their structures), as a set: ``member_reach(user, directors=True)``'s."""
    if member_reach(user, directors=True).nothing:
        return set()
    return set(_DIRECTED(user_id=user.pk))


def structure_reach(user):
    """The structures ``user`` may open."""
    if not user.is_authenticated:
        return NOTHING
    if user.can(ADMIN) or user.can(STRUCTURES_DIRECTORY):
        return EVERYTHING
    if user.can(REGION_READ):
        return staff_reach(user)
    return member_reach(user)


def is_staff_reader(user):
    """Administrators and regional staff, who read the structures of their territory."""
    return user.is_authenticated and (user.can(ADMIN) or user.can(REGION_READ))


def is_member_role(user):
    """Those who act for the structures of their memberships (``structures.member``)."""
    return user.is_authenticated and user.can(STRUCTURES_MEMBER)


def is_directory_reader(user):
    """Those who read the whole directory, without members (``structures.directory``)."""
    return user.is_authenticated and user.can(STRUCTURES_DIRECTORY)


def can_list_structures(user):
    """The directory and the collective projects in the menu: for those who reach
    structures (partners, who reach none, would find them empty; the lists themselves hold
    what their reader may open)."""
    return user.is_authenticated and not structure_reach(user).nothing


def is_director_of(user, structure):
    return (
        user.is_authenticated
        and user.is_active
        and Membership.objects.filter(
            user=user, structure=structure, is_active=True, role=MembershipRole.DIRECTEUR
        ).exists()
    )


def visible_structures(user):
    """The structures ``user`` may open, as a queryset to refine."""
    return structure_reach(user).filter(Structure.objects.all())


def can_view_structure(user, structure):
    return structure_reach(user).contains(structure)


def structure_audience(user):
    """Whose structures' deletions ``user`` sees in the API's feed: as ``visible_structures``."""
    return structure_reach(user).audience()


def _is_writer(user):
    return user.is_authenticated and (user.can(ADMIN) or user.can(REGION_WRITE))


def can_create_structure(user):
    return _is_writer(user)


def can_import_structures(user):
    return can_create_structure(user)


def can_change_siret(user):
    """Only regional staff who write and administrators correct a SIRET."""
    return _is_writer(user)


def can_edit_structure(user, structure):
    if not user.is_authenticated or not user.is_active:
        return False
    if user.can(ADMIN):
        return True
    if user.can(REGION_WRITE):
        return staff_reach(user).contains(structure)
    return user.can(STRUCTURES_MEMBER) and is_director_of(user, structure)


def can_view_members(user, structure):
    if not user.is_authenticated or user.can(STRUCTURES_DIRECTORY):
        return False
    return can_view_structure(user, structure)


def can_manage_members(user, structure):
    """The members' page: attach by invitation, withdraw an invitation, detach someone."""
    return can_edit_structure(user, structure)


def can_join_structure(user):
    """Who may be attached to a structure (a membership, an accepted invitation): active
    accounts that act for their structures (``structures.member``), never the council's
    staff, DLA chargés, facilitators or administrators."""
    return user.is_authenticated and user.can(STRUCTURES_MEMBER) and not user.can(ADMIN)


def can_view_history(user, structure):
    """The audit entries of a structure, on its page: administrators and regional staff."""
    return is_staff_reader(user)


def visible_projects(user):
    """Collective projects with at least one member structure ``user`` may open."""
    projects = CollectiveProject.objects.all()
    reach = structure_reach(user)
    if reach.everything:
        return projects
    if reach.nothing:
        return projects.none()
    return projects.filter(members__structure__in=visible_structures(user)).distinct()


def can_view_project(user, project):
    return visible_projects(user).filter(pk=project.pk).exists()


def can_edit_project(user, project):
    if not user.is_authenticated or not user.is_active:
        return False
    if user.can(ADMIN):
        return True
    if user.can(REGION_WRITE):
        return can_view_project(user, project)
    return project.carrier is not None and is_director_of(user, project.carrier)


# -- The CDIAE report (iae_portal.cdiae) --------------------------------------------------


def cdiae_report_reach(user):
    """The territories whose CDIAE report ``user`` may read, as ``(regions, departments)``
    (codes; ``None`` for every one):

    - administrators: every one;
    - regional staff (``region.read``): their region and its départements (every one when
      their account has no region);
    - partners (``partner.member``): for each of their active organisations, its
      département, or, for an organisation of a whole region (no département), the region
      and all its départements;
    - nobody else.
    """
    if not user.is_authenticated or not user.is_active:
        return (), ()
    if user.can(ADMIN):
        return None, None
    if user.can(REGION_READ):
        if user.region_id is None:
            return None, None
        return (user.region_id,), department_codes(user.region_id)
    if user.can(PARTNER_MEMBER):
        regions, departments = set(), set()
        memberships = OrganisationMembership.objects.filter(user=user, is_active=True)
        for region, department in memberships.values_list(
            "organisation__region_id", "organisation__department_id"
        ):
            if department:
                departments.add(department)
            else:
                regions.add(region)
                departments.update(department_codes(region))
        return tuple(sorted(regions)), tuple(sorted(departments))
    return (), ()


def can_read_cdiae_report(user, scope):
    """Whether ``user`` may read the CDIAE report of ``scope`` (``iae_portal.cdiae.Scope``:
    a département or a region), by ``cdiae_report_reach``."""
    regions, departments = cdiae_report_reach(user)
    if scope.kind == "region":
        return regions is None or scope.code in regions
    return departments is None or scope.code in departments


def can_read_any_cdiae_report(user):
    """The menu's entry: whoever may read the report of some territory (a query for
    partners only)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.can(ADMIN) or user.can(REGION_READ):
        return True
    regions, departments = cdiae_report_reach(user)
    return bool(regions or departments)
