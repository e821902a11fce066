"""Insertion hours of a lot, from ../shared/domain/clauses.md ("Computing the hours of a lot").

Pure: plain numbers in, plain values out; no database.
"""

import calendar
import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction


def hours_from_amount(amount, labour_share, insertion_rate, hourly_cost):
    """``amount × labour_share × insertion_rate / hourly_cost``, rounded to the hour (half up).

    ``amount`` is the lot's amount excl. VAT, ``labour_share`` and ``insertion_rate`` are
    fractions (0.4 for 40 %), ``hourly_cost`` the average hourly labour cost. Decimals (or
    values whose ``str`` is exact) keep the rounding exact: no float is involved.
    """
    amount, labour_share, insertion_rate, hourly_cost = (
        Decimal(str(value)) for value in (amount, labour_share, insertion_rate, hourly_cost)
    )
    if hourly_cost <= 0:
        raise ValueError("Le coût horaire moyen doit être strictement positif.")
    if min(amount, labour_share, insertion_rate) < 0:
        raise ValueError("Le montant, la part de main-d'œuvre et le taux doivent être positifs.")
    hours = amount * labour_share * insertion_rate / hourly_cost
    return int(hours.quantize(Decimal(1), rounding=ROUND_HALF_UP))


# -- Execution follow-up ("alerts when a lot falls behind", clauses.md, step 5): where a lot
# stands on its calendar, for display; whether it is late is ``clauses.gaps``'s rule.

EXECUTION_MONTHS = 12


@dataclass(frozen=True)
class Progress:
    """Where a lot stands: shares are ``Fraction``s in [0, 1], ``lag_points`` may be < 0."""

    required: int
    realised: Decimal
    elapsed_share: Fraction
    realised_share: Fraction

    @property
    def lag_points(self):
        return (self.elapsed_share - self.realised_share) * 100

    @property
    def realised_percent(self):
        return round(float(self.realised_share) * 100)

    @property
    def elapsed_percent(self):
        return round(float(self.elapsed_share) * 100)


def execution_period(notification_date):
    """``(start, end)``: the execution period of a lot.

    The model records no execution dates (the import format of clauses.md has only the
    contract's notification date), so the period starts on the notification date and lasts
    ``EXECUTION_MONTHS`` (12) months: ``end`` is the same day a year later (28 February
    when the start is a 29 February)."""
    start = notification_date
    year, month = divmod(start.month - 1 + EXECUTION_MONTHS, 12)
    year, month = start.year + year, month + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return start, datetime.date(year, month, day)


def lot_progress(*, notification_date, hours_required, hours_realised, today):
    """The elapsed share of the execution period on ``today`` against the realised share of
    the required hours (both capped at 1); exact fractions so the 20-point boundary holds."""
    start, end = execution_period(notification_date)
    elapsed_days = min(max((today - start).days, 0), (end - start).days)
    elapsed = Fraction(elapsed_days, (end - start).days)
    realised = Decimal(hours_realised or 0)
    share = min(Fraction(realised) / hours_required, Fraction(1)) if hours_required else Fraction(0)
    return Progress(hours_required, realised, elapsed, share)
