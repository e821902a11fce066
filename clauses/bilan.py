"""The yearly bilan of social clauses: ../shared/domain/clauses.md ("The yearly bilan").

``clauses_bilan(year)`` is shared by the ``clauses_bilan`` command, the API and the web
report. It runs a fixed number of aggregate queries, whatever the number of contracts.
"""

from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum

from dla.bilan import share

from .enums import Clause, MarcheType
from .models import HoursReport, Lot, Marche


def clauses_bilan(year):
    """``{"year", "by_type", "participants", "hours_by_modality", "hours_by_public"}``.

    The contracts of ``year`` are those notified in it; hours are the reported hours on
    their lots, whatever the month reported. Hours are ints when whole."""
    marches = Marche.objects.filter(notification_date__year=year)
    with_clause = Lot.objects.filter(marche=OuterRef("pk")).exclude(clause=Clause.NONE)
    counts = {
        row["type"]: row
        for row in marches.annotate(has_clause=Exists(with_clause))
        .values("type")
        .annotate(marches=Count("pk"), marches_with_clause=Count("pk", filter=Q(has_clause=True)))
        .order_by()
    }
    lots = Lot.objects.filter(marche__notification_date__year=year).exclude(clause=Clause.NONE)
    required = dict(lots.values_list("marche__type").annotate(Sum("hours_required")).order_by())
    reports = HoursReport.objects.filter(lot__marche__notification_date__year=year)
    realised = dict(
        reports.exclude(lot__clause=Clause.NONE)
        .values_list("lot__marche__type")
        .annotate(Sum("hours"))
        .order_by()
    )

    by_type = {}
    for marche_type in MarcheType.values:
        count = counts.get(marche_type, {"marches": 0, "marches_with_clause": 0})
        total, clause = count["marches"], count["marches_with_clause"]
        by_type[marche_type] = {
            "marches": total,
            "marches_with_clause": clause,
            # Half-up on the exact quotient (1/16 gives 0.063, not the float's 0.062).
            "share_with_clause": share(clause, total),
            "hours_required": required.get(marche_type) or 0,
            "hours_realised": _hours(realised.get(marche_type)),
        }
    return {
        "year": year,
        "by_type": by_type,
        "participants": reports.values("participant_ref").distinct().count(),
        "hours_by_modality": _hours_by(reports, "modality"),
        "hours_by_public": _hours_by(reports, "public_category"),
    }


def flatten(bilan, prefix=""):
    """``[(key, value)]`` with dotted keys (``by_type.travaux.marches``), in bilan order."""
    items = []
    for key, value in bilan.items():
        if isinstance(value, dict):
            items.extend(flatten(value, f"{prefix}{key}."))
        else:
            items.append((f"{prefix}{key}", value))
    return items


def _hours_by(reports, column):
    totals = reports.values_list(column).annotate(Sum("hours")).order_by(column)
    return {value: _hours(total) for value, total in sorted(totals)}


def _hours(value):
    """A sum of hours as JSON shows it: ``152`` rather than ``152.00``, ``7.5`` when not whole."""
    value = Decimal(value or 0)
    return int(value) if value == value.to_integral_value() else float(value)
