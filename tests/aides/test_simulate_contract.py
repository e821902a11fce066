"""The simulate contract (aid-rules.md, "The simulation contract"): bad input exits
non-zero with one line on stderr naming the field; the output's shape and money format."""

import io
import json
import re
import sys
from decimal import Decimal

import pytest
from django.core.management import call_command

from .helpers import OUTPUT_KEYS, post, run

ETE = "pc-emplois-tremplin-environnement"
VALID = {
    "scheme": ETE,
    "structure": {"kind": "ACI"},
    "positions": [{"role": "execution", "etp": 1, "annual_cost": 20000, "contract": "CDDI"}],
    "expenses": [{"category": "equipement", "amount": 1000}],
    "trainings": [{"cost": 500, "type": "certifiante"}],
    "flags": {"environment_sector": True},
}


def simulate(monkeypatch, capsys, document):
    """Run ``simulate_aid`` on ``document`` (text); ``(parsed stdout, stderr text)``."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(document))
    stdout = io.StringIO()
    call_command("simulate_aid", stdout=stdout)
    return json.loads(stdout.getvalue()), capsys.readouterr().err


def fails(monkeypatch, capsys, document):
    """Run ``simulate_aid`` expecting a refusal; its one stderr line."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(document))
    stdout = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("simulate_aid", stdout=stdout)
    assert exit_info.value.code not in (0, None)
    assert stdout.getvalue() == ""
    err = capsys.readouterr().err
    assert err.endswith("\n")
    assert len(err.splitlines()) == 1, err
    return err


def changed(path, value):
    """A deep copy of ``VALID`` with ``path`` (keys and indexes) set to ``value``."""
    data = json.loads(json.dumps(VALID))
    *parents, last = path
    target = data
    for key in parents:
        target = target[key]
    target[last] = value
    return data


BAD_CASES = {
    "unknown scheme": (changed(["scheme"], "idf-nothing"), "scheme"),
    "missing scheme": ({"structure": {"kind": "ACI"}}, "scheme"),
    "unknown structure kind": (changed(["structure", "kind"], "SARL"), "structure.kind"),
    "negative annual_cost": (
        changed(["positions", 0, "annual_cost"], -1),
        "positions[0].annual_cost",
    ),
    "negative expense amount": (changed(["expenses", 0, "amount"], -0.01), "expenses[0].amount"),
    "negative training cost": (changed(["trainings", 0, "cost"], -5), "trainings[0].cost"),
    "negative operating_expenses": (changed(["operating_expenses"], -1), "operating_expenses"),
    "negative aides_au_poste_already_funded": (
        changed(["aides_au_poste_already_funded"], -1),
        "aides_au_poste_already_funded",
    ),
    "negative beneficiary_contribution": (
        changed(["flags", "beneficiary_contribution"], -1),
        "flags.beneficiary_contribution",
    ),
    "etp 0": (changed(["positions", 0, "etp"], 0), "positions[0].etp"),
    "etp 1.01": (changed(["positions", 0, "etp"], 1.01), "positions[0].etp"),
    "etp negative": (changed(["positions", 0, "etp"], -0.5), "positions[0].etp"),
    "years 0": (changed(["years"], 0), "years"),
    "years 11": (changed(["years"], 11), "years"),
    "years not whole": (changed(["years"], 2.5), "years"),
    "unknown role": (changed(["positions", 0, "role"], "directeur"), "positions[0].role"),
    "missing role": ({**VALID, "positions": [{"etp": 1}]}, "positions[0].role"),
    "unknown contract": (changed(["positions", 0, "contract"], "CDII"), "positions[0].contract"),
    "unknown criterion": (
        changed(["positions", 0, "criteria"], ["jeune", "ancien"]),
        "positions[0].criteria[1]",
    ),
    # With several faults, the first named is the first checked, in the contract's order:
    # the criteria's type before the role, their values after the role and the cost.
    "bad role and bad criterion": (
        {**VALID, "positions": [{"role": "directeur", "criteria": ["ancien"]}]},
        "positions[0].role",
    ),
    "bad cost and bad criterion": (
        {**VALID, "positions": [{"role": "execution", "annual_cost": -1, "criteria": ["x"]}]},
        "positions[0].annual_cost",
    ),
    "criteria not a list, bad role": (
        {**VALID, "positions": [{"role": "directeur", "criteria": "jeune"}]},
        "positions[0].criteria",
    ),
    "unknown function": (
        changed(["positions", 0, "function"], "juridique"),
        "positions[0].function",
    ),
    "unknown expense category": (
        changed(["expenses", 0, "category"], "voyage"),
        "expenses[0].category",
    ),
    "unknown training type": (changed(["trainings", 0, "type"], "yoga"), "trainings[0].type"),
    "unknown rate_mode": (changed(["rate_mode"], "flat"), "rate_mode"),
    "non-number annual_cost": (
        changed(["positions", 0, "annual_cost"], "beaucoup"),
        "positions[0].annual_cost",
    ),
    "boolean as amount": (changed(["expenses", 0, "amount"], True), "expenses[0].amount"),
    "list as etp": (changed(["positions", 0, "etp"], [1]), "positions[0].etp"),
    "non-boolean flag": (
        changed(["flags", "environment_sector"], "yes"),
        "flags.environment_sector",
    ),
    "positions not a list": ({**VALID, "positions": {"role": "execution"}}, "positions"),
    "case not an object": ("a string", "case"),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("data", "field"), BAD_CASES.values(), ids=BAD_CASES.keys())
def test_bad_input_exits_non_zero_naming_the_field(monkeypatch, capsys, data, field):
    err = fails(monkeypatch, capsys, json.dumps(data))
    assert err.startswith(f"{field}: "), err


@pytest.mark.django_db
@pytest.mark.parametrize(
    "document", ["{", "", "{'scheme': 'x'}", '{"scheme": "a",}', "[1, 2", "NaN-ish"]
)
def test_malformed_json_exits_non_zero_with_one_line(monkeypatch, capsys, document):
    err = fails(monkeypatch, capsys, document)
    assert "malformed JSON" in err
    assert err.startswith("input: ")


@pytest.mark.django_db
@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_numbers_are_bad_input(monkeypatch, capsys, constant):
    document = json.dumps(VALID).replace('"annual_cost": 20000', f'"annual_cost": {constant}')
    err = fails(monkeypatch, capsys, document)
    assert err.startswith("positions[0].annual_cost: ")


@pytest.mark.django_db
def test_a_bad_case_inside_an_array_is_named_with_its_index(monkeypatch, capsys):
    bad = changed(["positions", 0, "etp"], 1.5)
    err = fails(monkeypatch, capsys, json.dumps([VALID, bad, VALID]))
    assert err.startswith("[1].positions[0].etp: ")


@pytest.mark.django_db
def test_an_unknown_scheme_inside_an_array_is_named_with_its_index(monkeypatch, capsys):
    err = fails(monkeypatch, capsys, json.dumps([VALID, VALID, {"scheme": "nope"}]))
    assert err.startswith("[2].scheme: ")


@pytest.mark.django_db
def test_etp_exactly_1_and_a_small_etp_are_accepted(monkeypatch, capsys):
    # Execution post, degressive year 1: 20 % of 20 000 = 4 000 (cap 5 000 × etp).
    # At etp 0.01 the cap is 50: 4 000 → 50. Equipment 40 % of 1 000 = 400.
    small = changed(["positions", 0, "etp"], 0.01)
    outputs, err = simulate(monkeypatch, capsys, json.dumps([VALID, small]))
    assert err == ""
    assert [output["total"] for output in outputs] == ["4400.00", "450.00"]


@pytest.mark.django_db
def test_an_empty_array_gives_an_empty_array(monkeypatch, capsys):
    outputs, _ = simulate(monkeypatch, capsys, "[]")
    assert outputs == []


@pytest.mark.django_db
def test_unknown_keys_are_ignored(monkeypatch, capsys):
    output, err = simulate(monkeypatch, capsys, json.dumps({**VALID, "comment": "draft"}))
    assert err == ""
    assert output["total"] == "4400.00"


# -- The output -------------------------------------------------------------------------


def test_output_keys_are_exactly_those_of_the_contract():
    output = run(ETE, **{key: value for key, value in VALID.items() if key != "scheme"})
    assert set(output) == OUTPUT_KEYS
    assert output["scheme"] == ETE
    assert output["eligible"] is True
    assert output["reasons"] == []
    # The training is a known value the scheme does not fund: an excluded line, no error.
    assert output["excluded"] == [{"ref": "trainings[0]", "reason": "not_funded_by_scheme"}]
    assert [set(line) for line in output["lines"]] == [{"label", "year", "amount"}] * 2
    assert output["schedule"] == [{"year": 1, "amount": "4400.00"}]


@pytest.mark.parametrize("scheme", ["mp-recrutement-jeunes", ETE])
def test_output_keys_are_the_same_eligible_or_not(scheme):
    assert set(run(scheme)) == OUTPUT_KEYS


@pytest.mark.django_db
def test_command_output_keys_and_money_strings(monkeypatch, capsys):
    output, _ = simulate(monkeypatch, capsys, json.dumps({**VALID, "years": 2}))
    assert set(output) == OUTPUT_KEYS
    # Year 1: 20 % of 20 000 = 4 000 + equipment 400; year 2: 15 % = 3 000.
    assert output["schedule"] == [
        {"year": 1, "amount": "4400.00"},
        {"year": 2, "amount": "3000.00"},
    ]
    assert output["total"] == "7400.00"
    assert [line["amount"] for line in output["lines"]] == ["4000.00", "3000.00", "400.00"]


def test_amounts_are_strings_with_two_decimals():
    # Execution, degressive year 1: 20 % of 12 345.67 = 2 469.134 → "2469.13";
    # year 2: 15 % = 1 851.8505 → "1851.85". Equipment 40 % of 0.5 = 0.2 → "0.20".
    output = run(
        ETE,
        structure={"kind": "ACI"},
        years=2,
        positions=[post("execution", annual_cost=Decimal("12345.67"))],
        expenses=[{"category": "equipement", "amount": Decimal("0.5")}],
        flags={"environment_sector": True},
    )
    assert [line["amount"] for line in output["lines"]] == ["2469.13", "1851.85", "0.20"]
    assert output["schedule"] == [
        {"year": 1, "amount": "2469.33"},
        {"year": 2, "amount": "1851.85"},
    ]
    assert output["total"] == "4321.18"
    for amount in [output["total"], *(row["amount"] for row in output["schedule"])]:
        assert re.fullmatch(r"\d+\.\d\d", amount)


def test_each_line_is_rounded_half_up_and_the_total_sums_the_rounded_lines():
    # Two execution posts at 0.125 €: 20 % = 0.025 each, rounded half-up to 0.03 (half-even
    # would give 0.02); the total is 0.03 + 0.03 = 0.06, not round(0.05) = 0.05.
    output = run(
        ETE,
        structure={"kind": "ACI"},
        positions=[post("execution", annual_cost=Decimal("0.125"))] * 2,
        flags={"environment_sector": True},
    )
    assert [line["amount"] for line in output["lines"]] == ["0.03", "0.03"]
    assert output["total"] == "0.06"


def test_a_line_rounding_to_zero_is_not_listed():
    # Execution post at 0.06 €, degressive over 4 years: 20 % = 0.012 → 0.01,
    # 15 % = 0.009 → 0.01, 10 % = 0.006 → 0.01, 5 % = 0.003 → 0.00 (not listed).
    output = run(
        ETE,
        structure={"kind": "ACI"},
        years=4,
        positions=[post("execution", annual_cost=Decimal("0.06"))],
        flags={"environment_sector": True},
    )
    assert [(line["year"], line["amount"]) for line in output["lines"]] == [
        (1, "0.01"),
        (2, "0.01"),
        (3, "0.01"),
    ]
    assert [row["year"] for row in output["schedule"]] == [1, 2, 3]
    assert output["total"] == "0.03"


def test_only_lines_rounding_to_zero_make_the_case_ineligible():
    # 20 % of 0.02 = 0.004 → 0.00: nothing to fund.
    output = run(
        ETE,
        structure={"kind": "ACI"},
        positions=[post("execution", annual_cost=Decimal("0.02"))],
        flags={"environment_sector": True},
    )
    assert output["lines"] == []
    assert output["eligible"] is False
    assert output["total"] == "0.00"


@pytest.mark.parametrize(
    "data",
    [
        # An eligible hire: a CDD of 7 months for an unqualified 19-year-old from a QPV.
        {
            "structure": {"kind": "EI"},
            "positions": [
                post(
                    "insertion",
                    contract="CDD",
                    contract_months=7,
                    holder={"age": 19, "qualified": False, "qpv": True},
                )
            ],
        },
        # No hire at all.
        {"structure": {"kind": "EI"}},
        # Not an SIAE.
        {"structure": {"kind": "ASSOCIATION"}},
    ],
    ids=["eligible", "no hire", "refused applicant"],
)
def test_total_is_null_for_the_youth_scheme(data):
    output = run("mp-recrutement-jeunes", **data)
    assert output["total"] is None
    assert output["schedule"] == []
    assert output["lines"] == []


def test_an_ineligible_case_has_zero_total_empty_schedule_and_no_lines():
    # Every post would be funded, but outside the environment sector the case is refused.
    output = run(
        ETE,
        structure={"kind": "ACI"},
        years=3,
        positions=[post("encadrement", annual_cost=30000), post("execution", annual_cost=20000)],
        expenses=[{"category": "equipement", "amount": 5000}],
        flags={"environment_sector": False},
    )
    assert output["eligible"] is False
    assert output["reasons"] == ["not_environment_sector"]
    assert output["total"] == "0.00"
    assert output["schedule"] == []
    assert output["lines"] == []


@pytest.mark.django_db
def test_json_numbers_are_read_as_decimals(monkeypatch, capsys):
    # Equipment 0.1 + 0.2 = 0.3 exactly, × 40 % = 0.12.
    # Equipment 2.51249999999999999999 × 40 % = 1.004999… → 1.00; through a float it would be
    # 2.5125 × 40 % = 1.005 → 1.01.
    cases = [
        {
            **VALID,
            "positions": [],
            "expenses": [
                {"category": "equipement", "amount": 0.1},
                {"category": "equipement", "amount": 0.2},
            ],
        },
        {**VALID, "positions": [], "expenses": [{"category": "equipement", "amount": 1}]},
    ]
    document = json.dumps(cases).replace('"amount": 1}', '"amount": 2.51249999999999999999}')
    outputs, _ = simulate(monkeypatch, capsys, document)
    assert [output["total"] for output in outputs] == ["0.12", "1.00"]
    assert outputs[0]["lines"][0]["label"].startswith("Investissement ponctuel")
