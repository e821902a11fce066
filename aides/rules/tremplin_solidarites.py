"""Franche-Comté, Tremplin Solidarités Insertion (aid-rules.md § 2).

EI only; 3,000 € per ETP for insertion posts under CDDI (the maximum is granted), one year;
75 % of training costs capped per training, when requested at hiring and not given by the
employer (otherwise that training line is excluded, the rest stands).
"""

from .case import CONTRACTS
from .common import check_applicant, exclude_unused
from .params import AMOUNT, CODES, KIND_LIST, RATE, Param
from .result import Outcome, euros, num, pct

KIND = "tremplin_solidarites"
LABEL = "Aide au poste forfaitaire par ETP et formation au taux plafonné"
PARAMETERS = (
    Param("applicant_kinds", KIND_LIST, ("EI",), "Structures éligibles"),
    Param("post_contracts", CODES, ("CDDI",), "Contrats des postes aidés", CONTRACTS),
    Param("amount_per_etp", AMOUNT, "3000", "Aide au poste : montant annuel par ETP (€)"),
    Param("training_rate", RATE, "0.75", "Formation : taux des coûts pédagogiques"),
    Param("training_cap", AMOUNT, "2400", "Formation : plafond par formation (€)"),
)
FORM = {
    "positions": ("role", "etp", "annual_cost", "contract"),
    "trainings": ("cost", "provider_is_employer", "requested_at_hiring"),
}
ACCEPTS = {"role": {"insertion": "Poste d'insertion"}}
# Its own codes in French (why a line is left out); the shared ones are in common.py.
EXCLUSIONS = {
    "training_not_requested_at_hiring": "la formation doit être demandée à l'embauche",
}  # fmt: skip


def evaluate(case, p):
    outcome = Outcome(case)
    check_applicant(outcome, p["applicant_kinds"])
    exclude_unused(outcome, {"positions", "trainings"})
    for index, position in enumerate(case.positions):
        ref = f"positions[{index}]"
        if position.role != "insertion":
            outcome.exclude(ref, "role_not_funded")
        elif position.contract not in p["post_contracts"]:
            outcome.exclude(ref, "contract_not_eligible")
        else:
            outcome.add(
                f"Aide au poste n° {index + 1} : {euros(p['amount_per_etp'])} × {num(position.etp)} ETP",
                p["amount_per_etp"] * position.etp,
                ref=ref,
            )
    for index, training in enumerate(case.trainings):
        ref = f"trainings[{index}]"
        if not training.requested_at_hiring:
            outcome.exclude(ref, "training_not_requested_at_hiring")
        elif training.provider_is_employer:
            outcome.exclude(ref, "training_by_employer")
        else:
            outcome.add(
                f"Formation n° {index + 1} : {pct(p['training_rate'])} de {euros(training.cost)}, "
                f"plafond {euros(p['training_cap'])}",
                min(training.cost * p["training_rate"], p["training_cap"]),
                ref=ref,
            )
    return outcome.finish()
