"""Schemes with no amount rule in the source (Corse ET'IAE, the Aquitaine training
agreement, the Saône-et-Loire tools): the software checks the applicant kind and records
an amount that staff set by hand (aid-rules.md, "Schemes with no amount rule")."""

from .case import SIAE
from .common import check_applicant, exclude_unused
from .params import KIND_LIST, Param
from .result import Outcome

KIND = "manual"
LABEL = "Montant fixé par les services (pas de règle de calcul)"
HAS_AMOUNT_RULE = False
# What the scheme page says instead of a computation.
AMOUNT_NOTE = "les services vérifient l'éligibilité et fixent le montant."
PARAMETERS = (Param("applicant_kinds", KIND_LIST, tuple(sorted(SIAE)), "Structures éligibles"),)
FORM = {}


def evaluate(case, p):
    outcome = Outcome(case)
    check_applicant(outcome, p["applicant_kinds"])
    exclude_unused(outcome, set())
    return outcome.finish_without_amount(["applicant"] if not outcome.reasons else [])
