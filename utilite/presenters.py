"""What the social utility pages show, built from the bilan's statistics (``utilite.bilan``):
the radar of a report (``radar_for``) and the statistics of a group for staff and members
(``GroupStatistics``), with their numbers in French.

The statistics are the bilan's own (``bilan.statistics_group`` over the same rows as
``bilan.report_rows``): a page, its exports and ``utilite_sociale_bilan`` cannot differ.
Privacy is theirs: under three values a statistic holds its ``n`` only.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.formats import number_format

from iae_portal.audit.models import AuditEntry
from iae_portal.charts import band_chart, radar_chart
from structures.models import Department, Structure

from . import bilan, computations
from .enums import AWAITED, ReportStatus
from .indicators import (
    AXES,
    AXES_BY_CODE,
    AXIS,
    BOOL,
    BY_CODE,
    COMPUTED,
    COMPUTED_BY_CODE,
    DIMENSIONS,
    EUROS,
    HOURS,
    INDICATOR_CODES,
    INDICATORS,
    SCALE,
    SHARE,
)
from .models import SocialReport

ALL = bilan.ALL
KINDS = computations.SIAE_KIND_CODES
# The radar shows a report against at most this many previous validated years.
RADAR_PREVIOUS_YEARS = 2
REMIND_ACTION = "utilite.remind"
# The reminder's journal entry is on the structure (a missing report may not exist): the
# year it is for, as its one change.
REMIND_KEY = "utilite_reminder_year"
ROW_FIELDS = (
    "year",
    "structure_id",
    "status",
    *(f"structure__{name}" for name in bilan.STRUCTURE_FIELDS),
    *INDICATOR_CODES,
    "grid_scores",
    "priority_axes",
)

# -- Numbers in French -------------------------------------------------------------------


def french(value, places=None):
    """``12345`` → « 12 345 », ``Decimal("0.75")`` → « 0,75 » (no-break spaces; up to two
    decimals, trailing zeros dropped, unless ``places``), rounded half-up (Django's
    ``number_format`` cuts)."""
    value = Decimal(str(value))
    trim = places is None
    if trim:
        places = 0 if value == value.to_integral_value() else 2
    value = value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    text = number_format(value, places, use_l10n=True, force_grouping=True)
    if trim and "," in text:
        text = text.rstrip("0").rstrip(",")
    return text.replace(" ", "\u00a0").replace("\u202f", "\u00a0")


def percent(share):
    """A share (``0.3``) → « 30,0 % »."""
    return f"{french(Decimal(str(share)) * 100, 1)}\u00a0%"


def display(kind, value):
    """A statistic of an indicator of ``kind`` as a person reads it (« — » when none)."""
    if value is None:
        return "—"
    if kind in (SHARE, BOOL):
        return percent(value)
    # Euros and hours as whole numbers (a median or quartile may fall between two).
    if kind == EUROS:
        return f"{french(value, 0)}\u00a0€"
    if kind == HOURS:
        return f"{french(value, 0)}\u00a0h"
    return french(value)


UNITS = {
    SHARE: "%",
    BOOL: "% de oui",
    EUROS: "€",
    HOURS: "heures",
    SCALE: "niveau de 0 à 3",
    AXIS: "note de 0 à 3",
}


def unit(kind):
    return UNITS.get(kind, "nombre")


def kind_of(code):
    if code in BY_CODE:
        return BY_CODE[code].kind
    if code in COMPUTED_BY_CODE:
        return SHARE
    return AXIS


def label_of(code):
    for registry in (BY_CODE, COMPUTED_BY_CODE, AXES_BY_CODE):
        if code in registry:
            return registry[code].label
    return code


# Every code a statistic is given for, in the bilan's order (typed, computed, axes).
STATISTIC_CODES = (*INDICATOR_CODES, *(c.code for c in COMPUTED), *(a.code for a in AXES))

# -- Rows of validated reports -------------------------------------------------------------


def validated_rows(departments, years=None):
    """The validated reports of SIAE (``departments``: codes, ``None`` for every one;
    ``years``: ``None`` for every year) as the bilan reads them: one query."""
    reports = SocialReport.objects.filter(
        status=ReportStatus.VALIDE, structure__kind__in=computations.SIAE_KIND_CODES
    )
    if departments is not None:
        reports = reports.filter(structure__department_id__in=list(departments))
    if years is not None:
        reports = reports.filter(year__in=list(years))
    return list(
        reports.order_by("year", "structure__department_id", "structure__siret").values(*ROW_FIELDS)
    )


def of_group(rows, *, year=None, department=None, kind=ALL):
    return [
        row
        for row in rows
        if (year is None or row["year"] == year)
        and (department is None or row["structure__department_id"] == department)
        and (kind == ALL or row["structure__kind"] == kind)
    ]


def group_statistics(rows, department, kind):
    """The bilan's group (``bilan.statistics_group``): ``reports``, ``indicators``, ``axes``."""
    return bilan.statistics_group(department, kind, rows)


# -- The radar of a report ------------------------------------------------------------------


def radar_for(report):
    """The radar's context of ``report`` (``None`` without a complete grid): its axis
    scores, its structure's previous validated years (the ``RADAR_PREVIOUS_YEARS`` last
    with a grid) and the medians of its kind in its département for its year when at
    least three validated grids give them (the bilan's statistics)."""
    scores = report.axis_scores()
    if not scores:
        return None
    structure = report.structure
    title = str(report.year)
    if report.status != ReportStatus.VALIDE:
        title += f" ({report.get_status_display().lower()})"
    series = [{"name": title, "values": scores}]
    previous = SocialReport.objects.filter(
        structure=structure, status=ReportStatus.VALIDE, year__lt=report.year
    ).order_by("-year")
    shown = 0
    for older in previous.only("year", "grid_scores"):
        older_scores = older.axis_scores()
        if older_scores:
            series.append({"name": str(older.year), "values": older_scores})
            shown += 1
            if shown == RADAR_PREVIOUS_YEARS:
                break
    notes = []
    group = None
    if structure.kind in KINDS and structure.department_id:
        rows = of_group(
            validated_rows([structure.department_id], [report.year]), kind=structure.kind
        )
        group = group_statistics(rows, structure.department_id, structure.kind)
    where = f"des {structure.kind} du département {structure.department_id}"
    if group is not None:
        n = group["axes"][AXES[0].code]["n"]
        if n >= computations.PRIVACY_MIN_REPORTS:
            series.append(
                {
                    "name": f"Médiane {where} ({n} grilles validées)",
                    "short": "Médiane",
                    "values": {code: stats["median"] for code, stats in group["axes"].items()},
                    "reference": True,
                }
            )
        else:
            notes.append(
                f"La médiane {where} n'est pas montrée : moins de "
                f"{computations.PRIVACY_MIN_REPORTS} grilles validées en {report.year}."
            )
    chart = radar_chart(
        [(axis.code, axis.label) for axis in AXES],
        series,
        label=f"Auto-évaluation DTS {report.year} — {structure.name}",
    )
    return {"chart": chart, "notes": notes, "chart_id": f"radar-{report.uuid}"}


# -- The statistics of a group ------------------------------------------------------------


@dataclass
class GroupStatistics:
    """The statistics page's figures for ``year`` and a group (``department``: a code or
    ``None`` for the reader's région; ``kind``: a code or ``ALL``), and the evolution of
    ``code`` over the years."""

    year: int
    department: str | None
    kind: str
    region: tuple | None  # the départements the région pools (None: all)
    code: str
    rows: list = field(default_factory=list)

    def __post_init__(self):
        territory = [self.department] if self.department else self.region
        self.rows = of_group(validated_rows(territory), kind=self.kind)
        self.group = group_statistics(
            of_group(self.rows, year=self.year), self.department, self.kind
        )

    @property
    def reports(self):
        return self.group["reports"]

    @property
    def hidden(self):
        return self.reports < computations.PRIVACY_MIN_REPORTS

    def sections(self):
        """``[(title, rows)]``: the indicators by dimension (typed, then the shares
        computed from them), then the grid's axes; each row a dict of French texts."""
        found = []
        for dimension, title, _ in DIMENSIONS:
            codes = [i.code for i in INDICATORS if i.dimension == dimension]
            codes += [c.code for c in COMPUTED if c.dimension == dimension]
            found.append((title, [self._row(code) for code in codes]))
        found.append(("Grille d'auto-évaluation DTS (axes)", [self._row(a.code) for a in AXES]))
        return found

    def stats(self, code):
        return self.group["axes" if code in AXES_BY_CODE else "indicators"][code]

    def _row(self, code):
        kind = kind_of(code)
        stats = self.stats(code)
        extra_key = {SHARE: "pooled", BOOL: "yes_share"}.get(kind, "total")
        extra = stats.get(extra_key)
        return {
            "code": code,
            "label": label_of(code),
            "unit": unit(kind),
            "n": stats["n"],
            "median": display(kind, stats.get("median")) if kind != BOOL else "",
            "q1": display(kind, stats.get("q1")) if kind != BOOL else "",
            "q3": display(kind, stats.get("q3")) if kind != BOOL else "",
            "extra": "" if extra is None else display(kind, extra),
            "extra_label": {
                "pooled": "taux global",
                "yes_share": "part de oui",
                "total": "total",
            }[extra_key],
        }

    def evolution(self):
        """``(chart, rows)``: ``code``'s median and quartiles for each year having validated
        reports in the group (under three values: its ``n`` only)."""
        kind = kind_of(self.code)
        years = sorted({row["year"] for row in self.rows})
        points, rows = [], []
        for year in years:
            group = group_statistics(of_group(self.rows, year=year), self.department, self.kind)
            stats = group["axes" if self.code in AXES_BY_CODE else "indicators"][self.code]
            if kind == BOOL:
                median = q1 = q3 = stats["yes_share"]
            else:
                median, q1, q3 = stats["median"], stats["q1"], stats["q3"]
            points.append((str(year), *(_decimal(v) for v in (median, q1, q3))))
            rows.append(
                {
                    "year": year,
                    "n": stats["n"],
                    "median": display(kind, median),
                    "q1": display(kind, q1),
                    "q3": display(kind, q3),
                }
            )
        chart = band_chart(
            points,
            label=f"{label_of(self.code)} : médiane et quartiles par année",
            display=lambda value: display(kind, value),
            top=EVOLUTION_TOPS.get(kind),
        )
        return chart, rows


# The evolution chart's scale: the whole range of scores and shares.
EVOLUTION_TOPS = {AXIS: 3, SCALE: 3, SHARE: 1, BOOL: 1}


def _decimal(value):
    return None if value is None else Decimal(str(value))


# -- Missing reports ------------------------------------------------------------------------


def missing_reports(year, departments, kind):
    """The structures expected to report for ``year`` (``departments``: codes or ``None``;
    ``kind``: a code or ``ALL``) with no report, or one in « brouillon » or « à corriger »,
    each with its last reminder for ``year``: three queries."""
    expected = bilan.expected_structures(year)
    if departments is not None:
        expected = expected.filter(department_id__in=list(departments))
    if kind != ALL:
        expected = expected.filter(kind=kind)
    structures = list(expected.order_by("department_id", "siret"))
    statuses = dict(
        SocialReport.objects.filter(year=year, structure__in=structures).values_list(
            "structure_id", "status"
        )
    )
    missing = [s for s in structures if s.pk not in statuses or statuses[s.pk] in AWAITED]
    reminded = last_reminders(missing, year)
    labels = dict(ReportStatus.choices)
    return [
        {
            "structure": structure,
            "status": statuses.get(structure.pk),
            "status_label": labels.get(statuses.get(structure.pk), "Aucun bilan"),
            "reminded_at": reminded.get(str(structure.uuid)),
        }
        for structure in missing
    ]


def last_reminders(structures, year):
    """``{structure uuid: datetime}`` of the last reminder for ``year`` (the journal)."""
    if not structures:
        return {}
    entries = AuditEntry.objects.filter(
        action=REMIND_ACTION,
        object_type=ContentType.objects.get_for_model(Structure),
        object_id__in=[str(s.uuid) for s in structures],
    ).order_by("at")
    return {
        entry.object_id: entry.at
        for entry in entries
        if (entry.changes.get(REMIND_KEY) or [None, None])[-1] == year
    }


def territory_choices(departments):
    """``[(code, « 71 — Saône-et-Loire »)]`` of the départements a reader may choose that
    hold an SIAE (``departments``: codes, ``None`` for every one)."""
    found = Department.objects.filter(
        code__in=Structure.objects.filter(kind__in=KINDS).values("department_id")
    ).order_by("code")
    if departments is not None:
        found = found.filter(code__in=list(departments))
    return [(d.code, f"{d.code} — {d.name}") for d in found]


def report_years(departments):
    """``(years, latest)``: the years having reports in the territory and last year,
    newest first; the newest year having a validated report (else last year)."""
    reports = SocialReport.objects.all()
    if departments is not None:
        reports = reports.filter(structure__department_id__in=list(departments))
    found = set(reports.values_list("year", "status").distinct())
    last_year = timezone.localdate().year - 1
    years = sorted({year for year, _ in found} | {last_year}, reverse=True)
    validated = [year for year, status in found if status == ReportStatus.VALIDE]
    return years, max(validated, default=last_year)
