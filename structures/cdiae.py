"""The structures app's part of the CDIAE report (``iae_portal.cdiae``), registered by
``StructuresConfig.ready()``: the territory (scopes, who reads which: ``perms``) and the
table of the structures by kind."""

import datetime
import re

from django.db.models import Count, Exists, OuterRef, Q, Sum

from iae_portal.cdiae import registry
from iae_portal.cdiae.registry import COUNT, DECIMAL, TEXT, Chart, Column, Result, Scope

from . import perms
from .enums import KINDS_KNOWN_BY_ACRONYM, SIAE_KINDS, StructureKind
from .models import Convention, Department, Region, Structure, YearlyFigures

# INSEE codes: 01…95, 2A, 2B, 971…976 (départements); 01…94 (regions). Anything else is
# refused before it reaches the database (a NUL byte would be a 500 on PostgreSQL).
CODE = re.compile(r"[0-9]{2,3}|2[AB]")


def _department_scope(department):
    return Scope(
        kind="department",
        code=department.code,
        name=department.name,
        region_code=department.region_id,
        region_name=department.region.name,
        departments=(department.code,),
    )


def _region_scope(region, codes):
    return Scope(
        kind="region",
        code=region.code,
        name=region.name,
        region_code=region.code,
        region_name=region.name,
        departments=tuple(codes),
    )


def resolve(kind, code):
    """The scope of a département or region code, or ``None``."""
    if not CODE.fullmatch(code):
        return None
    if kind == "department":
        department = Department.objects.select_related("region").filter(code=code).first()
        return _department_scope(department) if department else None
    region = Region.objects.filter(code=code).first()
    if region is None:
        return None
    return _region_scope(region, region.departments.order_by("code").values_list("code", flat=True))


def scopes_for(user):
    """The scopes ``user`` may read a report of (``perms.cdiae_report_reach``): region by
    region (by name), the region then its départements (one query)."""
    regions, departments = perms.cdiae_report_reach(user)
    if regions == () and departments == ():
        return []
    by_region = {}
    for department in Department.objects.select_related("region").order_by("code"):
        by_region.setdefault(department.region, []).append(department)
    scopes = []
    for region in sorted(by_region, key=lambda region: region.name):
        found = by_region[region]
        if regions is None or region.code in regions:
            scopes.append(_region_scope(region, [department.code for department in found]))
        scopes.extend(
            _department_scope(department)
            for department in found
            if departments is None or department.code in departments
        )
    return scopes


# -- The structures by kind ----------------------------------------------------------------


def _kind_label(kind):
    label = StructureKind(kind).label
    return f"{label} ({kind})" if kind in KINDS_KNOWN_BY_ACRONYM else label


def _short(kind):
    return kind if kind in KINDS_KNOWN_BY_ACRONYM else StructureKind(kind).label


FIGURE_SUMS = ("insertion_headcount", "insertion_etp", "permanent_headcount", "permanent_etp")
COUNTS = ("structures", "conventioned", "new", "closed", "figures")


def structures_by_kind(scope, year):
    """The SIAE of the scope's départements by kind: how many the directory holds, how many
    had a State convention in force during ``year``, began their first one in it, or had
    none left in force on 31 December while one was in force during the year; and the sums
    of the yearly figures they declared for ``year``."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    structures = Structure.objects.siae().filter(department_id__in=scope.departments)
    conventions = Convention.objects.filter(structure=OuterRef("pk"))
    in_force = conventions.filter(start_date__lte=end).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=start)
    )
    at_end = conventions.filter(start_date__lte=end).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=end)
    )
    before = conventions.filter(start_date__lt=start)
    started = conventions.filter(start_date__gte=start, start_date__lte=end)
    counted = {
        row["kind"]: row
        for row in structures.order_by()
        .values("kind")
        .annotate(
            structures=Count("pk"),
            conventioned=Count("pk", filter=Q(Exists(in_force))),
            new=Count("pk", filter=Q(Exists(started)) & ~Q(Exists(before))),
            closed=Count("pk", filter=Q(Exists(in_force)) & ~Q(Exists(at_end))),
        )
    }
    figures = {
        row["structure__kind"]: row
        for row in YearlyFigures.objects.filter(year=year, structure__in=structures)
        .order_by()
        .values("structure__kind")
        .annotate(figures=Count("pk"), **{name: Sum(name) for name in FIGURE_SUMS})
    }
    rows = []
    for kind in StructureKind.values:
        if kind not in SIAE_KINDS:
            continue
        row = {"kind": kind, "label": _kind_label(kind)}
        row.update({name: counted.get(kind, {}).get(name) or 0 for name in COUNTS[:4]})
        declared = figures.get(kind, {})
        row["figures"] = declared.get("figures") or 0
        row.update({name: declared.get(name) or 0 for name in FIGURE_SUMS})
        rows.append(row)
    totals = {name: sum(row[name] for row in rows) for name in (*COUNTS, *FIGURE_SUMS)}
    return Result(
        rows=rows,
        totals=totals,
        notes=[
            "Structures : les SIAE de l'annuaire du portail situées sur le territoire. "
            "Conventionnées : au moins une convention de l'État en vigueur pendant l'année ; "
            "nouvelles : leur première convention a commencé dans l'année ; sorties : une "
            "convention était en vigueur dans l'année, aucune ne l'est plus au 31 décembre.",
            "Salariés et ETP : les chiffres annuels déclarés pour l'année (rapport "
            "d'activité, dialogue de gestion…), par les structures qui les ont déclarés.",
        ],
    )


def structures_chart(result, year):
    points = [(_short(row["kind"]), row["structures"]) for row in result.rows]
    if not any(value for _, value in points):
        return None
    return Chart(label=f"SIAE par type ({year})", points=points)


def register():
    registry.register_territory(
        resolve=resolve,
        scopes_for=scopes_for,
        can_read=perms.can_read_cdiae_report,
        can_read_any=perms.can_read_any_cdiae_report,
    )
    registry.register_table(
        "structures_by_kind",
        title="Les structures de l'IAE par type",
        sheet="Structures par type",
        order=10,
        description="nombre de SIAE, conventionnements de l'année, entrées et sorties, "
        "salariés en insertion et permanents déclarés.",
        columns=[
            Column("kind", "Code du type", TEXT, pdf=False),
            Column("label", "Type", TEXT),
            Column("structures", "Structures", COUNT),
            Column("conventioned", "Conventionnées dans l'année", COUNT),
            Column("new", "Nouvelles", COUNT),
            Column("closed", "Sorties", COUNT),
            Column("figures", "Chiffres annuels déclarés", COUNT),
            Column("insertion_headcount", "Salariés en insertion", COUNT),
            Column("insertion_etp", "ETP en insertion", DECIMAL),
            Column("permanent_headcount", "Permanents", COUNT),
            Column("permanent_etp", "ETP permanents", DECIMAL),
        ],
        compute=structures_by_kind,
        chart=structures_chart,
    )
