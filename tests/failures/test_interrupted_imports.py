"""An import interrupted while it writes (the process fails on line N) leaves the database as
it was: every import writes in one transaction, so a crash after some rows were written
takes them back. Each import is run through its command, on the domain's sample file."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command

import clauses.import_heures
import clauses.import_marches
import dla.importer
import structures.importers
from tests.samples import SAMPLES

pytestmark = pytest.mark.django_db
WATCHED = [
    "structures.Structure",
    "structures.NetworkAffiliation",
    "structures.Convention",
    "dla.Dla",
    "dla.Provider",
    "dla.Accompaniment",
    "dla.Prestation",
    "clauses.Buyer",
    "clauses.Marche",
    "clauses.Lot",
    "clauses.HoursReport",
    "audit.AuditEntry",
]


class Interrupted(Exception):
    pass


def database():
    return {label: apps.get_model(label).objects.count() for label in WATCHED}


def run(command, path):
    call_command(command, str(path), stdout=io.StringIO(), stderr=io.StringIO())


def fail_on_call(monkeypatch, owner, name, n):
    """Make ``owner.name`` fail on its ``n``-th call, after doing its work the n-1 before."""
    real, calls = getattr(owner, name), []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == n:
            raise Interrupted(f"{name}, call {n}")
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, failing)
    return calls


def test_structures_import_interrupted_at_its_audit_entries(monkeypatch):
    # Structures, networks and conventions are written before the audit entries: fail on the
    # 4th structure's entry (line 5 of the file).
    calls = fail_on_call(monkeypatch, structures.importers, "_audit_entry", 4)
    before = database()
    with pytest.raises(Interrupted):
        run("import_structures", SAMPLES / "structures-sample.csv")
    assert len(calls) == 4
    assert database() == before


def test_dla_import_interrupted_after_its_structures(monkeypatch):
    run("import_structures", SAMPLES / "structures-sample.csv")
    calls = fail_on_call(monkeypatch, dla.importer._Sync, "_save_prestations", 1)
    before = database()
    with pytest.raises(Interrupted):
        run("import_dla", SAMPLES / "dla-sample.csv")
    assert calls
    assert database() == before


def test_marches_import_interrupted_after_its_contracts(monkeypatch):
    run("import_structures", SAMPLES / "structures-sample.csv")
    # Buyers and contracts are written before the lots.
    lots = fail_on_call(monkeypatch, clauses.import_marches.Lot.objects, "bulk_create", 1)
    before = database()
    with pytest.raises(Interrupted):
        run("import_marches", SAMPLES / "marches-sample.csv")
    assert lots
    assert database() == before


def test_hours_import_interrupted_after_its_first_rows(monkeypatch):
    run("import_structures", SAMPLES / "structures-sample.csv")
    run("import_marches", SAMPLES / "marches-sample.csv")
    # New reports are inserted first, then changed ones updated: fail at the update.
    calls = fail_on_call(monkeypatch, clauses.import_heures.HoursReport.objects, "bulk_update", 1)
    before = database()
    with pytest.raises(Interrupted):
        run("import_heures", SAMPLES / "heures-sample.csv")
    assert calls
    assert database() == before
    # Run again without the fault: everything goes in at once.
    monkeypatch.undo()
    run("import_heures", SAMPLES / "heures-sample.csv")
    assert database()["clauses.HoursReport"] > before["clauses.HoursReport"]
