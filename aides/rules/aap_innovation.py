"""Midi-Pyrénées, call for innovative IAE projects (aid-rules.md § 10).

SIAE, CREPI, or a network when the experiment is run by several structures in several
départements. The source funds "50 % des dépenses de fonctionnement (hors aides au poste déjà
prises en charge)": the post aids already funded leave the base first, then the rate applies,
then the 25,000 € cap: min(50 % × max(expenses − post aids, 0), 25,000). The selection
criteria are scored by the jury, not computed.
"""

from .case import SIAE
from .common import check_applicant, exclude_unused
from .params import AMOUNT, KIND_LIST, RATE, Param
from .result import ZERO, Outcome, euros, pct

KIND = "aap_innovation"
LABEL = "Taux des dépenses de fonctionnement hors aides au poste, plafonné"
PARAMETERS = (
    Param("applicant_kinds", KIND_LIST, (*sorted(SIAE), "CREPI", "RESEAU"), "Structures éligibles"),
    Param("network_kinds", KIND_LIST, ("RESEAU",), "Réseaux : seulement pour une expérimentation multi-structures et multi-départements"),
    Param("rate", RATE, "0.50", "Taux des dépenses de fonctionnement"),
    Param("cap", AMOUNT, "25000", "Plafond (€)"),
)  # fmt: skip
FORM = {"operating": True, "flags": ("multi_structure_multi_department",)}
# Its own codes in French (why an application is refused); the shared ones are in common.py.
REASONS = {
    "network_needs_several_structures": "Un réseau n'est éligible que pour une expérimentation menée par plusieurs structures dans plusieurs départements.",
}  # fmt: skip


def evaluate(case, p):
    outcome = Outcome(case)
    check_applicant(outcome, p["applicant_kinds"])
    if case.kind in p["network_kinds"] and not case.flags.multi_structure_multi_department:
        outcome.refuse("network_needs_several_structures")
    exclude_unused(outcome, set())
    base = max(case.operating_expenses - case.aides_au_poste_already_funded, ZERO)
    outcome.add(
        f"Projet : {pct(p['rate'])} de {euros(case.operating_expenses)} de dépenses de "
        f"fonctionnement hors {euros(case.aides_au_poste_already_funded)} d'aides au poste "
        f"déjà prises en charge, plafond {euros(p['cap'])}",
        min(base * p["rate"], p["cap"]),
        ref="operating_expenses",
    )
    return outcome.finish()
