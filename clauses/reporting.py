"""Reporting gaps of many lots at once (``gaps``'s rules over the database): two queries
whatever the number of lots, one for the lots and their contract, one for the hours reported
per lot and month."""

from collections import defaultdict

from django.conf import settings
from django.db.models import Sum

from .enums import Clause
from .gaps import DEFAULT_GRACE_MONTHS, DEFAULT_LATE_TOLERANCE, add_months, horizon, lot_gaps
from .models import HoursReport
from .rules import EXECUTION_MONTHS


def grace_months():
    return getattr(settings, "IAE_CLAUSES_GRACE_MONTHS", DEFAULT_GRACE_MONTHS)


def late_tolerance():
    return getattr(settings, "IAE_CLAUSES_LATE_TOLERANCE", DEFAULT_LATE_TOLERANCE)


def followed_candidates(lots, today):
    """``lots`` that may be followed on ``today`` (``gaps.is_followed`` decides): with a
    clause, notified by today and not before the horizon less the execution's length and a
    month (the execution period runs ``rules.EXECUTION_MONTHS`` from the notification)."""
    oldest = add_months(horizon(today, grace_months()), -(EXECUTION_MONTHS + 1))
    return lots.exclude(clause=Clause.NONE).filter(
        marche__notification_date__lte=today, marche__notification_date__gte=oldest
    )


def reported_by_lot(lots):
    """``{lot_id: {month: hours}}`` of the reports of ``lots`` (a queryset), in one query."""
    reported = defaultdict(dict)
    rows = (
        HoursReport.objects.filter(lot__in=lots.values("pk"))
        .values_list("lot_id", "period")
        .annotate(hours=Sum("hours"))
        .order_by()
    )
    for lot_id, period, hours in rows:
        reported[lot_id][period] = hours
    return reported


def gaps_of(lots, today, *, flagged_only=True):
    """``{lot_id: gaps.LotGaps}`` of the followed ``lots`` (a queryset) on ``today``, only
    those with something to do unless ``flagged_only`` is false; each ``LotGaps.lot`` has its
    contract and buyer loaded."""
    candidates = followed_candidates(lots, today)
    reported = reported_by_lot(candidates)
    grace, tolerance = grace_months(), late_tolerance()
    found = {}
    for lot in candidates.select_related("marche__buyer", "facilitator").order_by("pk"):
        gaps = lot_gaps(lot, reported.get(lot.pk, {}), today, grace=grace, tolerance=tolerance)
        if gaps is not None and (gaps.flagged or not flagged_only):
            found[lot.pk] = gaps
    return found


def sorted_gaps(gaps):
    """``gaps`` (``LotGaps``) by contract notification, contract and lot reference."""
    return sorted(
        gaps,
        key=lambda g: (g.lot.marche.notification_date, g.lot.marche.ref, g.lot.ref),
    )


def marches_with(lots, today, *, missing=False, late=False):
    """Ids of the contracts of ``lots`` with a lot missing months (``missing``) or late
    (``late``)."""
    return {
        g.lot.marche_id
        for g in gaps_of(lots, today).values()
        if (missing and g.missing) or (late and g.late)
    }
