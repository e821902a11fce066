"""Pure rule modules, one per rule kind: plain data in, a ``Result`` out, no database.

``evaluate(rule_kind, data, parameters)`` checks the input against the simulate contract,
then applies the rule with the scheme's parameters (typed by ``params.clean``).
"""

from . import (
    aap_innovation,
    arsie,
    emploi_tremplin_iae,
    encadrement_formation,
    equipes_insertion,
    fonctions_mutualisees,
    investissement_siae,
    manual,
    recrutement_jeunes,
    tremplin_environnement,
    tremplin_solidarites,
)
from .case import BadInput, parse_case
from .params import ParameterError, clean

RULES = {
    module.KIND: module
    for module in (
        tremplin_environnement,
        tremplin_solidarites,
        emploi_tremplin_iae,
        fonctions_mutualisees,
        recrutement_jeunes,
        encadrement_formation,
        arsie,
        equipes_insertion,
        investissement_siae,
        aap_innovation,
        manual,
    )
}

__all__ = [
    "RULES",
    "BadInput",
    "ParameterError",
    "accepted",
    "clean",
    "evaluate",
    "has_amount_rule",
    "parse_case",
]


def clean_parameters(rule_kind, raw):
    """Typed parameters of ``rule_kind``, each checked, then checked together where the
    rule module says how (``check_parameters``); raises ``ParameterError``."""
    module = RULES[rule_kind]
    values = clean(module.PARAMETERS, raw)
    check = getattr(module, "check_parameters", None)
    if check is not None:
        check(values)
    return values


def accepted(rule_kind, parameters):
    """What a rule kind funds, for each line field that names it (``role``, ``category``,
    ``function``, ``type``): ``{field: [(code, wording or None)]}``, in the rule's order.

    A rule module declares ``ACCEPTS``: per field, either ``{code: wording}`` (the scheme's
    words, ``None`` for the vocabulary's label) or the name of the parameter that lists the
    codes (a region may change it). A field it does not name takes every code."""
    return {
        field: (
            [(code, None) for code in parameters[declared]]
            if isinstance(declared, str)
            else list(declared.items())
        )
        for field, declared in getattr(RULES[rule_kind], "ACCEPTS", {}).items()
    }


def has_amount_rule(rule_kind):
    return getattr(RULES[rule_kind], "HAS_AMOUNT_RULE", True)


def evaluate(rule_kind, case, parameters):
    """``case``: a parsed ``Case``; ``parameters``: typed values (``params.clean``)."""
    return RULES[rule_kind].evaluate(case, parameters)
