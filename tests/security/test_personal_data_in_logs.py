"""Participants' personal data never reach the logs: the clause participants (pseudonymous
references and public categories, clauses.md) go through the imports and the yearly bilan
without a log line naming them, even with SQL debugging on and the log level at DEBUG."""

import csv
import io
import logging

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from clauses.models import HoursReport
from tests.samples import SAMPLES

pytestmark = pytest.mark.django_db


def run(command, *args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(command, *map(str, args), stdout=out, stderr=err)
    except CommandError as error:  # a refused import: its message is output too
        err.write(str(error))
    return out.getvalue() + err.getvalue()


@pytest.fixture
def debug_everything(caplog):
    """Every logger at DEBUG, as a careless production setting would have it, and every SQL
    statement passed to the logging system with its parameters."""
    connection.force_debug_cursor = True
    caplog.set_level(logging.DEBUG)
    yield caplog
    connection.force_debug_cursor = False


def participant_refs():
    with (SAMPLES / "heures-sample.csv").open(encoding="utf-8", newline="") as f:
        return {row["participant_ref"] for row in csv.DictReader(f)}


def test_imports_and_bilan_log_no_participant(debug_everything, tmp_path):
    output = run("import_structures", SAMPLES / "structures-sample.csv")
    output += run("import_marches", SAMPLES / "marches-sample.csv")
    output += run("import_heures", SAMPLES / "heures-sample.csv")
    refs = participant_refs()
    assert HoursReport.objects.filter(participant_ref__in=refs).exists()  # they went through
    output += run("clauses_bilan", "--year", "2011", "--format", "json")
    logged = "\n".join(record.getMessage() for record in debug_everything.records)
    assert not [ref for ref in refs if ref in logged]
    assert not [ref for ref in refs if ref in output]
    # Control: what the settings' django.db.backends level keeps out would otherwise be there.
    logging.getLogger("django.db.backends").setLevel(logging.DEBUG)
    try:
        HoursReport.objects.filter(participant_ref=min(refs)).exists()
    finally:
        logging.getLogger("django.db.backends").setLevel(logging.WARNING)
    assert min(refs) in debug_everything.text


def test_a_rejected_hours_line_is_reported_without_its_participant(debug_everything, tmp_path):
    run("import_structures", SAMPLES / "structures-sample.csv")
    run("import_marches", SAMPLES / "marches-sample.csv")
    bad = tmp_path / "heures.csv"
    bad.write_text(
        "marche_ref,lot_ref,period,participant_ref,public_category,modality,siae_siret,hours\n"
        "R2011-0570,L3,2011-10,PX-DUPONT-1987,senior,embauche_directe,,48\n"
        "R2011-0570,L3,2011-10,PX-DUPONT-1987,senior,embauche_directe,,-5\n",
        encoding="utf-8",
    )
    output = run("import_heures", bad)
    assert "ligne 3 : " in output  # the report names the line and why…
    assert not HoursReport.objects.exists()  # …and nothing was written
    logged = "\n".join(record.getMessage() for record in debug_everything.records)
    assert "PX-DUPONT-1987" not in logged
