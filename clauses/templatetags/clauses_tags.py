"""Clauses blocks shown on other apps' pages (a structure's page, the facilitator's home)."""

from django import template
from django.db.models import Sum

from .. import perms
from ..querysets import with_realised

register = template.Library()


@register.inclusion_tag("clauses/_structure_hours.html")
def structure_clause_hours(user, structure):
    """The insertion hours ``structure`` delivered, per contract and lot, for those allowed
    (totals only: no participant reference)."""
    if not perms.can_view_structure_hours(user, structure):
        return {"allowed": False}
    rows = (
        perms.structure_hours(structure)
        .values("lot__marche__ref", "lot__marche__buyer__name", "lot__ref", "lot__object")
        .annotate(hours=Sum("hours"))
        .order_by("lot__marche__ref", "lot__ref")
    )
    rows = list(rows)
    return {
        "allowed": True,
        "rows": rows,
        "total": sum((row["hours"] for row in rows), 0),
    }


@register.inclusion_tag("clauses/_facilitator_lots.html")
def facilitator_lots(user):
    """The lots ``user`` follows, with their realised hours."""
    lots = with_realised(
        perms.followed_lots(user)
        .select_related("marche__buyer")
        .order_by("-marche__notification_date", "marche__ref", "ref")
    )[:50]
    return {"lots": lots}
