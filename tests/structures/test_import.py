import csv
import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from iae_portal.audit.models import AuditEntry
from structures import importers
from structures.importers import (
    RowError,
    StructureImportRejected,
    apply_structures_import,
    plan_structures_import,
)
from structures.models import Convention, NetworkAffiliation, Structure
from tests.samples import SAMPLES
from tests.structures.factories import (
    AffiliationFactory,
    ConventionFactory,
    StructureFactory,
    make_siret,
)

COLUMNS = [
    "siret",
    "name",
    "kind",
    "legal_form",
    "department",
    "postal_code",
    "city",
    "networks",
    "convention_number",
    "convention_start",
    "convention_end",
]


def row(n, **values):
    """A valid row for the n-th test structure, with ``values`` overriding columns."""
    return {
        "siret": make_siret(n),
        "name": f"Structure {n}",
        "kind": "ACI",
        "legal_form": "association",
        "department": "54",
        "postal_code": "54000",
        "city": "Nancy",
        "networks": "coorace",
        **values,
    }


def csv_text(*rows, columns=COLUMNS):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def import_rows(*rows, actor=None, reason=""):
    return apply_structures_import(
        plan_structures_import(csv_text(*rows)), actor=actor, reason=reason
    )


def run_command(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_structures", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def affiliations(structure):
    return sorted(
        NetworkAffiliation.objects.filter(structure=structure).values_list(
            "network", "start_date", "end_date"
        )
    )


def nothing_written():
    return not Structure.objects.exists() and not AuditEntry.objects.exists()


@pytest.fixture
def today():
    return timezone.localdate()


# -- Good files ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sample_file_creates_structures_with_networks(today):
    out, err = run_command(SAMPLES / "structures-sample.csv")

    assert err == ""
    assert "6 structures créées, 0 mise à jour, 0 inchangée, 0 ligne en erreur" in out
    assert Structure.objects.count() == 6
    structure = Structure.objects.get(siret="85734152184091")
    assert (structure.name, structure.kind, structure.department_id) == (
        "ETTI Exemple 1",
        "ETTI",
        "54",
    )
    assert affiliations(structure) == [("coorace", today, None)]
    entries = AuditEntry.objects.filter(action="structure.import")
    assert entries.count() == 6
    entry = entries.get(object_id=str(structure.uuid))
    assert entry.actor is None
    assert entry.actor_label == "système"
    assert entry.reason == "import structures-sample.csv"
    assert entry.changes["name"] == [None, "ETTI Exemple 1"]
    assert entry.changes["networks"] == [[], ["coorace"]]


@pytest.mark.django_db
def test_an_import_writes_the_apis_stored_structures_once_committed(
    django_capture_on_commit_callbacks,
):
    from structures.api import stored

    with django_capture_on_commit_callbacks(execute=True):
        run_command(SAMPLES / "structures-sample.csv")
        assert stored.stale().count() == 6  # not before the commit
    assert not stored.stale().exists()


@pytest.mark.django_db
def test_plan_compares_without_writing():
    plan = plan_structures_import(csv_text(row(1), row(2)))

    assert plan.is_valid
    assert [(c.line, c.siret) for c in plan.creates] == [(2, make_siret(1)), (3, make_siret(2))]
    assert plan.summary == "2 structures à créer, 0 à mettre à jour, 0 inchangée, 0 ligne en erreur"
    assert nothing_written()


@pytest.mark.django_db
def test_values_are_normalised_and_convention_created(today):
    siret = make_siret(1)
    spaced = f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"
    result = import_rows(
        row(
            1,
            siret=f"  {spaced} ",
            name="  Chantier du Lac ",
            kind="aci",
            legal_form="Association",
            department="2a",
            postal_code="20000",
            networks=" coorace ; Cocagne;",
            convention_number="ACI-02A-001",
            convention_start="2025-01-01",
            convention_end="2027-12-31",
        ),
        row(2, department="1", postal_code="", networks="", kind="ETTI", legal_form="SAS"),
    )

    assert result.summary == "2 structures créées, 0 mise à jour, 0 inchangée, 0 ligne en erreur"
    first = Structure.objects.get(siret=siret)
    assert (first.name, first.kind, first.legal_form, first.department_id) == (
        "Chantier du Lac",
        "ACI",
        "association",
        "2A",
    )
    assert affiliations(first) == [("cocagne", today, None), ("coorace", today, None)]
    convention = Convention.objects.get(structure=first)
    assert (convention.number, convention.kind) == ("ACI-02A-001", "ACI")
    assert (convention.start_date, convention.end_date) == (
        datetime.date(2025, 1, 1),
        datetime.date(2027, 12, 31),
    )
    second = Structure.objects.get(siret=make_siret(2))
    assert (second.kind, second.legal_form, second.department_id, second.postal_code) == (
        "ETTI",
        "sas",
        "01",
        "",
    )
    assert affiliations(second) == []


@pytest.mark.django_db
def test_unknown_columns_are_ignored():
    text = csv_text({**row(1), "commentaire": "à revoir"}, columns=[*COLUMNS[:8], "commentaire"])

    result = apply_structures_import(plan_structures_import(text), actor=None)

    assert result.is_valid
    assert Structure.objects.filter(siret=make_siret(1)).exists()


# -- Bad rows: reported with their line, nothing written -----------------------------------


BAD_ROWS = {
    "invalid SIRET checksum": ({"siret": make_siret(2)[:-1] + "0"}, "siret", "clé de contrôle"),
    "SIRET not 14 digits": ({"siret": "1234"}, "siret", "14 chiffres"),
    "unknown kind": ({"kind": "SCOOP"}, "kind", "SCOOP"),
    "unknown legal form": ({"legal_form": "gie"}, "legal_form", "gie"),
    "unknown département": ({"department": "96"}, "department", "Département inconnu : « 96 »"),
    "bad postal code": ({"postal_code": "5400"}, "postal_code", "5 chiffres"),
    "missing name": ({"name": " "}, "name", "obligatoire"),
    "unknown network": ({"networks": "coorace;urssaf"}, "networks", "urssaf"),
    "bad date": (
        {"convention_number": "ACI-1", "convention_start": "01/02/2025"},
        "convention_start",
        "01/02/2025",
    ),
    "impossible date": (
        {"convention_number": "ACI-1", "convention_start": "2025-02-30"},
        "convention_start",
        "2025-02-30",
    ),
    "end before start": (
        {
            "convention_number": "ACI-1",
            "convention_start": "2025-06-01",
            "convention_end": "2025-05-31",
        },
        "convention_end",
        "précède",
    ),
    "convention without number": (
        {"convention_start": "2025-06-01"},
        "convention_number",
        "obligatoire",
    ),
    "convention without start": ({"convention_number": "ACI-1"}, "convention_start", "obligatoire"),
    "convention on a kind without conventions": (
        {"kind": "GEIQ", "convention_number": "G-1", "convention_start": "2025-06-01"},
        "kind",
        "GEIQ",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("values", "field", "fragment"), BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_bad_row_is_reported_on_its_line_and_nothing_is_written(values, field, fragment):
    plan = plan_structures_import(csv_text(row(1), row(2, **values), row(3)))

    assert not plan.is_valid
    assert [(error.line, error.field) for error in plan.errors] == [(3, field)]
    assert fragment in plan.errors[0].message
    assert "1 ligne en erreur" in plan.summary
    with pytest.raises(StructureImportRejected) as excinfo:
        apply_structures_import(plan, actor=None)
    assert excinfo.value.plan is plan
    assert nothing_written()


@pytest.mark.django_db
def test_duplicate_siret_is_reported_on_the_later_line():
    plan = plan_structures_import(csv_text(row(1), row(2), row(1, name="Doublon")))

    assert plan.errors == [RowError(4, "siret", f"SIRET {make_siret(1)} déjà présent ligne 2.")]


@pytest.mark.django_db
def test_missing_columns_are_one_error_on_line_1():
    plan = plan_structures_import(csv_text(row(1), columns=["siret", "name", "kind", "city"]))

    assert len(plan.errors) == 1
    error = plan.errors[0]
    assert (error.line, error.field) == (1, None)
    for column in ("legal_form", "department", "postal_code", "networks"):
        assert column in error.message
    assert plan.creates == []


@pytest.mark.django_db
def test_line_numbers_are_physical_lines():
    text = (
        csv_text(row(1, name="Chantier\nsur deux lignes"), row(2))
        + "\n"
        + csv_text(row(3, kind="??")).split("\n", 1)[1]
    )

    plan = plan_structures_import(text)

    # Header 1, quoted name on lines 2-3, row 2 on line 4, blank line 5, bad row on line 6.
    assert [(error.line, error.field) for error in plan.errors] == [(6, "kind")]
    assert [change.line for change in plan.creates] == [2, 4]


@pytest.mark.django_db
def test_a_row_with_too_many_values_is_rejected():
    text = csv_text(row(1), columns=COLUMNS[:8])
    text += f"{make_siret(2)},Chantier, sans guillemets,ACI,association,54,54000,Nancy,coorace\n"

    plan = plan_structures_import(text)

    assert (plan.errors[0].line, plan.errors[0].field) == (3, None)
    assert "9 valeurs pour 8 colonnes" in plan.errors[0].message


# -- Re-import and updates --------------------------------------------------------------------


@pytest.mark.django_db
def test_reimporting_the_same_file_changes_nothing():
    text = csv_text(
        row(1, networks="coorace;fei"),
        row(2, convention_number="ACI-1", convention_start="2025-01-01"),
        row(3, networks=""),
    )
    apply_structures_import(plan_structures_import(text), actor=None)
    before = {
        s.siret: (s.updated_at, affiliations(s), list(s.conventions.values_list("pk", "end_date")))
        for s in Structure.objects.all()
    }
    entries = AuditEntry.objects.count()

    result = apply_structures_import(plan_structures_import(text), actor=None)

    assert result.summary == "0 structure créée, 0 mise à jour, 3 inchangées, 0 ligne en erreur"
    after = {
        s.siret: (s.updated_at, affiliations(s), list(s.conventions.values_list("pk", "end_date")))
        for s in Structure.objects.all()
    }
    assert after == before
    assert AuditEntry.objects.count() == entries


@pytest.mark.django_db
def test_update_changes_fields_and_ends_dropped_networks(admin_user, today):
    long_ago = today - datetime.timedelta(days=400)
    structure = StructureFactory(siret=make_siret(1), name="Ancien nom")
    AffiliationFactory(structure=structure, network="coorace", start_date=long_ago)
    AffiliationFactory(structure=structure, network="cocagne", start_date=long_ago)
    AffiliationFactory(structure=structure, network="emmaus", start_date=today)
    old_updated_at = structure.updated_at

    result = import_rows(
        row(1, name="Nouveau nom", department="57", networks="coorace;fei"),
        actor=admin_user,
        reason="mise à jour annuelle",
    )

    assert result.summary == "0 structure créée, 1 mise à jour, 0 inchangée, 0 ligne en erreur"
    structure.refresh_from_db()
    assert (structure.name, structure.department_id) == ("Nouveau nom", "57")
    assert structure.updated_at > old_updated_at
    yesterday = today - datetime.timedelta(days=1)
    # emmaus started today: dropped the same day, it leaves no row.
    assert affiliations(structure) == [
        ("cocagne", long_ago, yesterday),
        ("coorace", long_ago, None),
        ("fei", today, None),
    ]
    entry = AuditEntry.objects.get(action="structure.import")
    assert (entry.actor, entry.reason) == (admin_user, "mise à jour annuelle")
    assert entry.changes == {
        "department_id": ["54", "57"],
        "name": ["Ancien nom", "Nouveau nom"],
        "networks": [["cocagne", "coorace", "emmaus"], ["coorace", "fei"]],
    }
    assert [(c.siret, c.changes) for c in result.updates] == [(structure.siret, entry.changes)]


@pytest.mark.django_db
def test_convention_is_upserted_by_number():
    structure = StructureFactory(siret=make_siret(1), name="Chantier")
    ConventionFactory(
        structure=structure,
        number="ACI-1",
        start_date=datetime.date(2024, 1, 1),
        end_date=datetime.date(2024, 12, 31),
    )

    result = import_rows(
        row(
            1,
            name="Chantier",
            networks="",
            convention_number="ACI-1",
            convention_start="2024-01-01",
            convention_end="2026-12-31",
        )
    )

    convention = Convention.objects.get(structure=structure)
    assert convention.end_date == datetime.date(2026, 12, 31)
    assert result.updates[0].changes == {"convention.ACI-1.end_date": ["2024-12-31", "2026-12-31"]}


@pytest.mark.django_db
def test_an_upcoming_affiliation_listed_in_the_file_starts_today(today):
    structure = StructureFactory(siret=make_siret(1), name="Chantier")
    AffiliationFactory(
        structure=structure, network="fei", start_date=today + datetime.timedelta(days=30)
    )

    import_rows(row(1, name="Chantier", networks="fei"))

    assert affiliations(structure) == [("fei", today, None)]


@pytest.mark.django_db
def test_apply_compares_again_with_the_database():
    plan = plan_structures_import(csv_text(row(1, name="Depuis le fichier")))
    # Created by someone else between the plan and its confirmation.
    StructureFactory(siret=make_siret(1), name="Saisie à la main")

    result = apply_structures_import(plan, actor=None)

    assert [c.changes["name"] for c in result.updates] == [
        ["Saisie à la main", "Depuis le fichier"]
    ]
    assert Structure.objects.get(siret=make_siret(1)).name == "Depuis le fichier"


# -- The command --------------------------------------------------------------------------------


def bad_file(tmp_path):
    path = tmp_path / "structures.csv"
    path.write_text(
        csv_text(row(1), row(2, department="99"), row(3, siret="123")), encoding="utf-8"
    )
    return path


@pytest.mark.django_db
def test_command_rejects_a_file_with_errors(tmp_path):
    err = io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_structures", str(bad_file(tmp_path)), stdout=io.StringIO(), stderr=err)

    assert excinfo.value.returncode == 1
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("ligne 3 : department : Département inconnu")
    assert lines[1].startswith("ligne 4 : siret : SIRET invalide")
    assert nothing_written()


@pytest.mark.django_db
def test_command_partial_writes_the_valid_rows_only(tmp_path):
    out, err = run_command(bad_file(tmp_path), "--partial")

    assert "ligne 3 : department" in err
    assert "1 structure créée, 0 mise à jour, 0 inchangée, 2 lignes en erreur" in out
    assert list(Structure.objects.values_list("siret", flat=True)) == [make_siret(1)]
    assert AuditEntry.objects.count() == 1


@pytest.mark.django_db
def test_command_partial_fails_when_no_row_is_valid(tmp_path):
    path = tmp_path / "structures.csv"
    path.write_text(csv_text(row(1, kind="?")), encoding="utf-8")

    with pytest.raises(CommandError, match="Aucune ligne valide"):
        run_command(path, "--partial")
    assert nothing_written()


@pytest.mark.django_db
def test_command_dry_run_writes_nothing(tmp_path):
    StructureFactory(siret=make_siret(2), name="Ancien nom")
    path = tmp_path / "structures.csv"
    path.write_text(csv_text(row(1), row(2, name="Nouveau nom")), encoding="utf-8")

    out, _ = run_command(path, "--dry-run")

    assert f"ligne 2 : création {make_siret(1)}" in out
    assert f"ligne 3 : mise à jour {make_siret(2)} : name : 'Ancien nom' → 'Nouveau nom'" in out
    assert "1 structure à créer, 1 à mettre à jour" in out
    assert list(Structure.objects.values_list("name", flat=True)) == ["Ancien nom"]
    assert not AuditEntry.objects.exists()
    assert not NetworkAffiliation.objects.exists()


@pytest.mark.django_db
def test_command_dry_run_with_errors_fails(tmp_path):
    with pytest.raises(CommandError):
        run_command(bad_file(tmp_path), "--dry-run")
    assert nothing_written()


def test_command_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Fichier introuvable"):
        run_command(tmp_path / "absent.csv")


# -- Encodings ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_bom_is_accepted(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(csv_text(row(1, name="Régie de quartier")).encode("utf-8-sig"))

    run_command(path)

    assert Structure.objects.get(siret=make_siret(1)).name == "Régie de quartier"


@pytest.mark.django_db
def test_windows_line_endings():
    text = csv_text(row(1), row(2, department="100")).replace("\n", "\r\n")

    plan = plan_structures_import(text.encode("utf-8-sig"))

    assert [(error.line, error.field) for error in plan.errors] == [(3, "department")]
    assert [change.siret for change in plan.creates] == [make_siret(1)]


@pytest.mark.django_db
def test_non_utf8_file_is_one_clear_error(tmp_path):
    data = csv_text(row(1), row(2, name="Régie de quartier")).encode("latin-1")

    plan = plan_structures_import(data)

    assert len(plan.errors) == 1
    assert plan.errors[0].line == 3
    assert "UTF-8" in plan.errors[0].message
    path = tmp_path / "latin1.csv"
    path.write_bytes(data)
    with pytest.raises(CommandError):
        run_command(path)
    assert nothing_written()


# -- Volume -------------------------------------------------------------------------------------


def count_queries(action):
    with CaptureQueriesContext(connection) as queries:
        action()
    return len(queries)


@pytest.mark.django_db
def test_planning_does_not_query_per_row():
    counts = {}
    for size in (50, 200):
        first = 10 * size  # below 10,000: make_siret's SIREN part stays valid
        import_rows(*(row(first + n) for n in range(size)))
        text = csv_text(
            *(row(first + n, name=f"Renommée {n}", networks="fei") for n in range(size))
        )
        counts[size] = count_queries(lambda text=text: plan_structures_import(text))

    assert counts[50] == counts[200]
    assert counts[200] <= 5


@pytest.mark.django_db
def test_applying_does_not_query_per_row():
    counts = {}
    for size in (50, 200):
        first = 10 * size
        import_rows(*(row(first + n) for n in range(size)))
        plan = plan_structures_import(
            csv_text(
                *(row(first + n, name=f"Renommée {n}", networks="fei") for n in range(size)),
                *(row(first + size + n) for n in range(size)),
            )
        )
        counts[size] = count_queries(lambda plan=plan: apply_structures_import(plan, actor=None))

    assert counts[50] == counts[200]


@pytest.mark.django_db
def test_files_larger_than_one_chunk(monkeypatch):
    # Read and written by chunks of 300 rows (compared with the database, then written).
    monkeypatch.setattr(importers, "CHUNK", 300)
    rows = [row(n, networks="coorace;cocagne") for n in range(1, 1001)]
    first = import_rows(*rows)
    again = import_rows(*rows)

    # Counts are written the French way (a no-break space between thousands).
    assert first.summary.startswith("1\u00a0000 structures créées")
    assert again.summary == (
        "0 structure créée, 0 mise à jour, 1\u00a0000 inchangées, 0 ligne en erreur"
    )
    assert Structure.objects.count() == 1000
    assert AuditEntry.objects.count() == 1000
    assert NetworkAffiliation.objects.count() == 2000


@pytest.mark.django_db
def test_a_bad_line_in_a_later_chunk_writes_nothing(monkeypatch):
    """All-or-nothing whatever the chunk the bad line is in: the chunks written before it
    are rolled back, and the refusal says what the plan says."""
    monkeypatch.setattr(importers, "CHUNK", 100)
    known = StructureFactory(siret=make_siret(1), name="Avant", department_id="54")
    rows = [row(n) for n in range(1, 301)]
    rows[250]["kind"] = "?"
    content = csv_text(*rows).encode()

    with pytest.raises(StructureImportRejected) as refused:
        importers.StructuresImport().apply(content, actor=None, name="f.csv")

    assert list(Structure.objects.all()) == [known]
    known.refresh_from_db()
    assert known.name == "Avant"
    assert not AuditEntry.objects.filter(action=importers.AUDIT_ACTION).exists()
    assert not NetworkAffiliation.objects.exists()
    rejected, plan = refused.value.plan, plan_structures_import(content)
    summary = "298 structures à créer, 1 à mettre à jour, 0 inchangée, 1 ligne en erreur"
    assert rejected.summary == plan.summary == summary
    assert rejected.errors == plan.errors
    assert rejected.errors[0].line == 252
    assert [(c.line, c.changes) for c in rejected.updates] == [
        (c.line, c.changes) for c in plan.updates
    ]
    assert len(rejected.creates) == len(plan.creates)


@pytest.mark.django_db
@pytest.mark.parametrize("bad_line", ["kind", "too many values"])
def test_no_chunk_is_written_once_a_line_is_in_error(monkeypatch, bad_line):
    """The first chunk holds the bad line: no chunk is written, then rolled back, whether
    the row is refused (its values) or the reader refuses the line (its shape)."""
    monkeypatch.setattr(importers, "CHUNK", 100)
    saved = []
    save = importers._Writes.save
    monkeypatch.setattr(
        importers._Writes, "save", lambda self, **kw: saved.append(1) or save(self, **kw)
    )
    rows = [row(n) for n in range(1, 301)]
    text = csv_text(*rows)
    lines = text.splitlines(keepends=True)
    if bad_line == "kind":
        lines[5] = lines[5].replace(",ACI,", ",?,")
    else:
        lines[5] = lines[5].rstrip("\n") + ",en trop\n"
    content = "".join(lines).encode()

    with pytest.raises(StructureImportRejected) as refused:
        importers.StructuresImport().apply(content, actor=None, name="f.csv")

    assert saved == []
    assert [error.line for error in refused.value.plan.errors] == [6]
    assert refused.value.plan.summary == plan_structures_import(content).summary
    assert nothing_written()


@pytest.mark.django_db
def test_partial_import_over_several_chunks(monkeypatch):
    monkeypatch.setattr(importers, "CHUNK", 100)
    rows = [row(n) for n in range(1, 301)]
    rows[250]["kind"] = "?"

    result = importers.StructuresImport().apply(
        csv_text(*rows).encode(), actor=None, name="f.csv", partial=True
    )

    assert result.summary == "299 structures créées, 0 mise à jour, 0 inchangée, 1 ligne en erreur"
    assert Structure.objects.count() == AuditEntry.objects.count() == 299


@pytest.mark.django_db
def test_a_report_details_its_first_changes_and_counts_the_others(monkeypatch, tmp_path):
    monkeypatch.setattr(importers, "SHOWN", 3)
    rows = [row(n) for n in range(1, 11)]

    plan = plan_structures_import(csv_text(*rows))

    assert plan.created == 10
    assert [change.line for change in plan.creates] == [2, 3, 4]
    path = tmp_path / "structures.csv"
    path.write_text(csv_text(*rows), encoding="utf-8")
    out, _ = run_command(path, "--dry-run")
    assert out.count(": création ") == 3
    assert "… et 7 créations de plus" in out
