"""The yearly bilan of social utility (docs/utilite-sociale.md, ``utilite_sociale_bilan``):
what was expected, what is missing, the statistics of each group of validated reports and
each validated report's figures.

``utilite_sociale_bilan(year, department)`` is shared by the command and, later, the staff
pages and the API; ``csv_rows`` flattens its groups for the CSV. Three queries, whatever the
number of structures. Numbers are ``Decimal`` in ``utilite.computations`` and become JSON
numbers here (``number``): an int when whole, else a float printing the same digits.
"""

import datetime
import json
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q

from iae_portal.exports import MACHINE, write_csv
from structures.enums import SIAE_KINDS
from structures.models import Convention, Structure

from . import computations
from .enums import AWAITED, ReportStatus
from .indicators import AXES, INDICATOR_CODES
from .models import SocialReport

ALL = "ALL"
KIND_ORDER = computations.SIAE_KIND_CODES
CSV_HEADER = (
    "year",
    "department",
    "kind",
    "code",
    "n",
    "median",
    "q1",
    "q3",
    "total",
    "pooled",
    "yes_share",
)
STRUCTURE_FIELDS = ("siret", "name", "kind", "department_id")


def number(value):
    """A ``Decimal`` as a JSON number: an ``int`` when whole, else a ``float`` (whose
    shortest form is the decimal's digits: 0.163 stays 0.163); other values unchanged."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _numbers(statistics):
    return {key: number(value) for key, value in statistics.items()}


def expected_structures(year, department=None):
    """The structures expected to report for ``year``: of an SIAE kind, with a
    conventionnement active on a day of ``year``."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    active = Convention.objects.filter(structure=OuterRef("pk"), start_date__lte=last).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=first)
    )
    structures = Structure.objects.filter(kind__in=SIAE_KINDS).filter(Exists(active))
    if department is not None:
        structures = structures.filter(department_id=department)
    return structures


def _structure(values):
    return {
        "siret": values["structure__siret"],
        "name": values["structure__name"],
        "kind": values["structure__kind"],
        "department": values["structure__department_id"],
    }


def report_rows(year, department):
    reports = SocialReport.objects.filter(year=year, structure__kind__in=SIAE_KINDS)
    if department is not None:
        reports = reports.filter(structure__department_id=department)
    return list(
        reports.order_by("structure__department_id", "structure__siret").values(
            "structure_id",
            "status",
            *(f"structure__{name}" for name in STRUCTURE_FIELDS),
            *INDICATOR_CODES,
            "grid_scores",
            "priority_axes",
        )
    )


def _figures(row):
    return {code: row[code] for code in INDICATOR_CODES}


def _scores(row):
    """A complete grid's scores, ``{}`` otherwise (a validated report's grid is complete)."""
    scores = row["grid_scores"] or {}
    return scores if len(scores) == sum(len(axis.criteria) for axis in AXES) else {}


def statistics_group(department, kind, rows):
    indicators, axes = computations.group_statistics(
        [(_figures(row), _scores(row)) for row in rows]
    )
    return {
        "department": department,
        "kind": kind,
        "reports": len(rows),
        "indicators": {code: _numbers(stats) for code, stats in indicators.items()},
        "axes": {code: _numbers(stats) for code, stats in axes.items()},
    }


def _groups(validated, department):
    """Groups having a validated report: the region (unless ``department``), then each
    département ascending; in each, kind ``ALL`` then the SIAE kinds in their order."""
    territories = [] if department is not None else [None]
    territories += sorted({row["structure__department_id"] for row in validated})
    groups = []
    for territory in territories:
        mine = [
            row
            for row in validated
            if territory is None or row["structure__department_id"] == territory
        ]
        if not mine:
            continue
        groups.append(statistics_group(territory, ALL, mine))
        for kind in KIND_ORDER:
            of_kind = [row for row in mine if row["structure__kind"] == kind]
            if of_kind:
                groups.append(statistics_group(territory, kind, of_kind))
    return groups


def _validated_structure(row):
    figures = _figures(row)
    indicators = {**figures, **computations.computed_shares(figures)}
    scores = computations.axis_scores(_scores(row))
    priority = set(row["priority_axes"] or ())
    return {
        **_structure(row),
        "indicators": {code: number(value) for code, value in indicators.items()},
        "axes": [
            {
                "code": axis.code,
                "label": axis.label,
                "score": number(scores[axis.code]),
                "priority": axis.code in priority,
            }
            for axis in AXES
            if axis.code in scores
        ],
    }


def utilite_sociale_bilan(year, department=None):
    """The bilan of ``year`` (``department``: a code, ``None`` for the region) as a dict
    in the contract's key order."""
    expected = list(
        expected_structures(year, department)
        .order_by("department_id", "siret")
        .values("pk", "siret", "name", "kind", "department_id")
    )
    rows = report_rows(year, department)
    status = {row["structure_id"]: row["status"] for row in rows}
    validated = [row for row in rows if row["status"] == ReportStatus.VALIDE]
    missing = [
        {
            "siret": structure["siret"],
            "name": structure["name"],
            "kind": structure["kind"],
            "department": structure["department_id"],
            "status": status.get(structure["pk"]),
        }
        for structure in expected
        if structure["pk"] not in status or status[structure["pk"]] in AWAITED
    ]
    return {
        "year": year,
        "department": department,
        "expected": len(expected),
        "validated": len(validated),
        "missing": missing,
        "groups": _groups(validated, department),
        "structures": [_validated_structure(row) for row in validated],
    }


def csv_rows(bilan):
    """A row per group × code (indicators typed then computed, then axes), in
    ``CSV_HEADER``'s columns."""
    for group in bilan["groups"]:
        for code, stats in (*group["indicators"].items(), *group["axes"].items()):
            yield (
                bilan["year"],
                group["department"],
                group["kind"],
                code,
                *(stats.get(key) for key in CSV_HEADER[4:]),
            )


def write(stream, bilan, format):
    """The bilan on ``stream`` as the command prints it (``format``: json or csv)."""
    if format == "json":
        stream.write(json.dumps(bilan, indent=1, ensure_ascii=False))
    else:
        write_csv(stream, CSV_HEADER, csv_rows(bilan), format=MACHINE)
