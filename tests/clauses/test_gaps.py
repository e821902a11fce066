"""Reporting gaps (issue 19, part 1): missing months and lateness at their boundaries, the
homes, the contracts list's filters and the contract page, with constant query counts."""

import datetime
import random
from decimal import Decimal
from fractions import Fraction
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from clauses import demo, reporting
from clauses.gaps import (
    all_expected_months,
    expected_hours,
    expected_months,
    horizon,
    is_followed,
    is_late,
    lot_gaps,
    missing_months,
)
from clauses.models import Lot
from clauses.rules import execution_period
from iae_portal.users.enums import Role
from tests.clauses.factories import (
    FacilitatorMembershipFactory,
    HoursReportFactory,
    LotFactory,
    MarcheFactory,
)

D = datetime.date
pytestmark = pytest.mark.django_db


def lot(start, required=120, clause="condition_execution"):
    """A lot-like object: what the rules read of a lot."""
    return SimpleNamespace(
        has_clause=clause != "none",
        hours_required=required,
        execution_period=lambda: execution_period(start),
    )


# -- Expected and missing months -------------------------------------------------------------


def test_a_lot_starting_on_the_first_expects_its_twelve_calendar_months():
    months = all_expected_months(lot(D(2025, 1, 1)))
    assert months[0] == D(2025, 1, 1) and months[-1] == D(2025, 12, 1)
    assert len(months) == 12


def test_a_lot_starting_mid_month_expects_the_following_twelve_months():
    months = all_expected_months(lot(D(2025, 3, 15)))
    assert months[0] == D(2025, 4, 1) and months[-1] == D(2026, 3, 1)
    assert len(months) == 12
    # Hours of the partial first month count but are not required.
    assert D(2025, 3, 1) not in missing_months(lot(D(2025, 3, 15)), [], D(2025, 12, 10))


def test_a_lot_without_a_clause_never_expects_anything():
    none = lot(D(2025, 1, 1), clause="none")
    assert all_expected_months(none) == []
    assert missing_months(none, [], D(2025, 9, 10)) == []
    assert expected_hours(none, D(2025, 9, 10)) == 0
    assert not is_followed(none, D(2025, 9, 10))
    assert lot_gaps(none, {}, D(2025, 9, 10)) is None


@pytest.mark.parametrize(
    "today,last_due",
    [
        # Grace of one month: on 1 and 31 May, April may still be reported; March is due.
        (D(2025, 5, 1), D(2025, 3, 1)),
        (D(2025, 5, 31), D(2025, 3, 1)),
        # On 1 June April is due (just outside the grace period).
        (D(2025, 6, 1), D(2025, 4, 1)),
    ],
)
def test_grace_period_boundaries(today, last_due):
    assert horizon(today, 1) == last_due
    months = missing_months(lot(D(2025, 1, 1)), [], today, grace=1)
    assert months[-1] == last_due


def test_grace_months_are_a_setting_of_the_rule():
    running = lot(D(2025, 1, 1))
    assert expected_months(running, D(2025, 5, 10), grace=0)[-1] == D(2025, 4, 1)
    assert expected_months(running, D(2025, 5, 10), grace=2)[-1] == D(2025, 2, 1)
    with pytest.raises(ValueError):
        horizon(D(2025, 5, 10), -1)


def test_reported_months_are_not_missing():
    running = lot(D(2025, 1, 1))
    reported = [D(2025, 1, 1), D(2025, 3, 1)]
    assert missing_months(running, reported, D(2025, 5, 10)) == [D(2025, 2, 1)]


def test_a_lot_is_followed_until_its_last_month_is_due():
    ended = lot(D(2025, 1, 1))  # last expected month: December 2025
    assert is_followed(ended, D(2026, 2, 28))  # December due during February
    assert lot_gaps(ended, {}, D(2026, 2, 28)).missing[-1] == D(2025, 12, 1)
    assert not is_followed(ended, D(2026, 3, 1))
    assert lot_gaps(ended, {}, D(2026, 3, 1)) is None
    assert not is_followed(lot(D(2026, 1, 1)), D(2025, 12, 31))  # not started


# -- Expected hours and lateness ------------------------------------------------------------


def test_expected_hours_are_the_required_hours_prorated_over_the_due_months():
    running = lot(D(2025, 1, 1), required=120)
    assert expected_hours(running, D(2025, 1, 20)) == 0
    assert expected_hours(running, D(2025, 7, 10)) == 50  # January to May due
    assert expected_hours(running, D(2026, 6, 1)) == 120
    assert expected_hours(lot(D(2025, 1, 1), required=100), D(2025, 3, 5)) == Fraction(100, 12)


def test_tolerance_exactly_met_is_not_late_one_hour_less_is():
    # 50 h expected, 20 % tolerance: 40 h is the limit.
    assert not is_late(Decimal(40), 50, Decimal("0.2"))
    assert is_late(Decimal(39), 50, Decimal("0.2"))
    assert is_late(Decimal("39.99"), 50, 0.2)
    assert not is_late(0, 0, Decimal("0.2"))  # nothing expected yet
    assert not is_late(Decimal(49), 50, 1) and is_late(Decimal(49), 50, 0)
    with pytest.raises(ValueError):
        is_late(1, 2, Decimal("1.5"))


def test_a_month_in_its_grace_period_makes_no_lot_late():
    # Started on 1 May: on 20 June, May may still be reported; nothing is expected yet.
    gaps = lot_gaps(lot(D(2025, 5, 1)), {}, D(2025, 6, 20))
    assert gaps.expected == 0 and not gaps.late and not gaps.flagged


def test_lot_gaps_combines_missing_months_and_pace():
    reported = {D(2025, 1, 1): Decimal(30), D(2025, 2, 1): Decimal(10)}
    gaps = lot_gaps(lot(D(2025, 1, 1)), reported, D(2025, 7, 10))
    assert gaps.missing == [D(2025, 3, 1), D(2025, 4, 1), D(2025, 5, 1)]
    assert (gaps.realised, gaps.expected, gaps.late) == (Decimal(40), 50, False)
    assert gaps.horizon == D(2025, 5, 1) and gaps.flagged
    gaps = lot_gaps(lot(D(2025, 1, 1)), {D(2025, 1, 1): Decimal(39)}, D(2025, 7, 10))
    assert gaps.late


# -- Over the database ------------------------------------------------------------------------


def back(count):
    """The first day of the month ``count`` months before the current one."""
    month = timezone.localdate().replace(day=1)
    for _ in range(count):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return month


@pytest.fixture
def world():
    """A facilitator's lots started six months ago on the 1st (five months due today: the
    month just ended is in its grace period): one complete, one missing its first month, one
    late, one without a clause; another facilitator's lot with nothing reported."""
    membership = FacilitatorMembershipFactory(
        user__email="fac@example.org", user__role=Role.FACILITATEUR
    )
    plie = membership.facilitator
    marche = MarcheFactory(ref="M-SUIVI", notification_date=back(6))
    due = [back(n) for n in range(6, 1, -1)]
    lots = {
        "ok": LotFactory(marche=marche, ref="L-OK", facilitator=plie, hours_required=120),
        "missing": LotFactory(marche=marche, ref="L-TROU", facilitator=plie, hours_required=12),
        "late": LotFactory(marche=marche, ref="L-LENT", facilitator=plie, hours_required=1200),
        "none": LotFactory(
            marche=marche, ref="L-SANS", facilitator=plie, clause="none", hours_required=0
        ),
        "other": LotFactory(marche=MarcheFactory(ref="M-AUTRE", notification_date=back(6))),
    }
    for month in due:
        HoursReportFactory(lot=lots["ok"], period=month, hours=10)
        HoursReportFactory(lot=lots["late"], period=month, hours=10)
    for month in due[1:]:
        HoursReportFactory(lot=lots["missing"], period=month, hours=10)
    return SimpleNamespace(user=membership.user, plie=plie, lots=lots, due=due)


def test_gaps_of_the_lots_in_two_queries(world, django_assert_num_queries):
    with django_assert_num_queries(2):
        gaps = reporting.gaps_of(Lot.objects.all(), timezone.localdate())
    by_ref = {g.lot.ref: g for g in gaps.values()}
    assert sorted(by_ref) == ["L-LENT", "L-TROU", world.lots["other"].ref]
    assert by_ref["L-TROU"].missing == [world.due[0]] and not by_ref["L-TROU"].late
    assert by_ref["L-LENT"].late and not by_ref["L-LENT"].missing
    assert by_ref["L-LENT"].expected == 500 and by_ref["L-LENT"].realised == 50
    everything = reporting.gaps_of(Lot.objects.all(), timezone.localdate(), flagged_only=False)
    assert "L-SANS" not in {g.lot.ref for g in everything.values()}
    assert len(everything) == 4


def list_refs(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("clauses:list"), params)
    assert response.status_code == 200
    return sorted(m.ref for m in response.context["rows"]), response


def test_the_list_filters_missing_months_and_late_lots(client, world, instructeur):
    assert list_refs(client, instructeur, missing="true")[0] == ["M-AUTRE", "M-SUIVI"]
    assert list_refs(client, instructeur, behind="true")[0] == ["M-AUTRE", "M-SUIVI"]
    # A facilitator's filters look at their own lots only.
    world.lots["late"].delete()
    assert list_refs(client, world.user, missing="true")[0] == ["M-SUIVI"]
    refs, response = list_refs(client, world.user, behind="true")
    assert refs == []
    assert "Mois manquants" in response.content.decode()


def test_the_facilitators_home_lists_what_to_do_this_week(client, world):
    client.force_login(world.user)
    content = client.get(reverse("home")).content.decode()
    section = content.split('id="clauses-week-title"')[1].split("</section>")[0]
    assert "À faire cette semaine" in content
    assert "L-TROU" in section and "L-LENT" in section
    for absent in ("L-OK", "L-SANS", world.lots["other"].ref):
        assert absent not in section, absent
    report = reverse("clauses:report_hours", args=[world.lots["missing"].uuid])
    assert f"{report}?mois={world.due[0]:%Y-%m}" in section
    assert "En retard" in section and "500" in section


def test_the_staff_home_counts_and_links_to_the_filtered_list(client, world, instructeur):
    client.force_login(instructeur)
    content = client.get(reverse("home")).content.decode()
    url = reverse("clauses:list")
    assert f'href="{url}?missing=true"><strong>2</strong> marchés avec des mois manquants' in (
        content
    )
    assert f'href="{url}?behind=true"><strong>2</strong> marchés avec un lot en retard' in content


def test_the_contract_page_shows_each_lots_missing_months_and_lateness(client, world):
    client.force_login(world.user)
    marche = world.lots["ok"].marche
    content = client.get(reverse("clauses:detail", args=[marche.uuid])).content.decode()
    trou = content.split("Lot L-TROU")[1].split("</section>")[0]
    lent = content.split("Lot L-LENT")[1].split("</section>")[0]
    ok = content.split("Lot L-OK")[1].split("</section>")[0]
    assert "Mois sans heure déclarée" in trou and "En retard" not in trou
    assert "En retard" in lent and "500" in lent and "Mois sans" not in lent
    assert "En retard" not in ok and "Mois sans" not in ok


@pytest.mark.parametrize("count", [2, 12])
def test_homes_and_list_query_counts_do_not_grow(
    client, instructeur, django_assert_max_num_queries, count
):
    membership = FacilitatorMembershipFactory(user__role=Role.FACILITATEUR)
    for _ in range(count):
        gap = LotFactory(facilitator=membership.facilitator, marche__notification_date=back(6))
        HoursReportFactory(lot=gap, period=back(3))
    for user in (membership.user, instructeur):
        client.force_login(user)
        with django_assert_max_num_queries(40):
            assert client.get(reverse("home")).status_code == 200
        with django_assert_max_num_queries(14):
            response = client.get(reverse("clauses:list"), {"missing": "true", "per_page": 50})
        assert len(response.context["rows"]) == count


def test_the_demo_has_lots_with_missing_months_and_late_lots():
    today = datetime.date(2026, 11, 25)
    demo.seed(random.Random(1), structures=[], today=today)
    gaps = reporting.gaps_of(Lot.objects.all(), today).values()
    assert any(g.missing for g in gaps) and any(g.late for g in gaps)
