"""What the yearly report takes from the structure's yearly figures (``structures.YearlyFigures``
of the same year), so nothing is typed twice: these indicators are shown read-only on the
report, « repris des chiffres annuels », and changed on the yearly figures' page.

Only the figures both define alike are taken (docs/utilite-sociale.md, « Pre-filled from the
yearly figures »); the yearly figures' exits (CDD, intérim, without the 6-month line) and
shares (percentages, not counts) are not the report's and stay typed in it.
"""

from decimal import ROUND_HALF_UP, Decimal

from structures.models import YearlyFigures

# Indicator code → the field of ``YearlyFigures``, in the registry's order.
FROM_YEARLY_FIGURES = {
    "hours_worked": "hours_worked",
    "turnover": "turnover",
    "total_resources": "total_resources",
    "public_funding": "public_subsidies",
    "insertion_employees": "insertion_headcount",
}


def yearly_figures(structure, year):
    """The structure's yearly figures of ``year``, or ``None``."""
    return YearlyFigures.objects.filter(structure=structure, year=year).first()


def taken_values(figures):
    """``{indicator: int}`` taken from ``figures`` (a ``YearlyFigures`` or ``None``: ``{}``);
    euros are rounded half-up to the euro (the report's figures are whole)."""
    if figures is None:
        return {}
    return {
        code: int(Decimal(getattr(figures, name)).quantize(Decimal(1), ROUND_HALF_UP))
        for code, name in FROM_YEARLY_FIGURES.items()
    }
