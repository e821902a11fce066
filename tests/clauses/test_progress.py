import datetime
from decimal import Decimal

import pytest

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


def test_exactly_twenty_points_behind_is_not_an_alert():
    # 146 / 365 = 40 % elapsed; 20 % realised: 20 points exactly.
    result = progress(Decimal(20), 146)
    assert result.lag_points == 20
    assert not result.is_behind


def test_just_over_twenty_points_behind_is_an_alert():
    assert progress(Decimal("19.99"), 146).is_behind
    assert progress(Decimal(20), 147).is_behind


def test_shares_are_capped_and_no_alert_without_required_hours():
    assert progress(500, 400).realised_share == 1
    assert progress(0, 400).elapsed_share == 1
    assert not progress(0, 300, required=0).is_behind
    assert progress(0, -10).elapsed_share == 0


@pytest.mark.parametrize("days,behind", [(73, False), (74, True)])
def test_nothing_realised_alerts_after_twenty_percent_of_the_period(days, behind):
    # 73 / 365 = 20 % exactly.
    assert progress(0, days).is_behind is behind
