"""Reads of the clauses pages: per-contract totals, the SIAE able to answer a reserved lot
(the lots behind schedule: ``reporting``)."""

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from .enums import RESERVED_TO, Clause
from .models import Facilitator, HoursReport, Lot

HOURS = DecimalField(max_digits=12, decimal_places=2)


def _total(queryset, aggregate, output_field):
    """``aggregate`` over ``queryset`` (correlated by ``OuterRef``) as one subquery, 0 if
    empty: separate subqueries keep lots and reports from multiplying each other."""
    grouped = queryset.order_by().annotate(_one=Value(1)).values("_one")
    return Coalesce(
        Subquery(grouped.annotate(total=aggregate).values("total")[:1], output_field=output_field),
        Value(0),
        output_field=output_field,
    )


def executed_in(codes, prefix=""):
    """``Q`` of the lots executed in one of the départements ``codes`` (a list, or a
    queryset of codes), as ``Lot.execution_departments``: the contract's département when
    recorded, else the territory of the lot's facilitator (``prefix`` reaches the lot from
    another model)."""
    covered = Facilitator.departments.through.objects.filter(
        facilitator_id=OuterRef(f"{prefix}facilitator_id"), department_id__in=codes
    )
    return Q(**{f"{prefix}marche__department_id__in": codes}) | (
        Q(**{f"{prefix}marche__department__isnull": True}) & Exists(covered)
    )


def for_list(marches, facilitator_ids=None):
    """Contracts with their buyer and the number of lots with a clause, their required and
    realised hours; ``facilitator_ids`` restricts the lots counted to those followed."""
    lots = Lot.objects.filter(marche=OuterRef("pk")).exclude(clause=Clause.NONE)
    reports = HoursReport.objects.filter(lot__marche=OuterRef("pk")).exclude(
        lot__clause=Clause.NONE
    )
    if facilitator_ids is not None:
        lots = lots.filter(facilitator_id__in=facilitator_ids)
        reports = reports.filter(lot__facilitator_id__in=facilitator_ids)
    return marches.select_related("buyer").annotate(
        clause_lots=_total(lots, Count("pk"), IntegerField()),
        hours_required=_total(lots, Sum("hours_required"), IntegerField()),
        hours_realised=_total(reports, Sum("hours"), HOURS),
    )


def with_realised(lots):
    """Lots with ``hours_realised``, the sum of their reported hours."""
    reports = HoursReport.objects.filter(lot=OuterRef("pk"))
    return lots.annotate(hours_realised=_total(reports, Sum("hours"), HOURS))


class Territory:
    """How far from the lot's execution département ``able_to_answer`` looks."""

    DEPARTMENT, REGION, ALL = "departement", "region", "tout"


def able_to_answer(
    structures, lot, *, departments=None, kinds=(), territory=Territory.REGION, activity=""
):
    """The structures among ``structures`` (a ``StructureQuerySet``, those the user may see)
    able to answer the reserved ``lot``: of a kind it is reserved to (``enums.RESERVED_TO``,
    narrowed to ``kinds`` when given), within ``territory`` of its execution départements
    (``Lot.execution_departments``; no limit when unknown), whose activities contain every
    word of ``activity``. Those of the département come first, then the rest of the region,
    then by name; each has ``has_active_convention`` and ``proximity`` (0, 1, 2)."""
    eligible = RESERVED_TO.get(lot.clause, frozenset())
    wanted = eligible & set(kinds) if kinds else eligible
    found = structures.filter(kind__in=sorted(wanted))
    for word in activity.split():
        found = found.filter(activity__icontains=word)
    if departments is None:
        departments = lot.execution_departments()
    codes = [d.code for d in departments]
    regions = sorted({d.region_id for d in departments})
    if codes and territory == Territory.DEPARTMENT:
        found = found.filter(department_id__in=codes)
    elif codes and territory == Territory.REGION:
        found = found.filter(department__region_id__in=regions)
    proximity = Value(2)
    if codes:
        proximity = Case(
            When(Q(department_id__in=codes), then=Value(0)),
            When(Q(department__region_id__in=regions), then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    return (
        found.select_related("department__region")
        .with_active_convention_flag()
        .annotate(proximity=proximity)
        .order_by("proximity", "name", "siret")
    )
