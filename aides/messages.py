"""Plain French for the rule modules' codes (reasons and exclusions), shown to applicants.

Each rule module words its own codes (``REASONS``, ``EXCLUSIONS``) and ``rules.common`` the
shared ones; the registry gathers them (``rules.REASON_TEXTS``, ``rules.EXCLUSION_TEXTS``).
"""

import re

from . import rules

SECTIONS = {"positions": "Poste", "expenses": "Dépense", "trainings": "Formation"}


def reason_text(code):
    return rules.REASON_TEXTS.get(code, code)


def exclusion_text(code):
    return rules.EXCLUSION_TEXTS.get(code, code)


def ref_text(ref):
    """``positions[2]`` → ``Poste n° 3``."""
    match = re.fullmatch(r"(\w+)\[(\d+)\]", ref or "")
    if match and match.group(1) in SECTIONS:
        return f"{SECTIONS[match.group(1)]} n° {int(match.group(2)) + 1}"
    return ref


# The rules' bad-input messages (English, for the simulate contract's CLI) in French.
BAD_INPUT = (
    (r"is required", "est obligatoire"),
    (r"must be greater than 0 and at most 1", "doit être supérieur à 0 et au plus égal à 1"),
    (r"must be between (\d+) and (\d+)", r"doit être compris entre \1 et \2"),
    (r"must not be negative", "ne doit pas être négatif"),
    (r"a whole number is expected", "doit être un nombre entier"),
    (r"a (finite )?number is expected", "doit être un nombre"),
    (r"true or false is expected", "doit être oui ou non"),
    (r"is a share between 0 and 1", "doit être une part comprise entre 0 et 100 %"),
    (r"unknown value .*", "n'est pas une valeur connue"),
)


def bad_input_text(error):
    """A ``rules.BadInput`` in French: where (``Poste n° 1, etp``) and what is wrong."""
    where = re.sub(r"^(\w+\[\d+\])", lambda match: ref_text(match.group(1)), error.field)
    what = next(
        (
            re.sub(pattern, french, error.message)
            for pattern, french in BAD_INPUT
            if re.fullmatch(pattern, error.message)
        ),
        "n'est pas accepté",
    )
    return f"Donnée refusée par le calcul : {where.replace('.', ', ')} {what}."
