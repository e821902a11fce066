"""Deleted accompaniments and prestations in the API's deletions feed: a tombstone keeps
the DLA (its département) and the structures accompanied, read before the deletion."""

from django.db.models import Q

from iae_portal.api.deletions import register
from structures.models import Structure

from .. import perms
from ..models import Accompaniment, Prestation


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
    audience=perms.accompaniment_audience,
)
register(
    Prestation,
    type="prestation",
    scope=lambda prestation: accompaniment_scope(prestation.accompaniment),
    restrict=RESTRICT,
    audience=perms.accompaniment_audience,
)
