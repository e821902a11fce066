"""Bretagne, shared functions between SIAE (aid-rules.md § 4).

An SIAE carrying a post for a group, with a financial contribution of the beneficiary
structures, for a new function. Eligible post: a shared function (commercial development or
HR) under CDI, at least half-time. Each year: its annual cost minus the beneficiaries'
contribution, capped; for the years requested (no maximum in the source).
"""

from .case import CONTRACTS, FUNCTIONS, SIAE
from .common import check_applicant, exclude_unused
from .params import AMOUNT, CODES, KIND_LIST, NUMBER, Param
from .result import ZERO, Outcome, euros

KIND = "fonctions_mutualisees"
LABEL = "Coût d'un poste mutualisé moins la contribution des bénéficiaires, plafonné par an"
PARAMETERS = (
    Param("applicant_kinds", KIND_LIST, tuple(sorted(SIAE)), "Structures éligibles"),
    Param("functions", CODES, ("developpement_commercial", "grh"), "Fonctions éligibles", FUNCTIONS),
    Param("contracts", CODES, ("CDI",), "Contrats éligibles", CONTRACTS),
    Param("min_etp", NUMBER, "0.5", "Temps de travail minimal (ETP)"),
    Param("annual_cap", AMOUNT, "30000", "Plafond annuel par poste (€)"),
)  # fmt: skip
FORM = {
    "years": True,
    "positions": ("role", "etp", "annual_cost", "contract", "function"),
    "flags": ("grouped_structures", "beneficiary_contribution", "new_function"),
}
ACCEPTS = {"role": {"fonction_mutualisee": "Fonction mutualisée"}, "function": "functions"}
# Its own codes in French (why an application is refused); the shared ones are in common.py.
REASONS = {
    "not_grouped_structures": "Le poste doit être porté pour un groupe de structures (groupe ensemblier ou collectif de SIAE proches).",
    "no_beneficiary_contribution": "Les structures bénéficiaires doivent apporter une contribution financière explicite.",
    "not_new_function": "La fonction financée doit être nouvelle.",
}  # fmt: skip
EXCLUSIONS = {
    "function_not_eligible": "cette fonction n'est pas éligible",
    "etp_below_minimum": "le poste doit être au moins à mi-temps",
}  # fmt: skip


def evaluate(case, p):
    outcome = Outcome(case)
    check_applicant(outcome, p["applicant_kinds"])
    if not case.flags.grouped_structures:
        outcome.refuse("not_grouped_structures")
    if case.flags.beneficiary_contribution <= ZERO:
        outcome.refuse("no_beneficiary_contribution")
    if not case.flags.new_function:
        outcome.refuse("not_new_function")
    exclude_unused(outcome, {"positions"})
    contribution = case.flags.beneficiary_contribution
    for index, position in enumerate(case.positions):
        ref = f"positions[{index}]"
        if position.role != "fonction_mutualisee":
            outcome.exclude(ref, "role_not_funded")
        elif position.function not in p["functions"]:
            outcome.exclude(ref, "function_not_eligible")
        elif position.contract not in p["contracts"]:
            outcome.exclude(ref, "contract_not_eligible")
        elif position.etp < p["min_etp"]:
            outcome.exclude(ref, "etp_below_minimum")
        else:
            amount = min(max(position.annual_cost - contribution, ZERO), p["annual_cap"])
            for year in range(1, case.years + 1):
                outcome.add(
                    f"Fonction mutualisée n° {index + 1}, année {year} : {euros(position.annual_cost)} "
                    f"moins {euros(contribution)} de contribution, plafond {euros(p['annual_cap'])}",
                    amount,
                    year=year,
                    ref=ref,
                )
    return outcome.finish()
