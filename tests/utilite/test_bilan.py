"""``utilite_sociale_bilan``: the contract's worked example, figure by figure, and the
shape of the output (keys, groups' order, missing reports, CSV)."""

import csv
import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command

from structures.models import Department
from tests.structures.factories import ConventionFactory, StructureFactory, make_siret
from utilite.enums import ReportStatus
from utilite.indicators import AXIS_CODES, COMPUTED_CODES, INDICATOR_CODES

from .contract import CONTRACT, EXAMPLE
from .factories import ReportFactory, full_grid, siae, worked_example

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command("utilite_sociale_bilan", *args, stdout=out)
    return out.getvalue()


def bilan(*args):
    return json.loads(run(*args, "--format", "json"))


def group(result, department, kind):
    found = [g for g in result["groups"] if g["department"] == department and g["kind"] == kind]
    assert len(found) == 1, (department, kind)
    return found[0]


def test_departement_71_is_in_bourgogne_franche_comte():
    assert Department.objects.get(code="71").region.name == "Bourgogne-Franche-Comté"


def test_the_worked_example():
    structures = worked_example()
    # Around it: what the example must not count.
    other = siae("71050000000017", "ACI", department="21")
    ReportFactory(structure=other, year=2012)  # another département
    ReportFactory(structure=structures["A"], year=2013)  # another year
    lapsed = StructureFactory(department=Department.objects.get(code="71"))
    ConventionFactory(
        structure=lapsed,
        start_date=datetime.date(2009, 1, 1),
        end_date=datetime.date(2011, 12, 31),
    )
    StructureFactory(department=Department.objects.get(code="71"), kind="ASSOCIATION")

    result = bilan("--year", "2012", "--department", "71")
    out = EXAMPLE["out"]
    assert list(result) == [
        "year",
        "department",
        "expected",
        "validated",
        "missing",
        "groups",
        "structures",
    ]
    assert result["year"] == 2012
    assert result["department"] == "71"
    assert result["expected"] == out["expected"] == 4
    assert result["validated"] == out["validated"] == 3
    assert result["missing"] == [
        {
            "siret": "71040000000018",
            "name": "Structure D",
            "kind": "EI",
            "department": "71",
            "status": None,
        }
    ]

    by_siret = {s["siret"]: s for s in result["structures"]}
    assert list(by_siret) == [EXAMPLE["structures"][n]["siret"] for n in "ABC"]
    for name, expected in out["structures"].items():
        shown = by_siret[EXAMPLE["structures"][name]["siret"]]
        assert list(shown) == ["siret", "name", "kind", "department", "indicators", "axes"]
        assert list(shown["indicators"]) == [*INDICATOR_CODES, *COMPUTED_CODES]
        axes = {axis["code"]: axis for axis in shown["axes"]}
        assert list(axes) == list(AXIS_CODES)
        for code, value in expected.items():
            got = axes[code]["score"] if code in axes else shown["indicators"][code]
            assert got == value, (name, code)
    assert by_siret["71020000000010"]["indicators"]["exit_rate_dynamic"] == 0.671
    assert by_siret["71010000000011"]["axes"][8] == {
        "code": "prospective",
        "label": "Prospective",
        "score": 1.3,
        "priority": True,
    }
    assert by_siret["71010000000011"]["indicators"]["environmental_certification"] is True

    assert [(g["department"], g["kind"]) for g in result["groups"]] == [
        ("71", "ALL"),
        ("71", "ACI"),
        ("71", "AI"),
    ]
    everyone = group(result, "71", "ALL")
    expected = out["group_71_all"]
    assert everyone["reports"] == expected["reports"] == 3
    for code in ("exit_rate_durable", "exit_rate_dynamic", "self_financing_rate"):
        stats = everyone["indicators"][code]
        assert stats == {"n": 3, **expected[code]}, code
    assert everyone["axes"]["prospective"] == {"n": 3, **expected["prospective"]}
    assert everyone["indicators"]["exits_total"]["total"] == 110
    assert set(everyone["indicators"]["exits_total"]) == {"n", "median", "q1", "q3", "total"}
    assert everyone["indicators"]["environmental_certification"] == {"n": 3, "yes_share": 1}

    aci = group(result, "71", "ACI")
    assert aci["reports"] == out["group_71_aci"]["reports"] == 2
    for stats in (*aci["indicators"].values(), *aci["axes"].values()):
        assert stats["n"] == 2
        assert all(value is None for key, value in stats.items() if key != "n")
    assert group(result, "71", "AI")["reports"] == 1


def test_the_worked_example_as_csv():
    worked_example()
    text = run("--year", "2012", "--department", "71", "--format", "csv")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == CONTRACT["bilan_csv_header"]
    body = {(r[1], r[2], r[3]): r for r in rows[1:]}
    codes = [*INDICATOR_CODES, *COMPUTED_CODES, *AXIS_CODES]
    assert len(rows) == 1 + 3 * len(codes)
    assert [r[3] for r in rows[1 : 1 + len(codes)]] == codes
    assert body[("71", "ALL", "exit_rate_dynamic")] == [
        "2012",
        "71",
        "ALL",
        "exit_rate_dynamic",
        "3",
        "0.667",
        "0.553",
        "0.669",
        "",
        "0.636",
        "",
    ]
    assert body[("71", "ALL", "exits_total")][8] == "110"
    assert body[("71", "ALL", "prospective")][4:8] == ["3", "1.3", "0.8", "1.9"]
    assert body[("71", "ACI", "exit_rate_dynamic")][4:] == ["2", "", "", "", "", "", ""]


def test_the_region_comes_first_then_departements_ascending_and_kinds_in_order():
    for n, (kind, department) in enumerate(
        [("RQ", "71"), ("ACI", "71"), ("EI", "21"), ("GEIQ", "21"), ("ETTI", "58")]
    ):
        structure = siae(make_siret(900 + n), kind, department=department, year=2020)
        ReportFactory(structure=structure, year=2020)
    result = bilan("--year", "2020")
    assert result["department"] is None
    assert [(g["department"], g["kind"]) for g in result["groups"]] == [
        (None, "ALL"),
        (None, "ACI"),
        (None, "EI"),
        (None, "ETTI"),
        (None, "GEIQ"),
        (None, "RQ"),
        ("21", "ALL"),
        ("21", "EI"),
        ("21", "GEIQ"),
        ("58", "ALL"),
        ("58", "ETTI"),
        ("71", "ALL"),
        ("71", "ACI"),
        ("71", "RQ"),
    ]
    assert group(result, None, "ALL")["reports"] == 5
    assert group(result, None, "ALL")["indicators"]["turnover"]["total"] == 500000


def test_missing_reports_are_absent_drafts_and_sent_back_ones():
    statuses = [None, ReportStatus.BROUILLON, ReportStatus.A_CORRIGER, ReportStatus.SOUMIS]
    for n, status in enumerate(statuses):
        structure = siae(make_siret(800 + n), "ACI", year=2020)
        if status:
            ReportFactory(structure=structure, year=2020, status=status)
    result = bilan("--year", "2020", "--department", "71")
    assert result["expected"] == 4
    assert result["validated"] == 0
    assert [m["status"] for m in result["missing"]] == [None, "brouillon", "a_corriger"]
    assert result["groups"] == []
    assert result["structures"] == []


def test_a_validated_report_without_grid_has_no_axes_and_null_axis_statistics():
    structure = siae("71070000000010", "ACI", year=2020)
    ReportFactory(structure=structure, year=2020)
    result = bilan("--year", "2020", "--department", "71")
    assert result["structures"][0]["axes"] == []
    assert group(result, "71", "ALL")["axes"]["prospective"]["n"] == 0


def test_a_grid_with_every_criterion_scored_gives_every_axis():
    structure = siae("71080000000010", "ACI", year=2020)
    ReportFactory(structure=structure, year=2020, grid_participants=3, grid_scores=full_grid(3))
    axes = bilan("--year", "2020")["structures"][0]["axes"]
    assert [axis["score"] for axis in axes] == [3] * len(AXIS_CODES)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--year", "2012", "--department", "999"), "Département inconnu"),
        (("--year", "-5"), "Année invalide"),
    ],
)
def test_bad_arguments_are_french_errors(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
