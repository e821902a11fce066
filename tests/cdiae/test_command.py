"""``manage.py cdiae_report``: the same report as the page, in JSON (the keys of
docs/cdiae.md), XLSX (one sheet per table) and PDF."""

import io
import json
import re
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from iae_portal.cdiae import registry
from tests.cdiae.conftest import YEAR

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[2] / "docs" / "cdiae.md"


def run(*args):
    out = io.StringIO()
    call_command("cdiae_report", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def documented_keys():
    """The keys docs/cdiae.md lists: every `key` in the first column of its tables."""
    return set(re.findall(r"^\| `([a-z_0-9.]+)`", DOC.read_text(encoding="utf-8"), re.M))


def test_json_has_the_documented_keys(world):
    report = json.loads(run("--department", "57", "--year", str(YEAR)))
    assert list(report) == [
        "report",
        "format_version",
        "council",
        "year",
        "generated_on",
        "scope",
        "tables",
    ]
    assert report["scope"] == {
        "kind": "department",
        "code": "57",
        "name": "Moselle",
        "region_code": "44",
        "region_name": "Grand Est",
        "departments": ["57"],
    }
    documented = documented_keys()
    for key in report:
        assert key in documented, key
    for key in report["scope"]:
        assert f"scope.{key}" in documented, key
    for key, table in report["tables"].items():
        assert f"tables.{key}" in documented, key
        assert list(table) == ["title", "columns", "rows", "totals", "details", "notes"]
        for column in table["columns"]:
            assert f"tables.{key}.rows.{column['key']}" in documented, (key, column["key"])
        for name in table["details"] or {}:
            assert f"tables.{key}.details.{name}" in documented or key.endswith("_bilan")
    aid = report["tables"]["aid_by_scheme"]
    assert aid["totals"]["voted"] == "40000.00" and aid["totals"]["dossiers"] == 4
    structures = report["tables"]["structures_by_kind"]["totals"]
    assert structures["insertion_etp"] == "35.50" and structures["structures"] == 4


def test_json_bilans_are_the_bilan_commands(world):
    report = json.loads(run("--department", "57", "--year", str(YEAR), "--format", "json"))
    out = io.StringIO()
    call_command("dla_bilan", "--year", str(YEAR), "--department", "57", stdout=out)
    assert report["tables"]["dla_bilan"]["details"] == json.loads(out.getvalue())


def test_region_json(world):
    report = json.loads(run("--region", "44", "--year", str(YEAR)))
    assert report["scope"]["kind"] == "region" and len(report["scope"]["departments"]) == 10
    assert report["tables"]["aid_by_scheme"]["totals"]["voted"] == "50000.00"


def test_xlsx_has_one_sheet_per_table(world, tmp_path):
    target = tmp_path / "rapport.xlsx"
    run("--department", "57", "--year", str(YEAR), "--format", "xlsx", "--output", str(target))
    workbook = openpyxl.load_workbook(target)
    assert workbook.sheetnames == [t.sheet_title for t in registry.tables()]
    sheet = workbook["Aides par dispositif"]
    rows = list(sheet.values)
    assert rows[0][:3] == ("Code du dispositif", "Dispositif", "Appels")
    assert rows[-1][0] == "Total" and rows[-1][6] == 40000
    kinds = list(workbook["Structures par type"].values)
    assert kinds[-1][0] == "Total" and kinds[-1][2] == 4


def test_pdf_by_default_in_a_file_named_after_the_report(world, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run("--department", "57", "--year", str(YEAR), "--format", "pdf")
    content = (tmp_path / f"rapport-cdiae-57-{YEAR}.pdf").read_bytes()
    assert content.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--department", "zz", "--year", "2026"], "Département inconnu : « zz »."),
        (["--department", "5\x007", "--year", "2026"], "Département inconnu"),
        (["--region", "99", "--year", "2026"], "Région inconnue : « 99 »."),
        (["--department", "57", "--year", "99999"], "L'année doit être comprise"),
        (["--department", "57", "--year", "2026", "--format", "pdf", "--output", "-"], "fichier"),
    ],
)
def test_bad_input_is_a_french_error(world, args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        run(*args)


def test_department_or_region_is_required(world):
    with pytest.raises(CommandError):
        run("--year", "2026")
