"""The yearly bilan of social clauses: ../shared/domain/clauses.md ("The yearly bilan").

``clauses_bilan(year)`` is shared by the ``clauses_bilan`` command, the API and the web
report; ``breakdowns(year)`` adds the web report's tables (per buyer, per facilitator, per
SIAE kind) over the same contracts and hours. Both run a fixed number of aggregate
queries, whatever the number of contracts. Given ``lots`` (a facilitator's, from
``perms.bilan_lots``), both count those lots only, their contracts and their hours.

``clauses_bilan`` also carries, under the additional key ``programme``, the figures of
the year's programme of planned purchases (``programme_figures``, docs/clauses.md), when
the year has some: the keys of clauses.md are unchanged, and a year without planned
purchases gives exactly them.
"""

from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import Coalesce

from iae_portal.bilans import share
from structures.enums import StructureKind

from .enums import Clause, MarcheType, PurchaseStatus
from .models import Buyer, Facilitator, HoursReport, Lot, Marche, PlannedPurchase


def _year(year, scope=None):
    """The contracts of ``year`` (notified in it), their lots with a clause, and the hours
    reported on their lots, whatever the month reported; only those of the lots ``scope``
    when given."""
    marches = Marche.objects.filter(notification_date__year=year)
    lots = Lot.objects.filter(marche__notification_date__year=year).exclude(clause=Clause.NONE)
    reports = HoursReport.objects.filter(lot__marche__notification_date__year=year)
    if scope is not None:
        marches = marches.filter(pk__in=scope.values("marche_id"))
        lots = lots.filter(pk__in=scope.values("pk"))
        reports = reports.filter(lot__in=scope.values("pk"))
    return marches, lots, reports


def _contract_figures(year, group, scope=None):
    """``{value of the contracts' `group` field: {marches, marches_with_clause,
    hours_required, hours_realised}}``, for the groups having contracts in ``year``."""
    marches, lots, reports = _year(year, scope)
    with_clause = lots.filter(marche=OuterRef("pk"))
    counts = (
        marches.annotate(has_clause=Exists(with_clause))
        .values_list(group)
        .annotate(total=Count("pk"), clause=Count("pk", filter=Q(has_clause=True)))
        .order_by()
    )
    required = dict(lots.values_list(f"marche__{group}").annotate(Sum("hours_required")).order_by())
    realised = dict(
        reports.exclude(lot__clause=Clause.NONE)
        .values_list(f"lot__marche__{group}")
        .annotate(Sum("hours"))
        .order_by()
    )
    return {
        key: {
            "marches": total,
            "marches_with_clause": clause,
            "hours_required": required.get(key) or 0,
            "hours_realised": _hours(realised.get(key)),
        }
        for key, total, clause in counts
    }


def clauses_bilan(year, *, lots=None, purchases=None):
    """``{"year", "by_type", "participants", "hours_by_modality", "hours_by_public"}``
    (clauses.md), and ``"programme"`` (``programme_figures``) when the year has planned
    purchases in scope.

    The contracts of ``year`` are those notified in it; hours are the reported hours on
    their lots, whatever the month reported. Hours are ints when whole; shares are rounded
    half-up on the exact quotient (1/16 gives 0.063, where the float would give 0.062).
    ``lots``: count only those lots (and their contracts). ``purchases``: the planned
    purchases the programme's figures count (``perms.bilan_purchases``); without it, every
    purchase for a bilan of every lot, none for a bilan scoped by ``lots`` (a caller that
    scopes the lots and forgets the purchases never shows more than its scope)."""
    figures = _contract_figures(year, "type", lots)
    empty = {"marches": 0, "marches_with_clause": 0, "hours_required": 0, "hours_realised": 0}
    by_type = {}
    for marche_type in MarcheType.values:
        row = figures.get(marche_type, empty)
        by_type[marche_type] = {
            "marches": row["marches"],
            "marches_with_clause": row["marches_with_clause"],
            "share_with_clause": share(row["marches_with_clause"], row["marches"]),
            "hours_required": row["hours_required"],
            "hours_realised": row["hours_realised"],
        }
    _, _, reports = _year(year, lots)
    return {
        "year": year,
        "by_type": by_type,
        "participants": reports.values("participant_ref").distinct().count(),
        "hours_by_modality": _hours_by(reports, "modality"),
        "hours_by_public": _hours_by(reports, "public_category"),
    } | _programme_key(year, lots, purchases)


def _programme_key(year, lots, purchases):
    """``{"programme": …}`` when the year has planned purchases in scope, else nothing: a
    year without a programme gives exactly clauses.md's keys (and its sample's JSON)."""
    scoped = purchases if purchases is not None or lots is None else PlannedPurchase.objects.none()
    figures = programme_figures(year, scoped)
    return {"programme": figures} if figures["purchases_planned"] else {}


def programme_figures(year, purchases=None):
    """The year's programme of planned purchases against what was notified (issue 19,
    part 4; docs/clauses.md), over ``purchases`` (every one when ``None``), in two queries:

    - ``purchases_planned``: the purchases of the programme of ``year`` (``year`` field,
      whatever their state: planned, notified or abandoned); ``purchases_notified``,
      ``purchases_abandoned``: those notified, abandoned;
    - ``hours_planned``: their planned hours (purchases with a clause, abandoned ones
      included: the programme as it was planned);
    - ``hours_notified``: the hours required by the lots with a clause of the contracts the
      notified ones became (whenever those were notified);
    - ``notified_share``: ``hours_notified / hours_planned`` rounded half-up to 3 decimals
      (0.0 without planned hours; above 1 when the contracts ask more than planned)."""
    planned = PlannedPurchase.objects.filter(year=year)
    if purchases is not None:
        planned = planned.filter(pk__in=purchases.values("pk"))
    counts = planned.order_by().aggregate(
        purchases_planned=Count("pk"),
        purchases_notified=Count("pk", filter=Q(status=PurchaseStatus.NOTIFIE)),
        purchases_abandoned=Count("pk", filter=Q(status=PurchaseStatus.ABANDONNE)),
        hours_planned=Coalesce(Sum("hours_planned", filter=~Q(clause=Clause.NONE)), 0),
    )
    notified = planned.filter(status=PurchaseStatus.NOTIFIE).values("marche_id")
    hours = (
        Lot.objects.filter(marche__in=notified)
        .exclude(clause=Clause.NONE)
        .aggregate(total=Coalesce(Sum("hours_required"), 0))["total"]
    )
    return {
        **counts,
        "hours_notified": hours,
        "notified_share": share(hours, counts["hours_planned"]),
    }


def breakdowns(year, *, lots=None):
    """The web report's tables for ``year``, as lists of dicts (aggregates only: numbers of
    participants, never their references):

    - ``buyers``: per buyer with contracts in the year, as ``by_type``;
    - ``facilitators``: per facilitator following lots with a clause of those contracts:
      ``lots``, ``hours_required``, ``hours_realised``, ``participants`` and ``territory``
      (the codes of the départements it covers); lots without facilitator under ``None``;
    - ``siae_kinds``: the hours delivered through an SIAE, per kind of structure, with the
      number of SIAE; the hours without SIAE (direct hires, training) under ``None``.

    ``lots``: count only those lots (and their contracts)."""
    buyers = _contract_figures(year, "buyer", lots)
    _, lots, reports = _year(year, lots)
    names = {b.pk: b for b in Buyer.objects.filter(pk__in=list(buyers))}
    buyer_rows = sorted(
        ({"buyer": names[pk], **row} for pk, row in buyers.items()),
        key=lambda row: (row["buyer"].name, row["buyer"].kind),
    )
    return {
        "buyers": buyer_rows,
        "facilitators": _by_facilitator(lots, reports),
        "siae_kinds": _by_siae_kind(reports),
    }


def _by_facilitator(lots, reports):
    followed = lots.values_list("facilitator").annotate(
        count=Count("pk"), required=Sum("hours_required")
    )
    realised = {
        pk: (hours, people)
        for pk, hours, people in reports.exclude(lot__clause=Clause.NONE)
        .values_list("lot__facilitator")
        .annotate(hours=Sum("hours"), people=Count("participant_ref", distinct=True))
        .order_by()
    }
    counts = {pk: (count, required) for pk, count, required in followed.order_by()}
    facilitators = Facilitator.objects.filter(pk__in=[pk for pk in counts if pk]).prefetch_related(
        "departments"
    )
    by_pk = {f.pk: f for f in facilitators}
    rows = []
    for pk, (count, required) in counts.items():
        hours, people = realised.get(pk, (0, 0))
        facilitator = by_pk.get(pk)
        rows.append(
            {
                "facilitator": facilitator,
                "territory": [d.code for d in facilitator.departments.all()] if facilitator else [],
                "lots": count,
                "hours_required": required or 0,
                "hours_realised": _hours(hours),
                "participants": people,
            }
        )
    return sorted(rows, key=lambda row: (row["facilitator"] is None, str(row["facilitator"])))


def _by_siae_kind(reports):
    rows = (
        reports.values_list("siae__kind")
        .annotate(hours=Sum("hours"), siae_count=Count("siae", distinct=True))
        .order_by()
    )
    labels = dict(StructureKind.choices)
    result = [
        {"kind": kind, "label": labels[kind], "hours": _hours(hours), "siae": count}
        for kind, hours, count in rows
        if kind
    ]
    result.sort(key=lambda row: row["kind"])
    without = [_hours(hours) for kind, hours, _ in rows if kind is None]
    if without:
        result.append({"kind": None, "label": "Sans SIAE", "hours": without[0], "siae": 0})
    return result


def _hours_by(reports, column):
    totals = reports.values_list(column).annotate(Sum("hours")).order_by(column)
    return {value: _hours(total) for value, total in sorted(totals)}


def _hours(value):
    """A sum of hours as JSON shows it: ``152`` rather than ``152.00``, ``7.5`` when not whole."""
    value = Decimal(value or 0)
    return int(value) if value == value.to_integral_value() else float(value)
