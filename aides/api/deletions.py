"""Deleted schemes, campaigns and dossiers in the API's deletions feed."""

from django.db.models import Q

from iae_portal.api.deletions import register

from .. import perms
from ..models import AidScheme, Campaign, Dossier


def everyone(user):
    return Q() if user.is_authenticated and user.is_active else None


UNRESTRICTED = {"department": False, "structure": False, "dla": False}

register(AidScheme, type="scheme", audience=everyone, restrict=UNRESTRICTED)
register(Campaign, type="campaign", audience=everyone, restrict=UNRESTRICTED)
register(
    Dossier,
    type="dossier",
    scope=lambda d: {"department": d.structure.department_id, "structure": d.structure.uuid},
    restrict={"department": True, "structure": True},
    audience=perms.dossier_audience,
)
