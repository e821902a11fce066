"""Reporting gaps of a lot (issue 19, part 1): the months that should have hours and have
none (« mois manquants »), and the lots behind the expected pace (« en retard »).

Pure: a lot is read through ``has_clause``, ``hours_required`` and ``execution_period()``
(``rules.execution_period``: the notification date and 12 months, the model recording no
execution dates); months are the first day of the month; no database.

The rules, in months because hours are reported per month:

- **Expected months** of a lot: the months of its execution period, from its start month
  when it starts on the 1st, else from the following month (a contract notified on the 20th
  starts work later; hours of that month may be reported and count, they are not required),
  to the month holding its last day (the period's end is exclusive: a lot notified on
  1 January 2025 expects January to December 2025; one notified on 15 March 2025 expects
  April 2025 to March 2026: always 12 months).
- **Due months** on ``today``: the expected months up to the *horizon*, the current month less
  ``grace + 1`` months. With ``grace`` = 1 (``IAE_CLAUSES_GRACE_MONTHS``), the month just
  ended may still be reported during the following month: on 10 May, April is not due yet,
  March is. The current month is never due.
- **Missing months**: due months with no reported hours.
- **Expected hours**: the required hours prorated linearly over the expected months, counted
  at the horizon (``required × due months / expected months``): a month still in its grace
  period neither is missing nor makes a lot late.
- **Late**: realised hours (every report of the lot, due month or not) below the expected
  hours less the tolerance (``IAE_CLAUSES_LATE_TOLERANCE``, 0.2: up to 20 % behind the pace
  is not late; exactly 20 % behind is not late either).
- **Followed**: a lot with a clause is followed from its start until its last expected month
  is due; after that its gaps are the yearly bilan's business, no longer a home page's.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

DEFAULT_GRACE_MONTHS = 1
DEFAULT_LATE_TOLERANCE = Decimal("0.2")


def first_of_month(day):
    return day.replace(day=1)


def add_months(month, count):
    """The first day of the month ``count`` months after (or before) ``month``'s."""
    year, index = divmod(month.year * 12 + month.month - 1 + count, 12)
    return datetime.date(year, index + 1, 1)


def months_between(first, last):
    """The months from ``first`` to ``last`` included (first days), none if ``last < first``."""
    months = []
    month = first
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def horizon(today, grace):
    """The last month due on ``today``: the current month less ``grace + 1`` months."""
    if grace < 0:
        raise ValueError("Le délai de grâce est un nombre de mois positif ou nul.")
    return add_months(first_of_month(today), -(grace + 1))


def all_expected_months(lot):
    """Every month of ``lot``'s execution that should have hours (see the module's rules);
    none for a lot without a clause."""
    if not lot.has_clause:
        return []
    start, end = lot.execution_period()
    first = start if start.day == 1 else add_months(first_of_month(start), 1)
    last = first_of_month(end - datetime.timedelta(days=1))
    return months_between(first, last)


def expected_months(lot, today, grace=DEFAULT_GRACE_MONTHS):
    """The expected months of ``lot`` due on ``today`` (up to ``horizon(today, grace)``)."""
    last = horizon(today, grace)
    return [month for month in all_expected_months(lot) if month <= last]


def missing_months(lot, reported_months, today, grace=DEFAULT_GRACE_MONTHS):
    """The due months of ``lot`` absent from ``reported_months`` (months with hours)."""
    reported = {first_of_month(month) for month in reported_months}
    return [month for month in expected_months(lot, today, grace) if month not in reported]


def expected_hours(lot, today, grace=DEFAULT_GRACE_MONTHS):
    """The hours ``lot`` should have realised by the horizon, as an exact ``Fraction``:
    its required hours prorated over its expected months."""
    months = all_expected_months(lot)
    if not months or not lot.hours_required:
        return Fraction(0)
    due = len(expected_months(lot, today, grace))
    return Fraction(lot.hours_required) * due / len(months)


def _fraction(value):
    return Fraction(str(value)) if isinstance(value, float) else Fraction(value or 0)


def is_late(realised, expected, tolerance=DEFAULT_LATE_TOLERANCE):
    """Whether ``realised`` hours are more than ``tolerance`` (a fraction: 0.2 for 20 %)
    behind ``expected``: ``realised < expected × (1 − tolerance)``. Nothing expected is
    never late."""
    expected, tolerance = _fraction(expected), _fraction(tolerance)
    if not 0 <= tolerance <= 1:
        raise ValueError("La tolérance est une fraction entre 0 et 1.")
    return expected > 0 and _fraction(realised) < expected * (1 - tolerance)


def is_followed(lot, today, grace=DEFAULT_GRACE_MONTHS):
    """Whether ``lot`` is followed on ``today``: it has a clause, has started, and its last
    expected month is not past the horizon."""
    months = all_expected_months(lot)
    if not months:
        return False
    start, _ = lot.execution_period()
    return start <= today and months[-1] >= horizon(today, grace)


@dataclass(frozen=True)
class LotGaps:
    """Where a followed lot stands on a day: its missing months, its pace."""

    lot: object
    missing: list = field(default_factory=list)
    realised: Decimal = Decimal(0)
    expected: Fraction = Fraction(0)
    late: bool = False
    horizon: datetime.date | None = None
    reported_months: frozenset = frozenset()

    @property
    def flagged(self):
        """Something to do: a missing month or a late lot."""
        return bool(self.missing) or self.late

    @property
    def expected_rounded(self):
        """The expected hours rounded to the hour, for display."""
        return int(self.expected + Fraction(1, 2))


def lot_gaps(lot, reported, today, *, grace=DEFAULT_GRACE_MONTHS, tolerance=DEFAULT_LATE_TOLERANCE):
    """``LotGaps`` of ``lot`` given ``reported`` (``{month: hours}`` of its reports), or
    ``None`` when the lot is not followed on ``today``."""
    if not is_followed(lot, today, grace):
        return None
    realised = sum((Decimal(hours) for hours in reported.values()), Decimal(0))
    expected = expected_hours(lot, today, grace)
    months = frozenset(month for month, hours in reported.items() if hours)
    return LotGaps(
        lot=lot,
        missing=missing_months(lot, months, today, grace),
        realised=realised,
        expected=expected,
        late=is_late(realised, expected, tolerance),
        horizon=horizon(today, grace),
        reported_months=months,
    )
