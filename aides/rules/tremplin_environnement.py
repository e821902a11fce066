"""Poitou-Charentes, Emplois Tremplin Environnement (aid-rules.md § 1).

Any SIAE or an environmental association, posts in the environment sector; at most four
years; supervision (encadrement) and operator (execution) posts at a full or degressive
rate of their annual cost, capped per ETP and per year; 40 % of equipment, capped, year 1.
"""

from .case import SIAE
from .common import check_applicant, exclude_unused, expenses_of
from .params import AMOUNT, KIND_LIST, RATE, RATES, YEARS, Param, require_rates_for_years
from .result import Outcome, euros, pct

KIND = "tremplin_environnement"
LABEL = "Emplois tremplins : taux plein ou dégressif par poste, plafond par ETP"
PARAMETERS = (
    Param("applicant_kinds", KIND_LIST, (*sorted(SIAE), "ASSOCIATION"), "Structures éligibles"),
    Param("max_years", YEARS, 4, "Durée maximale (ans)"),
    Param("encadrement_full_rate", RATE, "0.30", "Encadrement : taux plein"),
    Param("encadrement_degressive_rates", RATES, ("0.25", "0.20", "0.15", "0.10"), "Encadrement : taux dégressifs par année"),
    Param("encadrement_cap_per_etp", AMOUNT, "10000", "Encadrement : plafond annuel par ETP (€)"),
    Param("execution_full_rate", RATE, "0.20", "Exécution : taux plein"),
    Param("execution_degressive_rates", RATES, ("0.20", "0.15", "0.10", "0.05"), "Exécution : taux dégressifs par année"),
    Param("execution_cap_per_etp", AMOUNT, "5000", "Exécution : plafond annuel par ETP (€)"),
    Param("equipment_rate", RATE, "0.40", "Investissement ponctuel : taux"),
    Param("equipment_cap", AMOUNT, "3000", "Investissement ponctuel : plafond par demande (€)"),
)  # fmt: skip
FORM = {
    "years": True,
    "rate_mode": True,
    "positions": ("role", "etp", "annual_cost", "contract"),
    "expenses": ("category", "amount"),
    "flags": ("environment_sector",),
}
ROLE_LABELS = {"encadrement": "Poste d'encadrement", "execution": "Poste d'exécution"}
# What the scheme funds, in its words: the form offers these and nothing else.
ACCEPTS = {"role": ROLE_LABELS, "category": {"equipement": "Équipement (investissement ponctuel)"}}
# Its own codes in French (why an application is refused); the shared ones are in common.py.
REASONS = {
    "not_environment_sector": "Les postes doivent relever du secteur de l'environnement.",
}  # fmt: skip


def check_parameters(values):
    for role in ROLE_LABELS:
        require_rates_for_years(values, f"{role}_degressive_rates")


def _rates(p, role, mode, years):
    """The rate of each year, first year first."""
    if mode == "full":
        return [p[f"{role}_full_rate"]] * years
    return p[f"{role}_degressive_rates"][:years]


def evaluate(case, p):
    outcome = Outcome(case)
    check_applicant(outcome, p["applicant_kinds"])
    if not case.flags.environment_sector:
        outcome.refuse("not_environment_sector")
    exclude_unused(outcome, {"positions", "expenses"})
    years = min(case.years, p["max_years"])
    for index, position in enumerate(case.positions):
        ref = f"positions[{index}]"
        if position.role not in ROLE_LABELS:
            outcome.exclude(ref, "role_not_funded")
            continue
        cost = position.annual_cost
        cap = p[f"{position.role}_cap_per_etp"] * position.etp
        # What the label says of the post is the same every year: written once.
        post = f"{ROLE_LABELS[position.role]} n° {index + 1}, année "
        terms = f" de {euros(cost)}, plafond {euros(cap)}"
        for year, rate in enumerate(_rates(p, position.role, case.rate_mode, years), 1):
            outcome.add(
                f"{post}{year} : {pct(rate)}{terms}", min(cost * rate, cap), year=year, ref=ref
            )
    equipment = expenses_of(case, {"equipement"})
    for index, expense in enumerate(case.expenses):
        if expense.category != "equipement":
            outcome.exclude(f"expenses[{index}]", "expense_not_funded")
    if equipment:
        spent = sum(expense.amount for _, expense in equipment)
        outcome.add(
            f"Investissement ponctuel : {pct(p['equipment_rate'])} de {euros(spent)}, "
            f"plafond {euros(p['equipment_cap'])}",
            min(spent * p["equipment_rate"], p["equipment_cap"]),
            ref="expenses",
        )
    return outcome.finish()
