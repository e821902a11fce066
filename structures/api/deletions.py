"""Deleted structures in the API's deletions feed (see ``iae_portal.api.deletions``)."""

from django.db.models import Q

from iae_portal.api.deletions import register, register_regions

from .. import perms
from ..models import Department, Structure


def structure_audience(user):
    """Whose structures' deletions ``user`` sees: as ``perms.visible_structures``."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_admin or user.role in perms.DIRECTORY_READER_ROLES:
        return Q()
    if user.is_regional_staff:
        return Q(region=user.region_id) if user.region_id else Q()
    uuids = [str(u) for u in perms.visible_structures(user).values_list("uuid", flat=True)]
    return Q(structure__in=uuids)


register(
    Structure,
    type="structure",
    scope=lambda s: {"department": s.department_id, "structure": s.uuid},
    restrict={"department": True, "structure": True, "dla": False},
    audience=structure_audience,
)


def _regions(codes):
    """The regions of the départements ``codes``, kept in tombstones with them."""
    return Department.objects.filter(pk__in=codes).values_list("region_id", flat=True)


register_regions(_regions)
