"""Deleted accompaniments and prestations in the API's deletions feed: a tombstone keeps
the DLA (its département) and the structures accompanied, read before the deletion."""

from django.db.models import Q

from iae_portal.api.deletions import register, scoped_to
from iae_portal.users.enums import Role
from structures.models import Structure

from .. import perms
from ..models import Accompaniment, Prestation


def dla_audience(user):
    """As ``perms.visible_accompaniments``: administrators everything, regional staff their
    region's DLA (all without a region), chargés de mission theirs, directors their
    structures'."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_admin or (user.is_regional_staff and user.region_id is None):
        return Q()
    if user.is_regional_staff:
        return scoped_to("region", [user.region_id])
    if user.role == Role.DLA:
        return scoped_to("dla", perms.visible_departments(user))
    if user.role == Role.SIAE:
        directed = Structure.objects.filter(pk__in=perms.directed_structure_ids(user))
        return scoped_to("structure", [str(u) for u in directed.values_list("uuid", flat=True)])
    return None


def accompaniment_scope(accompaniment):
    """Its DLA, and the structures named at the request or served by a prestation."""
    served = Q(dla_accompaniments=accompaniment) | Q(dla_prestations__accompaniment=accompaniment)
    uuids = Structure.objects.filter(served).values_list("uuid", flat=True).distinct()
    code = accompaniment.dla.department_id
    return {"department": code, "dla": code, "structure": sorted(str(u) for u in uuids)}


RESTRICT = {"department": True, "dla": True, "structure": True}

register(
    Accompaniment,
    type="accompaniment",
    scope=accompaniment_scope,
    restrict=RESTRICT,
    audience=dla_audience,
)
register(
    Prestation,
    type="prestation",
    scope=lambda prestation: accompaniment_scope(prestation.accompaniment),
    restrict=RESTRICT,
    audience=dla_audience,
)
