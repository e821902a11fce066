"""Pure helpers for the aid rule tests: the simulate contract without the database.

``run(code, **input)`` gives the contract's output dict for one case of scheme ``code``,
with the preset's parameters (the source's figures) or ``parameters=params(code, ...)``.
"""

import json
from decimal import Decimal

from aides.presets import PRESETS
from aides.rules import RULES, clean, evaluate, parse_case
from aides.rules import has_amount_rule as rule_has_amount
from tests.samples import FIXTURES

# A copy of the shared domain file aid-cases.json, so that the repository stands alone.
CASES_FILE = FIXTURES / "aid-cases.json"
PRESETS_BY_CODE = {preset["code"]: preset for preset in PRESETS}
SCHEME_CODES = tuple(PRESETS_BY_CODE)
OUTPUT_KEYS = {"scheme", "eligible", "reasons", "excluded", "lines", "schedule", "total"}


def load_cases():
    """The worked cases of aid-cases.json, numbers read as ``Decimal`` like the command."""
    return json.loads(CASES_FILE.read_text(encoding="utf-8"), parse_float=Decimal)


def rule_kind(scheme_code):
    return PRESETS_BY_CODE[scheme_code]["rule_kind"]


def params(scheme_code, **overrides):
    """Typed parameters of a scheme: its preset's, with ``overrides`` on top."""
    preset = PRESETS_BY_CODE[scheme_code]
    raw = {**preset.get("parameters", {}), **overrides}
    return clean(RULES[preset["rule_kind"]].PARAMETERS, raw)


def result(scheme_code, *, parameters=None, **data):
    """The ``Result`` for ``{"scheme": scheme_code, **data}`` (its lines keep ``ref``)."""
    if parameters is None:
        parameters = params(scheme_code)
    case = parse_case({"scheme": scheme_code, **data}, schemes=PRESETS_BY_CODE)
    return evaluate(rule_kind(scheme_code), case, parameters)


def run(scheme_code, *, parameters=None, **data):
    """The contract's output for the input ``{"scheme": scheme_code, **data}``."""
    return result(scheme_code, parameters=parameters, **data).to_dict()


def has_amount_rule(scheme_code):
    return rule_has_amount(rule_kind(scheme_code))


def schedule(output):
    """``{year: amount}`` of the output's schedule (amounts as the contract's strings)."""
    return {row["year"]: row["amount"] for row in output["schedule"]}


def excluded(output):
    """``{ref: reason}`` of the output's excluded lines."""
    return {row["ref"]: row["reason"] for row in output["excluded"]}


def line_amounts(output):
    """The output's line amounts, as strings, in order."""
    return [line["amount"] for line in output["lines"]]


def post(role, etp=1, annual_cost=0, contract=None, **extra):
    """One ``positions[]`` item of the contract's input."""
    return {"role": role, "etp": etp, "annual_cost": annual_cost, "contract": contract, **extra}
