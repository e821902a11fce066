"""Clauses blocks shown on other apps' pages (a structure's page, the facilitator's home)."""

from django import template
from django.db.models import Prefetch, Sum

from structures.models import Department

from .. import perms
from ..models import Facilitator
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
    """The facilitators ``user`` works for with the départements they cover, and the lots
    they follow with their realised hours."""
    facilitators = (
        Facilitator.objects.filter(memberships__user=user, memberships__is_active=True)
        .prefetch_related(Prefetch("departments", Department.objects.select_related("region")))
        .order_by("name")
    )
    lots = with_realised(
        perms.followed_lots(user)
        .select_related("marche__buyer")
        .order_by("-marche__notification_date", "marche__ref", "ref")
    )[:50]
    return {"facilitators": facilitators, "lots": lots}
