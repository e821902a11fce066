"""Deleted structures in the API's deletions feed (see ``iae_portal.api.deletions``)."""

from iae_portal.api.deletions import register, register_regions

from .. import perms
from ..models import Department, Structure, StructureActivity

register(
    Structure,
    type="structure",
    scope=lambda s: {"department": s.department_id, "structure": s.uuid},
    restrict={"department": True, "structure": True, "dla": False},
    audience=perms.structure_audience,
)

register(
    StructureActivity,
    type="structure_activity",
    scope=lambda a: {"department": a.structure.department_id, "structure": a.structure.uuid},
    restrict={"department": True, "structure": True, "dla": False},
    audience=perms.structure_audience,
)


def _regions(codes):
    """The regions of the départements ``codes``, kept in tombstones with them."""
    return Department.objects.filter(pk__in=codes).values_list("region_id", flat=True)


register_regions(_regions)
