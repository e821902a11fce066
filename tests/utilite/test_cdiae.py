"""Social utility's table of the CDIAE report: the number of validated reports and the medians
of the main shares, all SIAE then by kind, exactly ``utilite_sociale_bilan``'s figures for
the territory (privacy: under three reports, the count only)."""

import io
import json

import pytest
from django.core.management import call_command

from iae_portal.cdiae import registry
from iae_portal.cdiae.report import build_report, sheets
from structures.models import Structure
from utilite.bilan import utilite_sociale_bilan
from utilite.cdiae import KEY, SHARES

from .contract import CONTRACT, EXAMPLE
from .factories import ReportFactory, siae, worked_example

pytestmark = pytest.mark.django_db

YEAR = EXAMPLE["year"]


def table(kind, code, year=YEAR):
    tables = {t.key: t for t in registry.tables()}
    return tables[KEY].compute(registry.resolve_scope(kind, code), year)


def rows_by_group(result):
    return {row["group"]: row for row in result.rows}


def assert_equals_bilan(result, bilan):
    groups = {
        group["kind"]: group
        for group in bilan["groups"]
        if group["department"] == bilan["department"]  # the region's, or the département's
    }
    rows = rows_by_group(result)
    assert list(rows) == CONTRACT["kinds_order"]
    for kind, row in rows.items():
        group = groups.get(kind)
        assert row["reports"] == (group["reports"] if group else 0), kind
        for code in SHARES:
            expected = group["indicators"][code]["median"] if group else None
            assert row[code] == expected, (kind, code)
    assert result.details == {
        "expected": bilan["expected"],
        "validated": bilan["validated"],
        "missing": len(bilan["missing"]),
    }


def test_the_worked_example_department(db):
    worked_example()
    result = table("department", EXAMPLE["department"])
    rows = rows_by_group(result)
    out = EXAMPLE["out"]["group_71_all"]
    assert rows["ALL"]["reports"] == 3
    assert rows["ALL"]["exit_rate_durable"] == out["exit_rate_durable"]["median"]
    assert rows["ALL"]["exit_rate_dynamic"] == out["exit_rate_dynamic"]["median"]
    assert rows["ALL"]["self_financing_rate"] == out["self_financing_rate"]["median"]
    # Privacy: two ACI reports, one AI: their count only.
    assert rows["ACI"]["reports"] == 2 and rows["AI"]["reports"] == 1
    assert all(rows[kind][code] is None for kind in ("ACI", "AI", "EI") for code in SHARES)
    assert result.details == {"expected": 4, "validated": 3, "missing": 1}
    assert_equals_bilan(result, utilite_sociale_bilan(YEAR, EXAMPLE["department"]))


def test_a_region_counts_its_departements_only(db):
    worked_example()
    # Another structure of Bourgogne-Franche-Comté (21) and one of the Grand Est (54).
    for siret, department in (("21010000000016", "21"), ("54010000000019", "54")):
        ReportFactory(structure=siae(siret, "ACI", department=department), year=YEAR)
    result = table("region", "27")
    assert rows_by_group(result)["ALL"]["reports"] == 4
    assert rows_by_group(result)["ACI"]["reports"] == 3
    # As the bilan of the region without the Grand Est's structure.
    Structure.objects.filter(department_id="54").delete()
    assert_equals_bilan(result, utilite_sociale_bilan(YEAR))


def test_a_year_without_reports(db):
    result = table("department", "71", year=2001)
    assert [row["reports"] for row in result.rows] == [0] * 8
    assert all(row[code] is None for row in result.rows for code in SHARES)


def test_the_report_gives_the_table_in_json_and_xlsx(db):
    worked_example()
    out = io.StringIO()
    call_command(
        "cdiae_report", "--department", "71", "--year", str(YEAR), stdout=out, stderr=io.StringIO()
    )
    part = json.loads(out.getvalue())["tables"][KEY]
    assert [c["key"] for c in part["columns"]] == ["group", "label", "reports", *SHARES]
    first = part["rows"][0]
    assert first["group"] == "ALL" and first["kind"] == "share"
    assert first["exit_rate_dynamic"] == 0.667 and first["reports"] == 3
    assert part["details"] == {"expected": 4, "validated": 3, "missing": 1}
    report = build_report(registry.resolve_scope("department", "71"), YEAR)
    (sheet,) = [s for s in sheets(report) if s[0] == "Utilité sociale"]
    _, headers, rows = sheet
    assert rows[0][:4] == ["ALL", "Toutes les SIAE", 3, rows[0][3]]
    assert str(rows[0][3]) == "66.7" and headers[-1].header == "Unité"
