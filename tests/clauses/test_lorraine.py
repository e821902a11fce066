"""clauses.md's acceptance: « a dataset of that shape gives back those figures » (Lorraine
2011: clauses in 39 % of the works contracts, 224 contracts, 152,000 hours; 8 % of the
service contracts, 13 contracts, 8,200 hours), through the real files and commands."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from iae_portal.bilans import flatten

from . import lorraine

pytestmark = pytest.mark.django_db


def run(command, *args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(command, *map(str, args), stdout=out, stderr=err)
    except CommandError as exc:
        raise AssertionError(f"{command}: {exc}\n{err.getvalue()[:2000]}") from exc
    return out.getvalue()


def import_year(tmp_path, shape, seed):
    files, expected = lorraine.write_year(tmp_path, shape=shape, seed=seed)
    run("import_structures", files.structures)
    run("import_marches", files.marches)
    run("import_heures", files.heures)
    return files, expected


@pytest.mark.parametrize(
    ("shape", "seed"), [(lorraine.WITH_CLAUSE, 2011), (lorraine.ALL_CONTRACTS, 57)]
)
def test_a_lorraine_shaped_year_gives_back_its_figures(tmp_path, shape, seed):
    files, expected = import_year(tmp_path, shape, seed)
    bilan = json.loads(run("clauses_bilan", "--year", 2011, "--format", "json"))
    # clauses.md's keys only: no programme of planned purchases here.
    assert bilan == expected

    works, services = bilan["by_type"]["travaux"], bilan["by_type"]["services"]
    assert round(works["share_with_clause"] * 100) == 39
    assert round(services["share_with_clause"] * 100) == 8
    counted = "marches_with_clause" if shape is lorraine.WITH_CLAUSE else "marches"
    assert (works[counted], services[counted]) == (224, 13)
    assert works["hours_required"] == works["hours_realised"] == 152_000
    assert services["hours_required"] == services["hours_realised"] == 8_200
    # Every hour of the year's contracts is in one modality and one public.
    realised = sum(row["hours_realised"] for row in bilan["by_type"].values())
    assert sum(bilan["hours_by_modality"].values()) == realised
    assert sum(bilan["hours_by_public"].values()) == realised

    listing = run("clauses_bilan", "--year", 2011, "--format", "csv")
    rows = list(csv.reader(io.StringIO(listing)))
    assert rows[1:] == [[key, str(value)] for key, value in flatten(bilan)]

    # Importing the same files again writes nothing and gives the same bilan.
    assert run("import_marches", files.marches).startswith("0 créé(s), 0 mis à jour")
    assert run("import_heures", files.heures).startswith("0 créé(s), 0 mis à jour")
    assert json.loads(run("clauses_bilan", "--year", 2011, "--format", "json")) == bilan
