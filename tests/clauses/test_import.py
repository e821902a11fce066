import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clauses.import_heures import COLUMNS as HEURES_COLUMNS
from clauses.import_marches import COLUMNS as MARCHES_COLUMNS
from clauses.models import Buyer, Facilitator, HoursReport, ImportRun, Lot, Marche
from iae_portal.audit.models import AuditEntry
from tests.samples import SAMPLES

MODELS = (Buyer, Facilitator, Marche, Lot, HoursReport)


def run(command, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command(command, *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def import_samples():
    run("import_structures", SAMPLES / "structures-sample.csv")
    run("import_marches", SAMPLES / "marches-sample.csv")
    run("import_heures", SAMPLES / "heures-sample.csv")


def snapshot():
    return {
        model.__name__: sorted(tuple(map(str, row)) for row in model.objects.values_list())
        for model in MODELS
    }


def write_csv(tmp_path, name, columns, rows):
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def marche_row(**values):
    return {
        "marche_ref": "M1",
        "buyer_name": "Région",
        "buyer_kind": "region",
        "notification_date": "2011-03-01",
        "type": "travaux",
        "procedure": "mapa",
        "marche_amount_ht": "1000",
        "lot_ref": "L1",
        "lot_object": "Gros œuvre",
        "lot_amount_ht": "500",
        "clause": "condition_execution",
        "hours_required": "100",
        "facilitator": "PLIE 1",
        "attributaire_name": "Entreprise",
        "attributaire_siret": "",
        **values,
    }


def heures_row(**values):
    return {
        "marche_ref": "R2011-0570",
        "lot_ref": "L3",
        "period": "2011-05",
        "participant_ref": "PX",
        "public_category": "rsa",
        "modality": "embauche_directe",
        "siae_siret": "",
        "hours": "12",
        **values,
    }


@pytest.mark.django_db
def test_the_samples_give_back_the_sample_bilan():
    import_samples()
    out, _ = run("clauses_bilan", "--year", 2011, "--format", "json")
    expected = (SAMPLES / "clauses-sample-bilan-2011.json").read_text(encoding="utf-8")
    # No planned purchases here: exactly clauses.md's keys, as the sample gives them.
    assert json.loads(out) == json.loads(expected)
    assert out.strip() == expected.strip()


@pytest.mark.django_db
def test_the_bilan_as_csv_is_a_flat_listing():
    import_samples()
    out, _ = run("clauses_bilan", "--year", 2011, "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["key", "value"]
    assert ["by_type.travaux.marches", "39"] in rows
    assert ["hours_by_public.rsa", "1815"] in rows


@pytest.mark.django_db
def test_reimporting_the_samples_writes_nothing():
    import_samples()
    before = snapshot()
    with CaptureQueriesContext(connection) as queries:
        run("import_marches", SAMPLES / "marches-sample.csv")
        run("import_heures", SAMPLES / "heures-sample.csv")
    writes = [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert snapshot() == before


@pytest.mark.django_db
def test_hours_are_read_for_update_from_their_table_alone():
    """A re-import reads (and locks) the known hours without the lots and contracts the
    model's default ordering would join: on PostgreSQL with empty statistics, as in a test
    database, that join became nested loops taking minutes."""
    import_samples()
    with CaptureQueriesContext(connection) as queries:
        run("import_heures", SAMPLES / "heures-sample.csv")
    reads = [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith("SELECT")
        and 'FROM "clauses_hoursreport"' in q["sql"]
    ]
    assert reads
    assert all("JOIN" not in sql and "ORDER BY" not in sql for sql in reads), reads


@pytest.mark.django_db
def test_a_reimport_updates_what_changed(tmp_path):
    run("import_marches", write_csv(tmp_path, "m.csv", MARCHES_COLUMNS, [marche_row()]))
    run(
        "import_marches",
        write_csv(
            tmp_path,
            "m.csv",
            MARCHES_COLUMNS,
            [marche_row(hours_required="120", marche_amount_ht="2000")],
        ),
    )
    lot = Lot.objects.select_related("marche").get()
    assert (lot.hours_required, lot.marche.amount_ht) == (120, 2000)


def assert_rejected(tmp_path, command, columns, rows, line, *words):
    import_samples()
    before = snapshot()
    path = write_csv(tmp_path, "bad.csv", columns, rows)
    with pytest.raises(CommandError):
        run(command, path)
    assert snapshot() == before
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command(command, str(path), stdout=out, stderr=err)
    message = err.getvalue()
    assert f"ligne {line} :" in message
    for word in words:
        assert word in message


@pytest.mark.django_db
def test_an_unknown_clause_writes_nothing(tmp_path):
    rows = [marche_row(marche_ref="NEW"), marche_row(marche_ref="NEW", lot_ref="L2", clause="x")]
    assert_rejected(tmp_path, "import_marches", MARCHES_COLUMNS, rows, 3, "clause", "« x »")


@pytest.mark.django_db
def test_a_disagreeing_contract_column_names_the_earlier_line(tmp_path):
    rows = [
        marche_row(marche_ref="NEW"),
        marche_row(marche_ref="NEW", lot_ref="L2"),
        marche_row(marche_ref="NEW", lot_ref="L3", type="services"),
    ]
    assert_rejected(tmp_path, "import_marches", MARCHES_COLUMNS, rows, 4, "type", "ligne 2")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("values", "words"),
    [
        ({"marche_ref": "R2011-0107"}, ("ne porte pas de clause",)),  # L3: clause none
        ({"lot_ref": "L9"}, ("inconnu",)),
        ({"modality": "formation", "siae_siret": "12345678901234"}, ("Structure inconnue",)),
        ({"siae_siret": "29611124226235"}, ("embauche directe",)),
        ({"period": "2011-13"}, ("period", "AAAA-MM")),
        ({"hours": "0"}, ("hours", "strictement positif")),
    ],
)
def test_a_bad_hours_line_writes_nothing(tmp_path, values, words):
    rows = [heures_row(), heures_row(participant_ref="PY", **values)]
    assert_rejected(tmp_path, "import_heures", HEURES_COLUMNS, rows, 3, *words)


@pytest.mark.django_db
def test_hours_are_read_in_bulk(tmp_path, django_assert_max_num_queries):
    import_samples()
    rows = [heures_row(participant_ref=f"Q{n}") for n in range(300)]
    path = write_csv(tmp_path, "h.csv", HEURES_COLUMNS, rows)
    with django_assert_max_num_queries(12):
        run("import_heures", path)
    assert HoursReport.objects.filter(participant_ref__startswith="Q").count() == 300


# -- Audit of the imports


def import_entries():
    return list(
        AuditEntry.objects.filter(action__startswith="clauses.import_").order_by("at", "pk")
    )


@pytest.mark.django_db
def test_the_commands_audit_what_they_write_and_nothing_else(tmp_path):
    import_samples()
    entries = import_entries()
    assert [e.action for e in entries] == ["clauses.import_marches", "clauses.import_heures"]
    marches, heures = entries
    run_ = ImportRun.objects.get(uuid=marches.object_id)
    assert (marches.actor, marches.actor_label) == (None, "système")
    assert marches.changes["file"] == [None, "marches-sample.csv"]
    assert marches.changes["created"] == [None, Lot.objects.count()] == [None, run_.created]
    assert heures.changes["created"] == [None, HoursReport.objects.count()]
    assert heures.changes["file"] == [None, "heures-sample.csv"]
    # A re-import changes nothing, so it leaves no entry; neither does a refused file.
    run("import_marches", SAMPLES / "marches-sample.csv")
    path = write_csv(tmp_path, "bad.csv", HEURES_COLUMNS, [heures_row(hours="x")])
    with pytest.raises(CommandError):
        run("import_heures", path)
    assert len(import_entries()) == 2 and ImportRun.objects.count() == 2
    # An update is audited with its counts.
    rows = [marche_row(marche_ref="R2011-0570", lot_ref="L3", hours_required="190")]
    run("import_marches", write_csv(tmp_path, "fix.csv", MARCHES_COLUMNS, rows))
    last = import_entries()[-1]
    assert last.changes["updated"] == [None, 1] and last.changes["file"] == [None, "fix.csv"]


@pytest.mark.django_db
def test_the_upload_page_audits_its_user(client, instructeur, tmp_path):
    path = write_csv(tmp_path, "mes-marches.csv", MARCHES_COLUMNS, [marche_row()])
    client.force_login(instructeur)
    with path.open("rb") as upload:
        preview = client.post(reverse("clauses:import"), {"kind": "marches", "file": upload})
    assert import_entries() == []  # the report writes nothing
    client.post(reverse("clauses:import"), {"token": preview.context["token"]})
    (entry,) = import_entries()
    assert entry.actor == instructeur and entry.changes["file"] == [None, "mes-marches.csv"]
    assert ImportRun.objects.get().actor == instructeur


@pytest.mark.django_db
def test_a_lot_with_hours_keeps_its_clause(tmp_path):
    import_samples()
    before = snapshot()
    # R2011-0570 / L3 has reported hours in the sample.
    rows = [marche_row(marche_ref="R2011-0570", lot_ref="L3", clause="none", hours_required="0")]
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_marches",
            str(write_csv(tmp_path, "m.csv", MARCHES_COLUMNS, rows)),
            stdout=out,
            stderr=err,
        )
    assert "ligne 2 : clause : Le lot L3 du marché R2011-0570 a des heures déclarées" in (
        err.getvalue()
    )
    assert snapshot() == before
