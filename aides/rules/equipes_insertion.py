"""Champagne-Ardenne, insertion teams (aid-rules.md § 8).

SIAE, associations, EPCI and schools; a full-time team leader (the first ``chef_equipe``
post, etp = 1; any other post is not funded) and a team of at least 4 ETP, or 8 half-time
employees, or 6 contrats aidés. Leader: 80, 65, 50, 30 % of the annual cost in years 1 to 4
(at most 4 years), capped each year; start-up: 600 € per team member, the leader included,
year 1; equipment: 20 % (50 % for an ACI) of the investment expenses, these being capped at
45,000 € (retained reading: the cap is on the expenses), year 1.
"""

from decimal import Decimal

from .case import SIAE
from .common import check_applicant, exclude_unused
from .params import (
    AMOUNT,
    COUNT,
    KIND_LIST,
    NUMBER,
    RATE,
    RATES,
    YEARS,
    Param,
    require_rates_for_years,
)
from .result import Outcome, euros, pct

KIND = "equipes_insertion"
LABEL = "Chef d'équipe dégressif, forfait de démarrage par membre, investissement plafonné"
PARAMETERS = (
    Param("applicant_kinds", KIND_LIST, (*sorted(SIAE), "ASSOCIATION", "EPCI", "ETABLISSEMENT_ENSEIGNEMENT"), "Structures éligibles"),
    Param("max_years", YEARS, 4, "Durée maximale (ans)"),
    Param("leader_rates", RATES, ("0.80", "0.65", "0.50", "0.30"), "Chef d'équipe : taux maximal par année"),
    Param("leader_annual_cap", AMOUNT, "30000", "Chef d'équipe : plafond annuel (€)"),
    Param("min_team_etp", NUMBER, "4", "Équipe : ETP minimum"),
    Param("min_half_time_count", COUNT, 8, "Équipe : ou nombre de mi-temps minimum"),
    Param("min_contrats_aides_count", COUNT, 6, "Équipe : ou nombre de contrats aidés minimum"),
    Param("startup_per_member", AMOUNT, "600", "Démarrage : forfait par membre, chef inclus (€)"),
    Param("investment_rate", RATE, "0.20", "Investissement : taux"),
    Param("investment_rate_higher", RATE, "0.50", "Investissement : taux majoré"),
    Param("investment_higher_kinds", KIND_LIST, ("ACI",), "Investissement : structures au taux majoré"),
    Param("investment_expense_cap", AMOUNT, "45000", "Investissement : plafond des dépenses (€)"),
)  # fmt: skip
FORM = {
    "years": True,
    "positions": ("role", "etp", "annual_cost", "contract"),
    "expenses": ("category", "amount"),
    "team": ("members_count", "members_etp", "half_time_count", "contrats_aides_count"),
}
ACCEPTS = {
    "role": {"chef_equipe": "Chef d'équipe"},
    "category": {"investissement": "Investissement en équipement"},
}
# Its own codes in French (why an application is refused); the shared ones are in common.py.
REASONS = {
    "no_full_time_leader": "Il faut un chef d'équipe à temps plein (le premier poste de chef d'équipe indiqué, à 1 ETP).",
    "team_too_small": "L'équipe est trop petite : il faut au moins 4 ETP, ou 8 salariés à mi-temps, ou 6 contrats aidés.",
}  # fmt: skip
EXCLUSIONS = {
    "post_not_funded": "seul le premier poste de chef d'équipe est financé",
}  # fmt: skip


def check_parameters(values):
    require_rates_for_years(values, "leader_rates")


def _leader(outcome, case):
    """The first ``chef_equipe`` post is the leader; every other post is not funded."""
    leader = None
    for index, position in enumerate(case.positions):
        if position.role == "chef_equipe" and leader is None:
            leader = (index, position)
        else:
            outcome.exclude(f"positions[{index}]", "post_not_funded")
    if leader is None or leader[1].etp != 1:
        outcome.refuse("no_full_time_leader")
    return leader


def evaluate(case, p):
    outcome = Outcome(case)
    check_applicant(outcome, p["applicant_kinds"])
    team = case.team
    if not (
        team.members_etp >= p["min_team_etp"]
        or team.half_time_count >= p["min_half_time_count"]
        or team.contrats_aides_count >= p["min_contrats_aides_count"]
    ):
        outcome.refuse("team_too_small")
    exclude_unused(outcome, {"positions", "expenses"})
    leader = _leader(outcome, case)
    if leader is not None:
        index, position = leader
        rates = p["leader_rates"]
        for year in range(1, min(case.years, p["max_years"]) + 1):
            rate = rates[year - 1]
            outcome.add(
                f"Chef d'équipe, année {year} : {pct(rate)} de {euros(position.annual_cost)}, "
                f"plafond {euros(p['leader_annual_cap'])}",
                min(position.annual_cost * rate, p["leader_annual_cap"]),
                year=year,
                ref=f"positions[{index}]",
            )
    members = team.members_count + 1
    outcome.add(
        f"Démarrage : {euros(p['startup_per_member'])} × {members} membres (chef inclus)",
        p["startup_per_member"] * members,
        ref="team",
    )
    spent = Decimal(0)
    for index, expense in enumerate(case.expenses):
        if expense.category == "investissement":
            spent += expense.amount
        else:
            outcome.exclude(f"expenses[{index}]", "expense_not_funded")
    if spent:
        base = min(spent, p["investment_expense_cap"])
        higher = case.kind in p["investment_higher_kinds"]
        rate = p["investment_rate_higher"] if higher else p["investment_rate"]
        outcome.add(
            f"Investissement : {pct(rate)} de {euros(base)} (dépenses plafonnées à "
            f"{euros(p['investment_expense_cap'])})",
            base * rate,
            ref="expenses",
        )
    return outcome.finish()
