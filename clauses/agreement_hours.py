"""The hours counted by partnership agreements (``partnership``'s rule over the database): one
aggregate by agreement and month, whatever the number of agreements and quarters."""

from collections import defaultdict

from django.db.models import F, Sum
from django.db.models.functions import TruncMonth

from . import partnership
from .models import PartnershipAgreement

REPORTS = "buyers__marches__lots__hours_reports"


def monthly_hours(agreements):
    """``{agreement_id: {month: hours}}`` of ``agreements`` (ids or rows): the hours reported
    on the lots their facilitator follows, of contracts of one of their buyers, for a month
    of the agreement (``partnership``), in one query."""
    ids = [getattr(a, "pk", a) for a in agreements]
    found = defaultdict(dict)
    if not ids:
        return found
    # One filter() call: the lot, its report and the period bounds are those of one join.
    rows = (
        PartnershipAgreement.objects.filter(pk__in=ids)
        .filter(
            buyers__marches__lots__facilitator=F("facilitator"),
            **{
                f"{REPORTS}__period__gte": TruncMonth("start_date"),
                f"{REPORTS}__period__lte": F("end_date"),
            },
        )
        .values_list("pk", f"{REPORTS}__period")
        .annotate(hours=Sum(f"{REPORTS}__hours"))
        .order_by()
    )
    for agreement_id, month, hours in rows:
        found[agreement_id][month] = hours
    return found


def figures_of(agreement, monthly=None):
    """``partnership.QuarterFigures`` of every quarter of ``agreement`` (``monthly`` as
    ``monthly_hours`` gives it, loaded when not given)."""
    if monthly is None:
        monthly = monthly_hours([agreement]).get(agreement.pk, {})
    return partnership.quarters_figures(
        start=agreement.start_date,
        end=agreement.end_date,
        objective=agreement.hours_objective,
        monthly=monthly,
    )
