import csv
import datetime
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from dla.bilan import KEYS, dla_bilan
from dla.importer import apply_dla_import, plan_dla_import
from dla.models import Accompaniment, Dla, Prestation, Provider, StructureStaffCount
from iae_portal.audit.models import AuditEntry
from structures.models import NetworkAffiliation, Structure
from tests.samples import SAMPLES

SAMPLE_CSV = SAMPLES / "dla-sample.csv"

pytestmark = pytest.mark.django_db


def sample_rows():
    with SAMPLE_CSV.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def csv_text(rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def import_sample():
    return apply_dla_import(plan_dla_import(SAMPLE_CSV.read_bytes()))


def snapshot():
    """Every row the import may write, with its timestamps."""
    return {
        model.__name__: sorted(map(str, model.objects.values()))
        for model in (Dla, Provider, Accompaniment, Prestation, StructureStaffCount, Structure)
    } | {
        "affiliations": sorted(map(str, NetworkAffiliation.objects.values())),
        "beneficiaries": sorted(map(str, Prestation.beneficiaries.through.objects.values())),
    }


def test_sample_gives_the_sample_bilan():
    import_sample()
    expected = json.loads((SAMPLES / "dla-sample-bilan-2011.json").read_text())
    bilan = dla_bilan(2011)
    assert list(bilan) == list(expected)
    for key, value in expected.items():
        if isinstance(value, dict):
            assert bilan[key].keys() == value.keys(), key
            for sub, sub_value in value.items():
                if isinstance(sub_value, dict):
                    assert bilan[key][sub].keys() == sub_value.keys(), (key, sub)
                    for k, v in sub_value.items():
                        assert bilan[key][sub][k] == pytest.approx(v, abs=0.0005), (key, sub, k)
                else:
                    assert bilan[key][sub] == pytest.approx(sub_value, abs=0.0005), (key, sub)
        elif isinstance(value, float):
            assert bilan[key] == pytest.approx(value, abs=0.0005), key
        else:
            assert bilan[key] == value, key


def test_sample_import_content():
    import_sample()
    assert Prestation.objects.count() == len({r["prestation_ref"] for r in sample_rows()})
    collective = Prestation.objects.get(ref="P2011-C0153")
    expected = {r["structure_siret"] for r in sample_rows() if r["prestation_ref"] == "P2011-C0153"}
    assert set(collective.beneficiaries.values_list("siret", flat=True)) == expected
    assert len(expected) > 1
    assert collective.accompaniment.dla.department_id == "81"
    structure = Structure.objects.get(siret="01057839434593")
    assert sorted(
        NetworkAffiliation.objects.current()
        .filter(structure=structure)
        .values_list("network", flat=True)
    ) == ["emmaus", "fnars"]
    assert structure.dla_staff.insertion_employees == 22


def test_reimport_changes_nothing():
    import_sample()
    before = snapshot()
    plan = plan_dla_import(SAMPLE_CSV.read_bytes())
    assert plan.summary == "Aucun changement."
    result = apply_dla_import(plan)
    assert not any(result.counts.values())
    assert snapshot() == before


def test_reimport_updates_networks_and_counts():
    import_sample()
    # An earlier day: the structures' ``updated_at`` must move when their networks do.
    Structure.objects.update(updated_at=timezone.now() - datetime.timedelta(days=3))
    NetworkAffiliation.objects.update(start_date=datetime.date(2020, 1, 1))
    rows = sample_rows()
    for row in rows:
        if row["structure_siret"] == "01057839434593":
            row["structure_networks"] = "fei"
            row["structure_permanents"] = "7"
    apply_dla_import(plan_dla_import(csv_text(rows)))
    structure = Structure.objects.get(siret="01057839434593")
    current = NetworkAffiliation.objects.current().filter(structure=structure)
    assert list(current.values_list("network", flat=True)) == ["fei"]
    assert structure.dla_staff.permanents == 7
    # Networks are part of the structure for the API's incremental sync; the others stay.
    recent = timezone.now() - datetime.timedelta(days=1)
    assert list(Structure.objects.filter(updated_at__gt=recent)) == [structure]


def test_import_writes_in_bounded_queries(django_assert_max_num_queries):
    with django_assert_max_num_queries(40):
        import_sample()


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("structure_siret", "12345678901234", "SIRET invalide"),
        ("theme", "jardinage", "Valeur inconnue"),
        ("dla_department", "00", "Département inconnu"),
        ("structure_department", "999", "Département inconnu"),
        ("start_date", "20/07/2011", "Date invalide"),
        ("cost", "-5", "positif ou nul"),
        ("structure_kind", "SCOP", "Valeur inconnue"),
    ],
)
def test_bad_line_writes_nothing(column, value, reason):
    rows = sample_rows()
    rows[5][column] = value
    plan = plan_dla_import(csv_text(rows))
    assert [(e.line, e.field) for e in plan.errors] == [(7, column)]
    assert reason in plan.errors[0].message
    with pytest.raises(Exception, match="rien n'a été enregistré"):
        apply_dla_import(plan)
    assert not Prestation.objects.exists()
    assert not Structure.objects.filter(siret__in=[r["structure_siret"] for r in rows]).exists()


def test_disagreeing_prestation_column_names_the_earlier_line():
    rows = sample_rows()
    # P2011-C0045 is on lines 2, 16 and 19: change the cost on line 16.
    assert rows[14]["prestation_ref"] == rows[0]["prestation_ref"] == "P2011-C0045"
    rows[14]["cost"] = "9999"
    plan = plan_dla_import(csv_text(rows))
    assert [(e.line, e.field) for e in plan.errors] == [(16, "cost")]
    assert "ligne 2" in plan.errors[0].message


def test_a_line_with_too_many_values_is_left_out_with_the_shared_reason():
    rows = sample_rows()
    text = csv_text(rows).splitlines()
    text[6] += ",de trop"  # line 7
    plan = plan_dla_import("\n".join(text) + "\n")
    assert [(e.line, e.field, e.message) for e in plan.errors] == [
        (7, None, "La ligne compte 20 valeurs pour 19 colonnes.")
    ]


def test_command_names_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match=r"^Fichier introuvable : .*absent\.csv$"):
        call_command("import_dla", str(tmp_path / "absent.csv"), stdout=io.StringIO())


def test_command_rejects_a_bad_file(tmp_path):
    rows = sample_rows()
    rows[0]["mode"] = "solo"
    path = tmp_path / "bad.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_dla", str(path), stdout=io.StringIO(), stderr=err)
    assert "ligne 2 : mode" in err.getvalue()
    assert not Dla.objects.exists()


def test_command_dry_run_writes_nothing():
    out = io.StringIO()
    call_command("import_dla", str(SAMPLE_CSV), "--dry-run", stdout=out)
    assert "structures créées : 70" in out.getvalue()
    assert not Prestation.objects.exists()


def test_bilan_command_json_and_csv():
    call_command("import_dla", str(SAMPLE_CSV), stdout=io.StringIO())
    out = io.StringIO()
    call_command("dla_bilan", "--year", "2011", "--format", "json", stdout=out)
    expected = json.loads((SAMPLES / "dla-sample-bilan-2011.json").read_text())
    assert list(json.loads(out.getvalue())) == list(expected) == list(KEYS)
    out = io.StringIO()
    call_command("dla_bilan", "--year", "2011", "--format", "csv", stdout=out)
    lines = dict(csv.reader(io.StringIO(out.getvalue())))
    assert lines["themes.individuelle.strategie_consolidation"] == "0.32"
    assert lines["prestations"] == "31"


def dla_import_entries():
    return AuditEntry.objects.filter(action="dla.import").order_by("object_id")


def test_command_writes_an_audit_entry_per_dla_when_it_applies(instructeur):
    departments = {row["dla_department"] for row in sample_rows()}
    call_command("import_dla", str(SAMPLE_CSV), user=instructeur.email, stdout=io.StringIO())
    entries = list(dla_import_entries())
    assert len(entries) == len(departments)
    assert {e.object_repr for e in entries} == {f"DLA {code}" for code in departments}
    entry = entries[0]
    assert entry.actor == instructeur
    assert entry.changes["fichier"] == [None, "dla-sample.csv"]
    assert entry.changes["lignes"] == [None, len(sample_rows())]
    assert entry.changes["prestations créées"] == [None, Prestation.objects.count()]
    # Nothing changed, nothing journaled; a dry run journals nothing either.
    call_command("import_dla", str(SAMPLE_CSV), stdout=io.StringIO())
    call_command("import_dla", str(SAMPLE_CSV), dry_run=True, stdout=io.StringIO())
    assert dla_import_entries().count() == len(departments)


def test_command_without_user_is_journaled_as_the_system():
    call_command("import_dla", str(SAMPLE_CSV), stdout=io.StringIO())
    assert set(dla_import_entries().values_list("actor_label", flat=True)) == {"système"}


def test_command_refuses_an_unknown_user():
    with pytest.raises(CommandError, match="Aucun compte"):
        call_command("import_dla", str(SAMPLE_CSV), user="nobody@example.org")
    assert not Prestation.objects.exists()


def test_rejected_import_writes_no_audit_entry():
    rows = sample_rows()
    rows[3]["mode"] = "solo"
    with pytest.raises(Exception, match="rien n'a été enregistré"):
        apply_dla_import(plan_dla_import(csv_text(rows)), file_name="bad.csv")
    assert not dla_import_entries().exists()


def test_upload_page_journals_who_and_which_file(client, instructeur):
    client.force_login(instructeur)
    response = client.post(
        reverse("dla:import"),
        {"file": SimpleUploadedFile("prestations-2011.csv", SAMPLE_CSV.read_bytes())},
    )
    assert not dla_import_entries().exists()  # the report alone writes nothing
    client.post(reverse("dla:import"), {"token": response.context["token"]})
    entry = dla_import_entries().first()
    assert (entry.actor, entry.changes["fichier"]) == (instructeur, [None, "prestations-2011.csv"])


def test_an_import_writes_the_apis_stored_structures_once_committed(
    django_capture_on_commit_callbacks,
):
    from structures.api import stored

    with django_capture_on_commit_callbacks(execute=True) as queued:
        import_sample()
        assert stored.stale().exists()  # not before the commit
    assert queued and not stored.stale().exists()
    with django_capture_on_commit_callbacks() as queued:
        import_sample()  # nothing changed: nothing to write
    assert not queued
