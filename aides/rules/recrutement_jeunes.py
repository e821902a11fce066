"""Midi-Pyrénées, youth hiring in the IAE (aid-rules.md § 5).

Eligibility only (the source gives no amount; the instructor sets it). A hire is eligible
when the young person is 16 to 26, unqualified, living in a QPV or a rural zone, and the
contract is a contrat de professionnalisation in a GEIQ, EI or AI, a CDI within a CREPI, or
a CDD of six months or more. The application is eligible when one hire is.
"""

from .case import SIAE
from .common import check_applicant, exclude_unused
from .params import COUNT, KIND_LIST, Param
from .result import Outcome

KIND = "recrutement_jeunes"
LABEL = "Éligibilité des embauches de jeunes (montant fixé par l'instructeur)"
HAS_AMOUNT_RULE = False
PARAMETERS = (
    Param("applicant_kinds", KIND_LIST, tuple(sorted(SIAE)), "Structures éligibles"),
    Param("min_age", COUNT, 16, "Âge minimal"),
    Param("max_age", COUNT, 26, "Âge maximal (inclus)"),
    Param("contrat_pro_kinds", KIND_LIST, ("GEIQ", "EI", "AI"), "Contrat de professionnalisation : structures"),
    Param("cdd_min_months", COUNT, 6, "CDD : durée minimale (mois)"),
)  # fmt: skip
FORM = {
    "positions": ("role", "etp", "annual_cost", "contract", "contract_months", "holder"),
    "flags": ("crepi",),
}
# The post's role is no criterion of this scheme: every hire is an insertion post.
ACCEPTS = {"role": {"insertion": "Jeune recruté"}}
# Its own codes in French (why a line is left out); the shared ones are in common.py.
EXCLUSIONS = {
    "age_unknown": "l'âge de la personne n'est pas indiqué",
    "age_out_of_range": "la personne doit avoir entre 16 et 26 ans",
    "holder_qualified": "la personne ne doit avoir ni diplôme ni qualification",
    "not_qpv_or_zrr": "la personne doit habiter un quartier prioritaire ou une zone rurale",
    "contract_too_short": "le CDD doit durer au moins 6 mois",
}  # fmt: skip


def _hire_refusal(case, position, p):
    holder = position.holder
    if holder.age is None:
        return "age_unknown"
    if not p["min_age"] <= holder.age <= p["max_age"]:
        return "age_out_of_range"
    if holder.qualified:
        return "holder_qualified"
    if not (holder.qpv or holder.zrr):
        return "not_qpv_or_zrr"
    contract = position.contract
    if contract == "CONTRAT_PRO" and case.kind in p["contrat_pro_kinds"]:
        return None
    if contract == "CDI" and case.flags.crepi:
        return None
    if contract == "CDD":
        months = position.contract_months
        if months is not None and months >= p["cdd_min_months"]:
            return None
        return "contract_too_short"
    return "contract_not_eligible"


def evaluate(case, p):
    outcome = Outcome(case)
    check_applicant(outcome, p["applicant_kinds"])
    exclude_unused(outcome, {"positions"})
    eligible = []
    for index, position in enumerate(case.positions):
        refusal = _hire_refusal(case, position, p)
        if refusal:
            outcome.exclude(f"positions[{index}]", refusal)
        else:
            eligible.append(index)
    return outcome.finish_without_amount(eligible)
