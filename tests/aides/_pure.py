"""Run a scheme's rule the way the simulate contract does, without a database.

``run(scheme_code, **input)`` gives the contract's output dict; ``result`` the ``Result``
itself (its lines keep the input item they come from, ``Line.ref``); ``params`` the typed
parameters of the scheme's preset, with overrides.
"""

from aides import rules
from aides.presets import PRESETS

PRESET_BY_CODE = {preset["code"]: preset for preset in PRESETS}
SCHEME_CODES = tuple(PRESET_BY_CODE)


def rule_kind(scheme_code):
    return PRESET_BY_CODE[scheme_code]["rule_kind"]


def params(scheme_code, **overrides):
    preset = PRESET_BY_CODE[scheme_code]
    raw = {**preset.get("parameters", {}), **overrides}
    return rules.clean(rules.RULES[preset["rule_kind"]].PARAMETERS, raw)


def result(scheme_code, *, parameters=None, **data):
    case = rules.parse_case({"scheme": scheme_code, **data}, schemes=PRESET_BY_CODE)
    if parameters is None:
        parameters = params(scheme_code)
    return rules.evaluate(rule_kind(scheme_code), case, parameters)


def run(scheme_code, *, parameters=None, **data):
    return result(scheme_code, parameters=parameters, **data).to_dict()


def has_amount_rule(scheme_code):
    return rules.has_amount_rule(rule_kind(scheme_code))


def excluded(output):
    """``{ref: reason}`` of the output's excluded lines."""
    return {item["ref"]: item["reason"] for item in output["excluded"]}


def amounts(output):
    """The output's line amounts, as strings, in order."""
    return [line["amount"] for line in output["lines"]]
