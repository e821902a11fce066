"""``import_utilite_sociale``: the sample file, a second run, each kind of error (French,
with its line and column) and nothing written when a line is refused."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from iae_portal.audit.models import AuditEntry
from structures.models import Structure
from tests.structures.factories import StructureFactory
from utilite.enums import ReportStatus
from utilite.importer import UtiliteImport
from utilite.indicators import CRITERION_CODES, IMPORT_COLUMNS
from utilite.models import SocialReport

from .contract import EXAMPLE
from .factories import ReportFactory, full_grid, siae

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "utilite_sociale_sample.csv"
A, B, C = (EXAMPLE["structures"][name]["siret"] for name in "ABC")


@pytest.fixture
def structures():
    return {
        name: siae(info["siret"], info["kind"], name=f"Structure {name}")
        for name, info in EXAMPLE["structures"].items()
    }


def sample_rows():
    with SAMPLE.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def write(tmp_path, rows, header=IMPORT_COLUMNS, name="bilans.csv"):
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, header, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_utilite_sociale", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(path):
    """The stderr of a refused import, after checking that nothing was written."""
    reports, entries = SocialReport.objects.count(), AuditEntry.objects.count()
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="rien n'a été enregistré"):
        call_command("import_utilite_sociale", str(path), stdout=out, stderr=err)
    assert SocialReport.objects.count() == reports
    assert AuditEntry.objects.count() == entries
    return err.getvalue()


def test_the_sample_file_is_imported_as_submitted_reports(structures):
    out, err = run(SAMPLE)
    assert "3 bilan(s) créé(s), 0 mis à jour, 0 inchangé(s)" in out
    assert err == ""
    reports = {r.structure.siret: r for r in SocialReport.objects.select_related("structure")}
    assert set(reports) == {A, B, C}
    a = reports[A]
    assert a.status == ReportStatus.SOUMIS
    assert a.year == 2012
    assert a.submitted_at is not None
    assert a.total_resources == 800000
    assert a.exits_autres == 8
    assert a.environmental_certification is True
    assert reports[B].environmental_certification is False
    assert a.grid_participants == 4
    assert a.priority_axes == ["activite", "prospective"]  # the grid's order
    assert a.grid_scores["prospective_1"] == 1
    assert str(a.axis_scores()["prospective"]) == "1.3"
    assert reports[C].grid_scores == {}
    assert reports[C].grid_participants is None
    entries = AuditEntry.objects.filter(action="utilite.import")
    assert entries.count() == 3
    assert {e.object_id for e in entries} == {str(r.uuid) for r in reports.values()}
    assert all(e.reason == "Import du fichier utilite_sociale_sample.csv" for e in entries)


def test_imported_then_validated_the_sample_gives_the_worked_example(structures):
    run(SAMPLE)
    SocialReport.objects.update(status=ReportStatus.VALIDE)
    out = io.StringIO()
    call_command("utilite_sociale_bilan", "--year", "2012", "--department", "71", stdout=out)
    bilan = json.loads(out.getvalue())
    everyone = bilan["groups"][0]
    assert everyone["indicators"]["exit_rate_dynamic"] == {
        "n": 3,
        "median": 0.667,
        "q1": 0.553,
        "q3": 0.669,
        "pooled": 0.636,
    }
    assert everyone["axes"]["prospective"]["n"] == 2  # C has no grid
    assert [m["siret"] for m in bilan["missing"]] == [EXAMPLE["structures"]["D"]["siret"]]


def test_a_second_run_changes_nothing(structures):
    run(SAMPLE)
    before = list(SocialReport.objects.order_by("pk").values("pk", "updated_at", "status"))
    entries = AuditEntry.objects.count()
    out, _ = run(SAMPLE)
    assert "0 bilan(s) créé(s), 0 mis à jour, 3 inchangé(s)" in out
    assert list(SocialReport.objects.order_by("pk").values("pk", "updated_at", "status")) == before
    assert AuditEntry.objects.count() == entries


def test_dry_run_writes_nothing(structures):
    out, _ = run(SAMPLE, "--dry-run")
    assert "3 bilan(s) créé(s), 0 mis à jour, 0 inchangé(s) (à faire)" in out
    assert "rien n'a été enregistré" in out
    assert SocialReport.objects.count() == 0


def test_upsert_by_siret_and_year(structures, tmp_path):
    draft = ReportFactory(structure=structures["A"], year=2012, status=ReportStatus.BROUILLON)
    sent_back = ReportFactory(
        structure=structures["C"],
        year=2012,
        status=ReportStatus.A_CORRIGER,
        grid_participants=3,
        grid_scores=full_grid(1),
        grid_comments={"activite_1": "Un atelier de réemploi."},
        staff_comment="Vérifiez les sorties.",
    )
    validated_same = ReportFactory(structure=structures["B"], year=2012)
    rows = sample_rows()
    for key in [*IMPORT_COLUMNS[2:]]:
        rows[1][key] = ""
    rows[1].update({k: str(int(v)) for k, v in validated_same.figures().items()})
    out, _ = run(write(tmp_path, rows))
    assert "0 bilan(s) créé(s), 2 mis à jour, 1 inchangé(s)" in out
    draft.refresh_from_db()
    sent_back.refresh_from_db()
    validated_same.refresh_from_db()
    assert draft.status == sent_back.status == ReportStatus.SOUMIS
    assert draft.total_resources == 800000
    assert sent_back.grid_scores == {}
    assert sent_back.grid_comments == {}
    assert sent_back.staff_comment == "Vérifiez les sorties."
    assert validated_same.status == ReportStatus.VALIDE
    entry = AuditEntry.objects.get(object_id=str(draft.uuid))
    assert entry.changes["status"] == ["brouillon", "soumis"]
    assert entry.changes["total_resources"] == [500000, 800000]


def test_a_row_differing_from_a_validated_report_is_an_error(structures, tmp_path):
    ReportFactory(structure=structures["A"], year=2012)
    err = refused(SAMPLE)
    assert "ligne 2 : Le bilan 2012 de cette structure est validé" in err
    assert "total_resources" in err


def edited(tmp_path, line=2, **changes):
    rows = sample_rows()
    rows[line - 2].update({k: str(v) for k, v in changes.items()})
    return write(tmp_path, rows)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"turnover": "-5"},
            "ligne 3 : turnover : « Chiffre d'affaires » : le nombre doit être positif",
        ),
        ({"women": "2.5"}, "ligne 3 : women : « dont femmes » : nombre entier attendu"),
        ({"women": ""}, "ligne 3 : women : « dont femmes » : valeur obligatoire"),
        (
            {"wages_paid": "9" * 30},
            "ligne 3 : wages_paid : « Salaires bruts versés » : nombre trop grand",
        ),
        (
            {"cooperation_level": "4"},
            "ligne 3 : cooperation_level : « Niveau de coopération » : niveau de 0 à 3",
        ),
        ({"environmental_certification": "oui"}, "ligne 3 : environmental_certification :"),
        ({"exits_autres": "22"}, "ligne 3 : exits_total : Les sorties par catégorie totalisent 69"),
        ({"women": "101"}, "ligne 3 : women : « dont femmes » (101) ne peut dépasser"),
        ({"public_funding": "900001"}, "ligne 3 : public_funding : « Financements publics »"),
        ({"training_hours": "0"}, "ligne 3 : training_hours :"),
        ({"activite_1": ""}, "ligne 3 : activite_1 : Grille incomplète : 1 critère(s)"),
        ({"grid_participants": ""}, "ligne 3 : grid_participants : Grille incomplète"),
        (
            {"prospective_2": "4"},
            "ligne 3 : prospective_2 : Critère « Innovation, expérimentation »",
        ),
        (
            {"priority_axes": "prospective;radar"},
            "ligne 3 : priority_axes : Axe prioritaire inconnu : « radar »",
        ),
        ({"year": "2999"}, "ligne 3 : year : L'année 2999 n'est pas terminée"),
        ({"year": "deux mille"}, "ligne 3 : year : Année invalide"),
        (
            {"siret": "71099999999999"},
            "ligne 3 : siret : Aucune structure n'a le SIRET « 71099999999999 »",
        ),
    ],
)
def test_each_error_names_its_line_and_column_and_nothing_is_written(
    structures, tmp_path, changes, expected
):
    err = refused(edited(tmp_path, line=3, **changes))
    assert expected in err
    assert "ligne 2" not in err and "ligne 4" not in err


def test_a_structure_that_is_no_siae_is_refused(structures, tmp_path):
    association = StructureFactory(kind="ASSOCIATION")
    err = refused(edited(tmp_path, siret=association.siret))
    assert "ligne 2 : siret : La structure de SIRET" in err
    assert "« Association »" in err


def test_a_repeated_structure_and_year_is_refused(structures, tmp_path):
    rows = sample_rows()
    err = refused(write(tmp_path, [*rows, rows[0]]))
    assert "ligne 5 : Même structure et même année que la ligne 2" in err


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ((*IMPORT_COLUMNS, "commentaire"), "ligne 1 : commentaire : Colonne inconnue"),
        (
            (*IMPORT_COLUMNS, "exit_rate_dynamic"),
            "ligne 1 : exit_rate_dynamic : Colonne calculée",
        ),
        (
            IMPORT_COLUMNS[:-1],
            "ligne 1 : Colonne obligatoire manquante : gouvernance_participative_3",
        ),
        ((*IMPORT_COLUMNS, "turnover"), "ligne 1 : turnover : Colonne en double"),
    ],
)
def test_header_errors(structures, tmp_path, header, expected):
    err = refused(write(tmp_path, sample_rows(), header=header))
    assert expected in err


def test_a_file_that_is_no_utf8_text(structures, tmp_path):
    latin = tmp_path / "latin.csv"
    latin.write_bytes(SAMPLE.read_bytes().replace(b"2012", "é".encode("latin-1"), 1))
    assert "n'est pas encodé en UTF-8" in refused(latin)
    nul = tmp_path / "nul.csv"
    nul.write_bytes(SAMPLE.read_bytes() + b"\x00")
    assert "caractère nul" in refused(nul)


def test_all_or_nothing_a_good_line_is_not_written_with_a_bad_one(structures, tmp_path):
    err = refused(edited(tmp_path, line=4, exits_total="17"))
    assert "ligne 4 : exits_total" in err
    assert SocialReport.objects.count() == 0


def test_a_missing_file_is_a_french_error():
    with pytest.raises(CommandError, match="Fichier introuvable"):
        run("/nonexistent/bilans.csv")


def test_the_importer_plans_for_the_upload_page(structures):
    plan = UtiliteImport().plan(SAMPLE.read_bytes())
    assert plan.is_valid
    assert plan.has_changes
    assert plan.created == 3
    assert [w.line for w in plan.warnings] == [3]  # B's grid was filled by 2 people
    assert SocialReport.objects.count() == 0
    assert Structure.objects.count() == 4


def test_a_grid_needs_every_criterion_column_value(structures, tmp_path):
    rows = sample_rows()
    for code in CRITERION_CODES[1:]:
        rows[2][code] = ""
    rows[2][CRITERION_CODES[0]] = "2"
    err = refused(write(tmp_path, rows))
    assert f"ligne 4 : {CRITERION_CODES[1]} : Grille incomplète : {len(CRITERION_CODES) - 1}" in err
