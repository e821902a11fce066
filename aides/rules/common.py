"""Small pieces every rule module uses."""

from .case import SIAE

SIAE_KINDS = tuple(sorted(SIAE))
SECTIONS = ("positions", "expenses", "trainings")

# The codes every rule kind may give (here and in ``result``), in French; a rule module
# declares its own codes' texts beside its rule (``REASONS``, ``EXCLUSIONS``).
REASONS = {
    "applicant_kind": "Ce type de structure ne peut pas bénéficier de ce dispositif.",
    "nothing_to_fund": "Aucun poste ni aucune dépense finançable n'est indiqué : il n'y a rien à financer.",
    "no_eligible_hire": "Aucune embauche ne remplit les conditions du dispositif.",
}  # fmt: skip
EXCLUSIONS = {
    "not_funded_by_scheme": "ce dispositif ne finance pas ce type de ligne",
    "role_not_funded": "ce type de poste n'est pas financé par le dispositif",
    "expense_not_funded": "cette catégorie de dépense n'est pas financée par le dispositif",
    "contract_not_eligible": "ce type de contrat n'est pas éligible",
    "training_by_employer": "la formation ne doit pas être dispensée par l'employeur",
}  # fmt: skip


def check_applicant(outcome, kinds):
    if outcome.case.kind not in kinds:
        outcome.refuse("applicant_kind")


def exclude_unused(outcome, used):
    """Lines of a section the scheme does not fund are excluded lines, not errors."""
    for section in SECTIONS:
        if section not in used:
            for index, _ in enumerate(getattr(outcome.case, section)):
                outcome.exclude(f"{section}[{index}]", "not_funded_by_scheme")


def expenses_of(case, categories):
    return [(i, e) for i, e in enumerate(case.expenses) if e.category in categories]
