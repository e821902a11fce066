"""The partners' opinions section of the dossier page (``{% dossier_opinions_section %}``,
through ``aides/opinions/_dossier_opinions.html``): for the dossier's staff only, never
for the applicant nor the structure's members."""

from django import template
from django.utils import timezone

from .. import perms
from ..opinion_presenters import opinion_summary, state_of, with_opinions

register = template.Library()


@register.inclusion_tag("aides/opinions/_dossier_section.html", takes_context=True)
def dossier_opinions_section(context):
    """Reads ``dossier`` and ``request`` of the dossier page."""
    dossier, user = context["dossier"], context["request"].user
    if not perms.can_view_partner_opinions(user, dossier):
        return {"shown": False}
    today = timezone.localdate()
    requests = list(
        with_opinions(dossier.opinion_requests.select_related("partner", "organisation"))
    )
    rows = []
    for request in requests:
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
