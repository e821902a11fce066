"""Deleted schemes, campaigns, dossiers, opinion requests and financing plans in the API's
deletions feed."""

from django.db.models import Q

from iae_portal.api.deletions import register

from .. import perms
from ..models import AidScheme, Campaign, Dossier, FinancingPlan, OpinionRequest


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


def _dossier_scope(obj):
    structure = obj.dossier.structure
    return {"department": structure.department_id, "structure": structure.uuid}


# Staff only, as the resource: a structure's client (the applicant) never sees them.
register(
    OpinionRequest,
    type="opinion_request",
    scope=_dossier_scope,
    restrict={"department": True},
    audience=perms.api_opinion_request_audience,
)
register(
    FinancingPlan,
    type="financing_plan",
    scope=_dossier_scope,
    restrict={"department": True, "structure": True},
    audience=perms.dossier_audience,
)
