"""The figures of a facilitator's partnership agreement for its quarterly reviews (issue 19,
part 5; clauses.md step 5: « quarterly follow-up »): its objective of insertion hours
prorated to the end of a quarter against the hours realised.

Pure: dates, an objective and ``{month: hours}`` in, plain values out; no database (the
hours are loaded by ``clauses.agreement_hours``, one aggregate by month).

The rules, in months because hours are reported per month (``HoursReport.period``):

- **Months of an agreement**: from the month of its start to the month of its end, both
  included. A month the agreement covers only in part counts whole, at its start as at its
  end: an agreement from 15 March 2025 to 14 March 2026 has 13 months.
- **Quarters of an agreement**: the calendar quarters holding at least one of its months,
  from the quarter of its start to the quarter of its end.
- **Hours counted** (selected by the loader): the hours reported on the lots that the
  agreement's facilitator follows, of contracts of one of its buyers, for a month of the
  agreement. Hours of another facilitator's lots, of another buyer's contracts, or of a
  month outside the agreement do not count.
- **Objective to date** at the end of a quarter: the objective prorated by the agreement's
  months elapsed then, ``objective × months elapsed / months``, computed exactly and rounded
  half-up to the hour (a half hour counts for an hour). At the end of its last quarter it is
  the whole objective.
- **Objective of a quarter**: the objective to date at its end less the objective to date at
  the end of the quarter before (0 before the first): the quarters' objectives add up to the
  whole objective exactly.
- **Realised**: of the quarter (its months of the agreement), and cumulative from the
  agreement's start to the end of the quarter; the **gap** is the cumulative realised less
  the objective to date (negative: behind).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .gaps import add_months, first_of_month


def quarter_of(day):
    """``(year, quarter)`` holding ``day``."""
    return day.year, (day.month - 1) // 3 + 1


def quarter_months(year, quarter):
    """The three months (first days) of a quarter."""
    first = datetime.date(year, 3 * (quarter - 1) + 1, 1)
    return [add_months(first, n) for n in range(3)]


def quarter_start(year, quarter):
    return quarter_months(year, quarter)[0]


def quarter_end(year, quarter):
    """The last day of a quarter."""
    return add_months(quarter_start(year, quarter), 3) - datetime.timedelta(days=1)


def agreement_months(start, end):
    """The months of an agreement from ``start`` to ``end`` (first days), both included."""
    months, month, last = [], first_of_month(start), first_of_month(end)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def agreement_quarters(start, end):
    """``[(year, quarter)]`` of an agreement, in order."""
    quarters = []
    for month in agreement_months(start, end):
        key = quarter_of(month)
        if not quarters or quarters[-1] != key:
            quarters.append(key)
    return quarters


def round_half_up(value):
    """``value`` (a non-negative ``Fraction``) rounded to the unit, a half going up."""
    return int(Fraction(value) + Fraction(1, 2))


def objective_to_date(objective, months, up_to):
    """The objective prorated by the ``months`` (of the agreement) up to the month ``up_to``
    included, rounded half-up to the hour."""
    if not months:
        return 0
    elapsed = sum(1 for month in months if month <= up_to)
    return round_half_up(Fraction(objective) * elapsed / len(months))


@dataclass(frozen=True)
class QuarterFigures:
    """Where an agreement stands at the end of one of its quarters."""

    year: int
    quarter: int
    objective: int  # the whole agreement's
    objective_to_date: int
    objective_quarter: int
    realised_quarter: Decimal
    realised_to_date: Decimal
    months: tuple  # the quarter's months inside the agreement

    @property
    def key(self):
        return self.year, self.quarter

    @property
    def start(self):
        return quarter_start(self.year, self.quarter)

    @property
    def end(self):
        return quarter_end(self.year, self.quarter)

    @property
    def gap(self):
        """Cumulative realised less the objective to date (negative: behind)."""
        return self.realised_to_date - self.objective_to_date

    @property
    def percent(self):
        """Cumulative realised as a whole percentage of the objective to date (``None``
        when nothing is expected yet), rounded half-up."""
        if not self.objective_to_date:
            return None
        return round_half_up(Fraction(self.realised_to_date) * 100 / self.objective_to_date)

    def has_ended(self, today):
        return self.end < today

    def has_started(self, today):
        return self.start <= today


def _monthly(monthly, months):
    """``{month: Decimal hours}`` of ``monthly`` restricted to ``months``."""
    inside = set(months)
    return {
        first_of_month(month): Decimal(hours or 0)
        for month, hours in monthly.items()
        if first_of_month(month) in inside
    }


def quarters_figures(*, start, end, objective, monthly):
    """``QuarterFigures`` of every quarter of the agreement from ``start`` to ``end`` with
    ``objective`` hours, given ``monthly`` (``{month: hours}``; months outside the agreement
    are ignored)."""
    months = agreement_months(start, end)
    inside = set(months)
    hours = _monthly(monthly, months)
    figures, cumulative, before = [], Decimal(0), 0
    for year, quarter in agreement_quarters(start, end):
        own = tuple(m for m in quarter_months(year, quarter) if m in inside)
        realised = sum((hours.get(m, Decimal(0)) for m in own), Decimal(0))
        cumulative += realised
        to_date = objective_to_date(objective, months, quarter_months(year, quarter)[-1])
        figures.append(
            QuarterFigures(
                year=year,
                quarter=quarter,
                objective=objective,
                objective_to_date=to_date,
                objective_quarter=to_date - before,
                realised_quarter=realised,
                realised_to_date=cumulative,
                months=own,
            )
        )
        before = to_date
    return figures


def quarter_figures(*, start, end, objective, monthly, year, quarter):
    """``QuarterFigures`` of one quarter of the agreement, or ``None`` when it is not one
    of its quarters."""
    for figures in quarters_figures(start=start, end=end, objective=objective, monthly=monthly):
        if figures.key == (year, quarter):
            return figures
    return None
