"""Insertion hours of a lot, from ../shared/domain/clauses.md ("Computing the hours of a lot").

Pure: plain numbers in, an integer out; no database.
"""

from decimal import ROUND_HALF_UP, Decimal


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
