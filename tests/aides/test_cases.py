"""Every worked case of aid-cases.json, three ways: the pure rules, ``AidScheme`` and the
``simulate_aid`` command (the whole array in one process, order kept)."""

import io
import json
import sys
from decimal import Decimal

import pytest
from django.core.management import call_command

from aides.models import AidScheme, ParameterVersion

from .helpers import load_cases, run

CASES = load_cases()
CASE_IDS = [case["title"] for case in CASES]


def observed(output):
    return {key: output[key] for key in ("eligible", "total", "schedule")}


def as_json(data):
    """JSON text with decimals written as numbers (the cases' figures are short)."""
    return json.dumps(data, default=float)


def simulate(monkeypatch, document):
    """``simulate_aid`` with ``document`` (text) on stdin; its parsed stdout."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(document))
    stdout = io.StringIO()
    call_command("simulate_aid", stdout=stdout)
    return json.loads(stdout.getvalue())


def test_the_cases_cover_every_scheme_with_an_amount_rule():
    # Guard: the file read is the contract's, not an empty or truncated copy.
    assert len(CASES) == 23
    assert len({case["input"]["scheme"] for case in CASES}) == 10


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_pure_rule(case):
    data = dict(case["input"])
    output = run(data.pop("scheme"), **data)
    assert observed(output) == case["expected"]


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_scheme_compute_amount(case):
    scheme = AidScheme.objects.get(code=case["input"]["scheme"])
    result = scheme.compute_amount(case["input"])
    assert observed(result.to_dict()) == case["expected"]
    assert result.parameters_version == 1


@pytest.mark.django_db
@pytest.mark.parametrize("order", ["given", "reversed"])
def test_command_answers_the_whole_array_in_order(monkeypatch, order):
    cases = CASES if order == "given" else CASES[::-1]
    document = as_json([case["input"] for case in cases])
    outputs = simulate(monkeypatch, document)
    assert len(outputs) == len(cases)
    for case, output in zip(cases, outputs, strict=True):
        assert output["scheme"] == case["input"]["scheme"]
        assert observed(output) == case["expected"], case["title"]


@pytest.mark.django_db
def test_command_answers_a_single_case_with_an_object(monkeypatch):
    case = CASES[0]
    output = simulate(monkeypatch, as_json(case["input"]))
    assert isinstance(output, dict)
    assert observed(output) == case["expected"]


@pytest.mark.django_db
def test_a_new_parameter_version_drives_scheme_and_command(monkeypatch):
    # Case 2: equipment 12 000 € × 40 % = 4 800, capped at 3 000 in version 1.
    # Version 2 raises the cap to 5 000: year 1 = 10 000 (posts) + 4 800 = 14 800.
    case = CASES[1]
    scheme = AidScheme.objects.get(code=case["input"]["scheme"])
    version_1 = scheme.current_version
    ParameterVersion.objects.create(
        scheme=scheme, number=2, values={"equipment_cap": "5000"}, reason="test"
    )
    result = scheme.compute_amount(case["input"])
    assert result.parameters_version == 2
    assert result.to_dict()["schedule"][0] == {"year": 1, "amount": "14800.00"}
    assert result.to_dict()["total"] == "44800.00"
    # The version it used still gives the old result.
    assert scheme.compute_amount(case["input"], version_1).to_dict()["total"] == "43000.00"
    output = simulate(monkeypatch, as_json(case["input"]))
    assert output["total"] == "44800.00"
    assert Decimal(output["total"]) - Decimal(case["expected"]["total"]) == 1800
