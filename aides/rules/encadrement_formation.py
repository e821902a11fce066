"""Rhône-Alpes, ACI supervision and training (aid-rules.md § 6).

ACI only, with at least 4 insertion employees in the action, at least 20 % of under-26s,
work organised like a company and complementarity with local tools. Supervision: technical
supervisors and insertion officers; eligible ETP = min(their ETP, people supervised at once
/ 8); amount = min(their annual cost, 20,000 € × eligible ETP), one year. External
training: 50 % of the cost of trainings of the listed types given by another body.
"""

from decimal import Decimal

from .case import ROLES, TRAINING_TYPES
from .common import check_applicant, exclude_unused
from .params import AMOUNT, CODES, COUNT, KIND_LIST, RATE, Param
from .result import Outcome, euros, num, pct

KIND = "encadrement_formation"
LABEL = "Encadrement au prorata d'un ETP pour 8 personnes, formation externe au taux"
PARAMETERS = (
    Param("applicant_kinds", KIND_LIST, ("ACI",), "Structures éligibles"),
    Param("min_insertion_in_action", COUNT, 4, "Salariés en insertion minimum dans l'action"),
    Param("min_young_share", RATE, "0.20", "Part minimale de moins de 26 ans"),
    Param("supervision_roles", CODES, ("encadrant_technique", "charge_insertion"), "Postes d'encadrement financés", ROLES),
    Param("people_per_supervisor", COUNT, 8, "Personnes encadrées simultanément par ETP"),
    Param("cap_per_etp", AMOUNT, "20000", "Plafond par ETP éligible (€)"),
    Param("training_rate", RATE, "0.50", "Formation externe : taux"),
    Param("training_types", CODES, ("savoirs_de_base", "competences_professionnelles", "certifiante", "hygiene_securite"), "Formation : types éligibles", TRAINING_TYPES),
)  # fmt: skip
FORM = {
    "positions": ("role", "etp", "annual_cost", "contract"),
    "trainings": ("cost", "type", "provider_is_employer"),
    "team": ("simultaneous_insertion", "insertion_in_action", "young_share"),
    "flags": ("enterprise_like_organisation", "complementarity"),
}
ACCEPTS = {"role": "supervision_roles", "type": "training_types"}  # read from the parameters
# Its own codes in French (why an application is refused); the shared ones are in common.py.
REASONS = {
    "too_few_insertion_employees": "L'action ne compte pas assez de salariés en insertion.",
    "young_share_too_low": "La part de jeunes de moins de 26 ans dans l'ACI est insuffisante.",
    "not_enterprise_like": "Le travail doit être organisé au plus près de celui d'une entreprise.",
    "no_complementarity": "L'action doit être complémentaire des outils présents sur le territoire.",
}  # fmt: skip
EXCLUSIONS = {
    "training_type_not_eligible": "ce type de formation n'est pas éligible",
}  # fmt: skip


def evaluate(case, p):
    outcome = Outcome(case)
    check_applicant(outcome, p["applicant_kinds"])
    if case.team.insertion_in_action < p["min_insertion_in_action"]:
        outcome.refuse("too_few_insertion_employees")
    if case.team.young_share < p["min_young_share"]:
        outcome.refuse("young_share_too_low")
    if not case.flags.enterprise_like_organisation:
        outcome.refuse("not_enterprise_like")
    if not case.flags.complementarity:
        outcome.refuse("no_complementarity")
    exclude_unused(outcome, {"positions", "trainings"})

    etp, cost = Decimal(0), Decimal(0)
    for index, position in enumerate(case.positions):
        if position.role in p["supervision_roles"]:
            etp += position.etp
            cost += position.annual_cost
        else:
            outcome.exclude(f"positions[{index}]", "role_not_funded")
    if etp:
        eligible_etp = min(etp, case.team.simultaneous_insertion / p["people_per_supervisor"])
        outcome.add(
            f"Encadrement : {num(eligible_etp)} ETP éligible(s) sur {num(etp)}, "
            f"min({euros(cost)}, {euros(p['cap_per_etp'])} par ETP éligible)",
            min(cost, p["cap_per_etp"] * eligible_etp),
            ref="positions",
        )
    for index, training in enumerate(case.trainings):
        ref = f"trainings[{index}]"
        if training.type not in p["training_types"]:
            outcome.exclude(ref, "training_type_not_eligible")
        elif training.provider_is_employer:
            outcome.exclude(ref, "training_by_employer")
        else:
            outcome.add(
                f"Formation externe n° {index + 1} : {pct(p['training_rate'])} de {euros(training.cost)}",
                training.cost * p["training_rate"],
                ref=ref,
            )
    return outcome.finish()
