"""The partners' opinions section of the dossier page (``{% dossier_opinions_section %}``,
through ``aides/opinions/_dossier_opinions.html``): for the dossier's staff only, never
for the applicant nor the structure's members."""

from django import template
from django.utils import timezone

from iae_portal.compiled import Statement

from .. import perms
from ..models import OpinionRequest
from ..opinion_presenters import opinion_summary, read_opinions, state_of

register = template.Library()

# On every page of a dossier its staff read: its SQL compiled once.
_REQUESTS = Statement(
    lambda dossier_id: OpinionRequest.objects.filter(dossier_id=dossier_id).select_related(
        "partner", "organisation"
    )
)


@register.inclusion_tag("aides/opinions/_dossier_section.html", takes_context=True)
def dossier_opinions_section(context):
    """Reads ``dossier`` and ``request`` of the dossier page."""
    dossier, user = context["dossier"], context["request"].user
    if not perms.can_view_partner_opinions(user, dossier):
        return {"shown": False}
    today = timezone.localdate()
    requests = read_opinions(_REQUESTS(dossier_id=dossier.pk))
    rows = []
    for request in requests:
        request.dossier = dossier
        request.can_withdraw = perms.can_withdraw_opinion_request(user, request)
        rows.append((request, state_of(request, today)))
    return {
        "shown": True,
        "dossier": dossier,
        "rows": rows,
        "summary": opinion_summary([state["value"] for _, state in rows]),
        "can_request": perms.can_request_opinion(user, dossier),
        "csrf_token": context.get("csrf_token"),
    }
