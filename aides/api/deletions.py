"""Deleted schemes, campaigns and dossiers in the API's deletions feed."""

from django.db.models import Q

from iae_portal.api.deletions import register
from iae_portal.users.enums import Role

from ..models import AidScheme, Campaign, Dossier


def everyone(user):
    return Q() if user.is_authenticated and user.is_active else None


def dossier_audience(user):
    """As ``Dossier.objects.visible_to``: staff of the region, members of the structure."""
    from structures.models import Membership

    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_admin:
        return Q()
    if user.is_regional_staff:
        return Q(region=user.region_id) if user.region_id else Q()
    if user.role == Role.SIAE:
        uuids = Membership.objects.filter(user=user, is_active=True).values_list(
            "structure__uuid", flat=True
        )
        return Q(structure__in=[str(u) for u in uuids])
    return None


UNRESTRICTED = {"department": False, "structure": False, "dla": False}

register(AidScheme, type="scheme", audience=everyone, restrict=UNRESTRICTED)
register(Campaign, type="campaign", audience=everyone, restrict=UNRESTRICTED)
register(
    Dossier,
    type="dossier",
    scope=lambda d: {"department": d.structure.department_id, "structure": d.structure.uuid},
    restrict={"department": True, "structure": True},
    audience=dossier_audience,
)
