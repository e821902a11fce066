"""Who may see and change DLA accompaniments: the one place that decides, for views,
querysets, the API, the deletions feed and templates.

- administrators: every accompaniment; they may import;
- regional staff (``region.read``: instructeur, chef de service, élu/partenaire): read the
  accompaniments of the DLA of their territory (all when their account has no region);
  those who write (``region.write``) may import;
- DLA chargés de mission (``dla.member``): see and edit the accompaniments of the DLA where
  their ``DlaMembership`` is active, log new requests there, and import their DLA's files;
- directors of a structure (``structures.member``, active ``directeur`` membership): read
  the accompaniments where it is named at the request or is a prestation's beneficiary,
  from the structure's page (not the list nor the bilan);
- everybody else (employees, facilitators): nothing.

An accompaniment's visibility is one rule (``accompaniment_reach``), turned into the
queryset filter (``visible_accompaniments``, which ``can_view_accompaniment`` asks) and the
deletions feed's audience (``accompaniment_audience``).
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q

from iae_portal.api.deletions import scoped_to
from iae_portal.users.roles import ADMIN, DLA_MEMBER, REGION_READ, REGION_WRITE, STRUCTURES_MEMBER
from structures.perms import NOTHING as NO_STRUCTURE
from structures.perms import Reach, member_reach, staff_reach

from .models import Accompaniment, Dla, DlaMembership, Prestation


def _is_active(user):
    return user.is_authenticated and user.is_active


def is_chargé(user):
    """A DLA chargé de mission (what they see then depends on their DLA memberships)."""
    return _is_active(user) and user.can(DLA_MEMBER)


def member_dla_ids(user):
    """The DLA where ``user`` is an active chargé de mission, as a queryset of ids."""
    if not is_chargé(user):
        return DlaMembership.objects.none().values("dla_id")
    return DlaMembership.objects.filter(user=user, is_active=True).values("dla_id")


@dataclass(frozen=True)
class AccompanimentReach:
    """The accompaniments a person reads: those of the DLA of some départements
    (``departments``: codes, or a subquery of them; ``None`` for every DLA) or those serving
    the structures a director ``directs`` (a ``structures.perms.Reach``); neither: nothing."""

    departments: object = ()
    directs: Reach = NO_STRUCTURE

    @property
    def everything(self):
        return self.departments is None


def accompaniment_reach(user):
    """Whose accompaniments ``user`` reads."""
    if not _is_active(user):
        return AccompanimentReach()
    if user.can(STRUCTURES_MEMBER):
        return AccompanimentReach(directs=member_reach(user, directors=True))
    if user.can(ADMIN):
        return AccompanimentReach(departments=None)
    if user.can(REGION_READ):
        return AccompanimentReach(departments=staff_reach(user).departments)
    if user.can(DLA_MEMBER):
        # A subquery: the lists filter on it without a query of their own.
        dlas = Dla.objects.filter(pk__in=member_dla_ids(user))
        return AccompanimentReach(departments=dlas.values_list("department_id", flat=True))
    return AccompanimentReach()


def visible_accompaniments(user, queryset=None):
    """The accompaniments of ``queryset`` (all by default) that ``user`` may read."""
    queryset = Accompaniment.objects.all() if queryset is None else queryset
    reach = accompaniment_reach(user)
    if reach.everything:
        return queryset
    if not reach.directs.nothing:
        directed = reach.directs.structure_ids()
        named = Accompaniment.structures.through.objects.filter(
            accompaniment_id=OuterRef("pk"), structure_id__in=directed
        )
        served = Prestation.beneficiaries.through.objects.filter(
            prestation__accompaniment_id=OuterRef("pk"), structure_id__in=directed
        )
        return queryset.filter(Q(Exists(named)) | Q(Exists(served)))
    if reach.departments == ():
        return queryset.none()
    return queryset.filter(dla__department_id__in=reach.departments)


def can_view_accompaniment(user, accompaniment):
    return visible_accompaniments(user).filter(pk=accompaniment.pk).exists()


def accompaniment_audience(user):
    """Whose deleted accompaniments and prestations ``user`` sees in the API's deletions
    feed: as ``visible_accompaniments``, over the tombstones' ``dla`` (the DLA's
    département) and ``structure`` (those named or served) scopes."""
    reach = accompaniment_reach(user)
    if reach.everything:
        return Q()
    if not reach.directs.nothing:
        uuids = reach.directs.memberships().values_list("structure__uuid", flat=True)
        return scoped_to("structure", [str(u) for u in uuids])
    departments = list(reach.departments)
    return scoped_to("dla", departments) if departments else None


def visible_departments(user):
    """The départements whose DLA ``user`` may read (``None``: all), for the bilan."""
    reach = accompaniment_reach(user)
    return None if reach.everything else sorted(reach.departments)


def can_use_dla_pages(user):
    """The list, the bilan: open to those who may read some accompaniments."""
    return _is_active(user) and (user.can(ADMIN) or user.can(REGION_READ) or user.can(DLA_MEMBER))


def can_view_overview(user):
    """The home page's overview of the accompaniments of one's territory: administrators
    and regional staff."""
    return _is_active(user) and (user.can(ADMIN) or user.can(REGION_READ))


def can_view_structure_accompaniments(user, structure):
    """The structure page's DLA section: for DLA page users and the structure's directors."""
    return can_use_dla_pages(user) or member_reach(user, directors=True).contains(structure)


def can_view_history(user, accompaniment):
    """An accompaniment's audit entries: those who edit it, administrators, regional staff."""
    return can_edit_accompaniment(user, accompaniment) or can_view_overview(user)


def request_dlas(user):
    """The DLA where ``user`` may log a new request (chargés: theirs; administrators: all)."""
    if not _is_active(user):
        return Dla.objects.none()
    if user.can(ADMIN):
        return Dla.objects.all()
    if is_chargé(user):
        return Dla.objects.filter(pk__in=member_dla_ids(user))
    return Dla.objects.none()


def can_open_accompaniment(user):
    return request_dlas(user).exists()


def can_edit_accompaniment(user, accompaniment):
    if not _is_active(user):
        return False
    if user.can(ADMIN):
        return True
    return is_chargé(user) and member_dla_ids(user).filter(dla_id=accompaniment.dla_id).exists()


def _is_staff_writer(user):
    return _is_active(user) and (user.can(ADMIN) or user.can(REGION_WRITE))


def can_import(user):
    if _is_staff_writer(user):
        return True
    return is_chargé(user) and member_dla_ids(user).exists()


def import_departments(user):
    """The DLA départements ``user`` may import rows for (``None``: any)."""
    if _is_staff_writer(user):
        return None
    return set(
        Dla.objects.filter(pk__in=member_dla_ids(user)).values_list("department_id", flat=True)
    )
