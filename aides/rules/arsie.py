"""Île-de-France, ARSIE (aid-rules.md § 7).

SIAE, or a project holder for feasibility studies only. Per modality, its expense lines
summed, at the modality's rate, then capped; the GEIQ start-up modality is for GEIQ only.
The bonuses for priority territories and eco-responsible projects have no figure in the
source: parameters at 0, applied by the instructor on the dossier, not by the simulator.
"""

from .case import SIAE
from .common import check_applicant, exclude_unused
from .params import AMOUNT, KIND_LIST, RATE, Param
from .result import Outcome, euros, pct

KIND = "arsie"
LABEL = "Taux et plafond par modalité de dépense"
MODALITIES = {
    "etude_faisabilite_interne": ("Étude de faisabilité interne", "0.80", "7500"),
    "etude_faisabilite_externe": ("Étude de faisabilité externe ou mixte", "0.80", "15000"),
    "investissement": ("Investissement", "0.70", "30000"),
    "etude_repositionnement": ("Étude de repositionnement stratégique", "0.80", "15000"),
    "demarrage_geiq": ("Démarrage d'un GEIQ", "1", "15000"),
}
PARAMETERS = (
    Param("applicant_kinds", KIND_LIST, (*sorted(SIAE), "PORTEUR_PROJET"), "Structures éligibles"),
    Param("feasibility_only_kinds", KIND_LIST, ("PORTEUR_PROJET",), "Structures limitées aux études de faisabilité"),
    Param("demarrage_geiq_kinds", KIND_LIST, ("GEIQ",), "Démarrage : structures éligibles"),
    *(
        param
        for code, (label, rate, cap) in MODALITIES.items()
        for param in (
            Param(f"{code}_rate", RATE, rate, f"{label} : taux"),
            Param(f"{code}_cap", AMOUNT, cap, f"{label} : plafond (€)"),
        )
    ),
    Param("bonus_priority_territory", AMOUNT, "0", "Bonification territoire prioritaire (€, appliquée par l'instructeur)"),
    Param("bonus_eco_responsible", AMOUNT, "0", "Bonification projet éco-responsable (€, appliquée par l'instructeur)"),
)  # fmt: skip
FORM = {"expenses": ("category", "amount")}
ACCEPTS = {"category": {code: label for code, (label, _, _) in MODALITIES.items()}}
FEASIBILITY = ("etude_faisabilite_interne", "etude_faisabilite_externe")
# Its own codes in French (why a line is left out); the shared ones are in common.py.
EXCLUSIONS = {
    "project_holder_feasibility_only": "un porteur de projet ne peut demander que des études de faisabilité",
    "geiq_only": "le démarrage est réservé aux GEIQ",
}  # fmt: skip


def _refusal(case, expense, p):
    if expense.category not in MODALITIES:
        return "expense_not_funded"
    if case.kind in p["feasibility_only_kinds"] and expense.category not in FEASIBILITY:
        return "project_holder_feasibility_only"
    if expense.category == "demarrage_geiq" and case.kind not in p["demarrage_geiq_kinds"]:
        return "geiq_only"
    return None


def evaluate(case, p):
    outcome = Outcome(case)
    check_applicant(outcome, p["applicant_kinds"])
    exclude_unused(outcome, {"expenses"})
    totals = {}  # modality → summed expenses, in the order modalities first appear
    for index, expense in enumerate(case.expenses):
        refusal = _refusal(case, expense, p)
        if refusal:
            outcome.exclude(f"expenses[{index}]", refusal)
        else:
            totals[expense.category] = totals.get(expense.category, 0) + expense.amount
    for code, spent in totals.items():
        rate, cap = p[f"{code}_rate"], p[f"{code}_cap"]
        outcome.add(
            f"{MODALITIES[code][0]} : {pct(rate)} de {euros(spent)}, plafond {euros(cap)}",
            min(spent * rate, cap),
            ref="expenses",
        )
    return outcome.finish()
