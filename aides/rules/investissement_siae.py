"""Franche-Comté, investment in SIAE (aid-rules.md § 9).

Any SIAE with public and private co-financing. Equipment (``materiel``) for all, real
estate (``immobilier``) for ACI only, any other category excluded; 40 % of eligible
expenses, 80 % for waste-sorting ones; the whole capped at 200,000 €: lines are kept in the
order given until the cap, the line crossing it keeping what still fits.
"""

from .case import SIAE
from .common import check_applicant, exclude_unused
from .params import AMOUNT, KIND_LIST, RATE, Param
from .result import Outcome, cents, euros, fill_up_to, pct

KIND = "investissement_siae"
LABEL = "Taux sur les dépenses d'investissement, majoré pour le tri des déchets, plafond global"
PARAMETERS = (
    Param("applicant_kinds", KIND_LIST, tuple(sorted(SIAE)), "Structures éligibles"),
    Param("real_estate_kinds", KIND_LIST, ("ACI",), "Immobilier : structures éligibles"),
    Param("rate", RATE, "0.40", "Taux"),
    Param("waste_sorting_rate", RATE, "0.80", "Taux pour le tri des déchets"),
    Param("cap", AMOUNT, "200000", "Plafond de l'aide (€)"),
)
FORM = {"expenses": ("category", "amount", "waste_sorting"), "flags": ("cofinancing",)}
LABELS = {"materiel": "Matériel et aménagements", "immobilier": "Immobilier"}
ACCEPTS = {"category": LABELS}
# Its own codes in French (why an application is refused); the shared ones are in common.py.
REASONS = {
    "no_cofinancing": "Le projet doit être cofinancé par d'autres financeurs publics et privés.",
}  # fmt: skip
EXCLUSIONS = {
    "real_estate_aci_only": "l'immobilier n'est financé que pour les ACI",
    "cap_reached": "le plafond de l'aide est déjà atteint par les lignes précédentes",
}  # fmt: skip


def evaluate(case, p):
    outcome = Outcome(case)
    check_applicant(outcome, p["applicant_kinds"])
    if not case.flags.cofinancing:
        outcome.refuse("no_cofinancing")
    exclude_unused(outcome, {"expenses"})
    lines = []
    for index, expense in enumerate(case.expenses):
        ref = f"expenses[{index}]"
        if expense.category not in LABELS:
            outcome.exclude(ref, "expense_not_funded")
        elif expense.category == "immobilier" and case.kind not in p["real_estate_kinds"]:
            outcome.exclude(ref, "real_estate_aci_only")
        else:
            rate = p["waste_sorting_rate"] if expense.waste_sorting else p["rate"]
            label = f"{LABELS[expense.category]} n° {index + 1} : {pct(rate)} de {euros(expense.amount)}"
            if expense.waste_sorting:
                label += " (tri des déchets)"
            lines.append((ref, label, cents(expense.amount * rate)))
    kept = fill_up_to([amount for _, _, amount in lines], p["cap"])
    for (ref, label, amount), share in zip(lines, kept, strict=True):
        if share <= 0:
            if amount > 0:  # a line worth nothing is simply not listed
                outcome.exclude(ref, "cap_reached")
        else:
            suffix = (
                f", ramené à {euros(share)} (plafond {euros(p['cap'])})" if share < amount else ""
            )
            outcome.add(label + suffix, share, ref=ref)
    return outcome.finish()
