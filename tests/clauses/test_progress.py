import datetime
from decimal import Decimal

from clauses.rules import execution_period, lot_progress

START = datetime.date(2025, 1, 1)  # a 365-day execution period


def progress(realised, days, required=100):
    return lot_progress(
        notification_date=START,
        hours_required=required,
        hours_realised=realised,
        today=START + datetime.timedelta(days=days),
    )


def test_execution_period_is_twelve_months_from_notification():
    assert execution_period(START) == (START, datetime.date(2026, 1, 1))
    assert execution_period(datetime.date(2024, 2, 29))[1] == datetime.date(2025, 2, 28)


def test_shares_are_capped():
    assert progress(500, 400).realised_share == 1
    assert progress(0, 400).elapsed_share == 1
    assert progress(0, 300, required=0).realised_share == 0
    assert progress(0, -10).elapsed_share == 0


def test_lag_points_are_elapsed_less_realised_shares():
    # 146 / 365 = 40 % elapsed; 20 % realised. Whether a lot is late: clauses.gaps.
    assert progress(Decimal(20), 146).lag_points == 20
