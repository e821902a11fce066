"""Small pieces every rule module uses."""

from .case import SIAE

SIAE_KINDS = tuple(sorted(SIAE))
SECTIONS = ("positions", "expenses", "trainings")


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
