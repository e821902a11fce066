"""Social utility's table of the CDIAE report (``iae_portal.cdiae``), registered by
``UtiliteConfig.ready()``: the statistics of the year's validated reports of the scope's
structures, all SIAE then by kind: the number of reports and the medians of the main shares,
the figures of ``utilite_sociale_bilan`` (its groups, through ``bilan.scope_groups``).
Privacy as there: under three reports a group shows its count only."""

from iae_portal.cdiae import registry
from iae_portal.cdiae.registry import COUNT, FIGURE, SHARE, TEXT, Chart, Column, Result
from structures.enums import StructureKind

from .bilan import ALL, KIND_ORDER, expected_structures, report_rows, statistics_group
from .computations import PRIVACY_MIN_REPORTS
from .enums import AWAITED, ReportStatus
from .indicators import COMPUTED_BY_CODE

# The shares the table gives (their medians), in its columns' order.
SHARES = (
    "exit_rate_dynamic",
    "exit_rate_durable",
    "self_financing_rate",
    "women_share",
    "training_rate",
)
KEY = "social_utility"


def scope_summary(year, departments):
    """The bilan's figures over ``departments`` (a département, or a region's): expected,
    validated and missing counts, and the groups ``ALL`` then each kind having a validated
    report, computed by ``utilite_sociale_bilan``'s own grouping (``bilan.statistics_group``) from its
    rows (``bilan.report_rows``)."""
    departments = set(departments)
    one = next(iter(departments)) if len(departments) == 1 else None
    rows = [row for row in report_rows(year, one) if row["structure__department_id"] in departments]
    status = {row["structure_id"]: row["status"] for row in rows}
    expected = list(
        expected_structures(year).filter(department_id__in=departments).values_list("pk", flat=True)
    )
    validated = [row for row in rows if row["status"] == ReportStatus.VALIDE]
    territory = one
    groups = []
    if validated:
        groups.append(statistics_group(territory, ALL, validated))
        for kind in KIND_ORDER:
            of_kind = [row for row in validated if row["structure__kind"] == kind]
            if of_kind:
                groups.append(statistics_group(territory, kind, of_kind))
    return {
        "expected": len(expected),
        "validated": len(validated),
        "missing": sum(1 for pk in expected if pk not in status or status[pk] in AWAITED),
        "groups": groups,
    }


def _label(kind):
    if kind == ALL:
        return "Toutes les SIAE"
    return dict(StructureKind.choices).get(kind, kind)


def social_utility_table(scope, year):
    summary = scope_summary(year, scope.departments)
    groups = {group["kind"]: group for group in summary["groups"]}
    rows = []
    for kind in (ALL, *KIND_ORDER):
        group = groups.get(kind)
        rows.append(
            {
                "group": kind,
                "label": _label(kind),
                "reports": group["reports"] if group else 0,
                **{code: group["indicators"][code]["median"] if group else None for code in SHARES},
                "kind": SHARE,
            }
        )
    return Result(
        rows=rows,
        details={
            "expected": summary["expected"],
            "validated": summary["validated"],
            "missing": summary["missing"],
        },
        notes=[
            f"Les bilans d'utilité sociale {year} validés des SIAE du territoire : leur nombre "
            "et la médiane de chaque part (taux de sortie dynamique et durable, taux "
            "d'autofinancement, part des femmes et des salariés formés parmi les salariés en "
            f"parcours). Moins de {PRIVACY_MIN_REPORTS} bilans : le nombre seul. Les mêmes "
            "chiffres que le bilan d'utilité sociale (manage.py utilite_sociale_bilan).",
            f"Bilans attendus : {summary['expected']} (les SIAE conventionnées un jour de "
            f"{year}) ; validés : {summary['validated']} ; manquants : {summary['missing']} "
            "(sans bilan, ou en brouillon ou à corriger).",
        ],
    )


def social_utility_chart(result, year):
    points = [
        (row["label"], row["exit_rate_dynamic"] * 100)
        for row in result.rows
        if row["group"] != ALL and row["exit_rate_dynamic"] is not None
    ]
    if not points:
        return None
    return Chart(
        label=f"Taux de sortie dynamique médian par type de SIAE ({year})",
        points=points,
        unit=" %",
    )


def register():
    registry.register_table(
        KEY,
        title="L'utilité sociale des SIAE",
        sheet="Utilité sociale",
        order=80,
        description="les bilans d'utilité sociale validés des SIAE, par type.",
        columns=[
            Column("group", "Groupe", TEXT, pdf=False),
            Column("label", "Type de SIAE", TEXT),
            Column("reports", "Bilans validés", COUNT),
            *(Column(code, f"{COMPUTED_BY_CODE[code].label} (médiane)", FIGURE) for code in SHARES),
        ],
        compute=social_utility_table,
        chart=social_utility_chart,
    )
