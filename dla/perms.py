"""Who may see and change DLA accompaniments: the one place that decides, for views and
templates.

- administrators: every accompaniment; they may import;
- regional staff (instructeur, chef de service, élu/partenaire): read the accompaniments of
  the DLA of their region (all regions when their account has none); instructeurs and chefs
  de service may import;
- DLA chargés de mission: see and edit the accompaniments of the DLA where their
  ``DlaMembership`` is active, log new requests there, and import their DLA's files;
- directors of a structure (active ``directeur`` membership): read the accompaniments
  where it is named at the request or is a prestation's beneficiary, from the structure's
  page (not the list nor the bilan);
- everybody else (employees, facilitators): nothing.
"""

from django.db.models import Exists, OuterRef, Q

from iae_portal.users.enums import Role
from structures.enums import MembershipRole
from structures.models import Membership

from .models import Accompaniment, Dla, DlaMembership, Prestation


def _is_active(user):
    return user.is_authenticated and user.is_active


def _is_chargé(user):
    return _is_active(user) and user.role == Role.DLA


def member_dla_ids(user):
    """The DLA where ``user`` is an active chargé de mission, as a queryset of ids."""
    return DlaMembership.objects.filter(user=user, is_active=True, user__role=Role.DLA).values(
        "dla_id"
    )


def visible_dla_ids(user):
    """The DLA whose accompaniments ``user`` may read: ``None`` for all of them, else a
    queryset of ids (possibly empty)."""
    if not _is_active(user):
        return Dla.objects.none().values("pk")
    if user.is_admin:
        return None
    if user.is_regional_staff:
        if user.region_id is None:
            return None
        return Dla.objects.filter(department__region_id=user.region_id).values("pk")
    if user.role == Role.DLA:
        return member_dla_ids(user)
    return Dla.objects.none().values("pk")


def directed_structure_ids(user):
    """The structures ``user`` directs (active ``directeur`` membership), as ids."""
    return Membership.objects.filter(
        user=user, is_active=True, role=MembershipRole.DIRECTEUR, user__role=Role.SIAE
    ).values("structure_id")


def visible_accompaniments(user, queryset=None):
    """The accompaniments of ``queryset`` (all by default) that ``user`` may read."""
    queryset = Accompaniment.objects.all() if queryset is None else queryset
    if _is_active(user) and user.role == Role.SIAE:
        directed = directed_structure_ids(user)
        named = Accompaniment.structures.through.objects.filter(
            accompaniment_id=OuterRef("pk"), structure_id__in=directed
        )
        served = Prestation.beneficiaries.through.objects.filter(
            prestation__accompaniment_id=OuterRef("pk"), structure_id__in=directed
        )
        return queryset.filter(Q(Exists(named)) | Q(Exists(served)))
    ids = visible_dla_ids(user)
    return queryset if ids is None else queryset.filter(dla_id__in=ids)


def visible_departments(user):
    """The départements whose DLA ``user`` may read (``None``: all), for the bilan."""
    ids = visible_dla_ids(user)
    if ids is None:
        return None
    return sorted(Dla.objects.filter(pk__in=ids).values_list("department_id", flat=True))


def can_use_dla_pages(user):
    """The list, the bilan: open to those who may read some accompaniments."""
    return _is_active(user) and (user.is_admin or user.is_regional_staff or user.role == Role.DLA)


def can_view_accompaniment(user, accompaniment):
    return Accompaniment.objects.visible_to(user).filter(pk=accompaniment.pk).exists()


def can_view_structure_accompaniments(user, structure):
    """The structure page's DLA section: for DLA page users and the structure's directors."""
    return can_use_dla_pages(user) or (
        _is_active(user)
        and user.role == Role.SIAE
        and directed_structure_ids(user).filter(structure_id=structure.pk).exists()
    )


def request_dlas(user):
    """The DLA where ``user`` may log a new request (chargés: theirs; administrators: all)."""
    if not _is_active(user):
        return Dla.objects.none()
    if user.is_admin:
        return Dla.objects.all()
    if _is_chargé(user):
        return Dla.objects.filter(pk__in=member_dla_ids(user))
    return Dla.objects.none()


def can_open_accompaniment(user):
    return request_dlas(user).exists()


def can_edit_accompaniment(user, accompaniment):
    if not _is_active(user):
        return False
    if user.is_admin:
        return True
    return _is_chargé(user) and member_dla_ids(user).filter(dla_id=accompaniment.dla_id).exists()


def can_import(user):
    if not _is_active(user):
        return False
    if user.is_admin or user.is_regional_writer:
        return True
    return _is_chargé(user) and member_dla_ids(user).exists()


def import_departments(user):
    """The DLA départements ``user`` may import rows for (``None``: any)."""
    if user.is_admin or user.is_regional_writer:
        return None
    return set(
        Dla.objects.filter(pk__in=member_dla_ids(user)).values_list("department_id", flat=True)
    )
