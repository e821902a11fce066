"""Champagne-Ardenne, insertion teams (aid-rules.md § 8)."""

import pytest

from aides.rules.case import EXPENSE_CATEGORIES, ROLES, SIAE
from tests.aides.helpers import excluded, run

SCHEME = "ca-equipes-insertion"
TEAM = {"members_count": 4, "members_etp": 4}


def post(role="chef_equipe", etp=1, annual_cost=30000):
    return {"role": role, "etp": etp, "annual_cost": annual_cost, "contract": "CDI"}


def investment(amount, category="investissement"):
    return {"category": category, "amount": amount}


def simulate(*, kind="ASSOCIATION", positions=None, team=None, years=1, **extra):
    return run(
        SCHEME,
        structure={"kind": kind},
        years=years,
        positions=[post()] if positions is None else positions,
        team=TEAM if team is None else team,
        **extra,
    )


def schedule(output):
    return {row["year"]: row["amount"] for row in output["schedule"]}


def assert_refused(output, reason):
    assert output["eligible"] is False
    assert reason in output["reasons"]
    assert output["lines"] == []
    assert output["schedule"] == []
    assert output["total"] == "0.00"


class TestApplicants:
    @pytest.mark.parametrize(
        "kind", [*sorted(SIAE), "ASSOCIATION", "EPCI", "ETABLISSEMENT_ENSEIGNEMENT"]
    )
    def test_eligible_applicants(self, kind):
        output = simulate(kind=kind)
        # Leader 80 % × 30 000 = 24 000; start-up 600 × (4 + 1) = 3 000.
        assert output["eligible"] is True
        assert output["total"] == "27000.00"

    @pytest.mark.parametrize("kind", ["CREPI", "RESEAU", "PORTEUR_PROJET"])
    def test_other_applicants_are_refused(self, kind):
        assert_refused(simulate(kind=kind), "applicant_kind")


class TestLeader:
    def test_first_chef_equipe_full_time_is_the_leader(self):
        output = simulate()
        assert output["eligible"] is True
        assert output["excluded"] == []

    @pytest.mark.parametrize("etp", ["0.5", "0.99"])
    def test_a_leader_not_full_time_refuses(self, etp):
        assert_refused(simulate(positions=[post(etp=etp)]), "no_full_time_leader")

    def test_no_leader_refuses(self):
        output = simulate(positions=[post("encadrement")])
        assert_refused(output, "no_full_time_leader")

    def test_only_the_first_chef_equipe_counts(self):
        # A half-time first leader refuses, even with a full-time one given after it.
        output = simulate(positions=[post(etp="0.5"), post()])
        assert_refused(output, "no_full_time_leader")

    def test_a_second_chef_equipe_is_excluded_and_its_cost_ignored(self):
        output = simulate(positions=[post(annual_cost=30000), post(annual_cost=50000)])
        # 80 % × 30 000 = 24 000 (not 80 % of 80 000); start-up 3 000.
        assert output["total"] == "27000.00"
        assert excluded(output) == {"positions[1]": "post_not_funded"}

    @pytest.mark.parametrize("role", [role for role in ROLES if role != "chef_equipe"])
    def test_other_posts_are_not_funded(self, role):
        output = simulate(positions=[post(role, annual_cost=40000), post(annual_cost=30000)])
        assert output["total"] == "27000.00"
        assert excluded(output) == {"positions[0]": "post_not_funded"}

    @pytest.mark.parametrize(
        ("cost", "expected"),
        [
            # 80, 65, 50, 30 % of the annual cost, capped at 30 000 a year.
            (35000, {1: "28000.00", 2: "22750.00", 3: "17500.00", 4: "10500.00"}),
            (37500, {1: "30000.00", 2: "24375.00", 3: "18750.00", 4: "11250.00"}),
            (40000, {1: "30000.00", 2: "26000.00", 3: "20000.00", 4: "12000.00"}),
            (50000, {1: "30000.00", 2: "30000.00", 3: "25000.00", 4: "15000.00"}),
            (60000, {1: "30000.00", 2: "30000.00", 3: "30000.00", 4: "18000.00"}),
            (100001, {1: "30000.00", 2: "30000.00", 3: "30000.00", 4: "30000.00"}),
        ],
    )
    def test_degressive_rates_and_annual_cap(self, cost, expected):
        output = simulate(positions=[post(annual_cost=cost)], team=TEAM, years=4)
        # The leader's four yearly lines, then the start-up (600 × 5 = 3 000) in year 1.
        lines = [(line["year"], line["amount"]) for line in output["lines"]]
        assert lines == [*expected.items(), (1, "3000.00")]

    def test_a_six_year_request_is_computed_on_four(self):
        output = simulate(positions=[post(annual_cost=35000)], years=6)
        # 28 000 + 3 000 start-up; 22 750; 17 500; 10 500 — nothing in years 5 and 6.
        assert schedule(output) == {
            1: "31000.00",
            2: "22750.00",
            3: "17500.00",
            4: "10500.00",
        }
        assert output["total"] == "81750.00"

    def test_a_two_year_request_gets_two_years(self):
        output = simulate(positions=[post(annual_cost=35000)], years=2)
        assert schedule(output) == {1: "31000.00", 2: "22750.00"}


class TestTeam:
    @pytest.mark.parametrize(
        "team",
        [
            {"members_etp": 4},
            {"half_time_count": 8},
            {"contrats_aides_count": 6},
            {"members_etp": "3.99", "half_time_count": 8},
            {"members_etp": "3.99", "half_time_count": 7, "contrats_aides_count": 6},
        ],
    )
    def test_any_one_team_condition_is_enough(self, team):
        output = simulate(team={"members_count": 4, **team})
        assert output["eligible"] is True

    @pytest.mark.parametrize(
        "team",
        [
            {"members_etp": "3.99"},
            {"half_time_count": 7},
            {"contrats_aides_count": 5},
            {"members_etp": "3.99", "half_time_count": 7, "contrats_aides_count": 5},
            {},
        ],
    )
    def test_a_team_too_small_refuses(self, team):
        output = simulate(team={"members_count": 4, **team})
        assert_refused(output, "team_too_small")

    @pytest.mark.parametrize(
        ("members", "expected"),
        [(0, "600.00"), (4, "3000.00"), (8, "5400.00"), (11, "7200.00")],
    )
    def test_start_up_is_600_per_member_leader_included(self, members, expected):
        # A leader costing nothing leaves the start-up line alone: 600 × (members + 1).
        output = simulate(
            positions=[post(annual_cost=0)], team={"members_count": members, "members_etp": 4}
        )
        assert output["total"] == expected
        assert schedule(output) == {1: expected}


class TestInvestment:
    @pytest.mark.parametrize(
        ("kind", "spent", "expected"),
        [
            ("ASSOCIATION", [30000], "6000.00"),  # 20 % × 30 000
            ("ASSOCIATION", [45000], "9000.00"),  # 20 % × 45 000, the cap exactly
            ("ASSOCIATION", ["45000.01"], "9000.00"),  # expenses capped at 45 000
            ("EPCI", [30000, 20000], "9000.00"),  # 50 000 → 45 000 → 9 000
            ("EI", [60000], "9000.00"),
            ("ACI", [30000], "15000.00"),  # 50 % × 30 000
            ("ACI", [45000], "22500.00"),  # 50 % × 45 000
            ("ACI", [60000], "22500.00"),  # 60 000 → 45 000 → 22 500
            ("ACI", [40000, 10000], "22500.00"),
        ],
    )
    def test_rate_on_expenses_capped_at_45000(self, kind, spent, expected):
        output = simulate(
            kind=kind,
            positions=[post(annual_cost=0)],
            team={"members_count": 0, "members_etp": 4},
            expenses=[investment(amount) for amount in spent],
        )
        # Total = 600 start-up + the investment line, all in year 1.
        assert [line["amount"] for line in output["lines"]] == ["600.00", expected]
        assert list(schedule(output)) == [1]

    @pytest.mark.parametrize(
        "category", [category for category in EXPENSE_CATEGORIES if category != "investissement"]
    )
    def test_other_expenses_are_excluded(self, category):
        output = simulate(expenses=[investment(10000, category)])
        assert output["total"] == "27000.00"
        assert excluded(output) == {"expenses[0]": "expense_not_funded"}

    def test_trainings_are_not_funded(self):
        output = simulate(trainings=[{"cost": 1000, "type": "certifiante"}])
        assert output["total"] == "27000.00"
        assert excluded(output) == {"trainings[0]": "not_funded_by_scheme"}


class TestWorkedCases:
    def test_aci_team_over_four_years(self):
        output = simulate(
            kind="ACI",
            years=4,
            positions=[post(annual_cost=35000)],
            team={"members_count": 8, "members_etp": 4},
            expenses=[investment(60000)],
        )
        # Year 1: 28 000 + 600 × 9 + 50 % × 45 000 = 28 000 + 5 400 + 22 500 = 55 900.
        assert schedule(output) == {
            1: "55900.00",
            2: "22750.00",
            3: "17500.00",
            4: "10500.00",
        }
        assert output["total"] == "106650.00"

    def test_association_leader_over_the_annual_cap(self):
        output = simulate(
            years=3,
            positions=[post(annual_cost=42000)],
            team={"members_count": 6, "members_etp": 3, "contrats_aides_count": 6},
            expenses=[investment(20000)],
        )
        # Year 1: min(33 600, 30 000) + 600 × 7 + 20 % × 20 000 = 30 000 + 4 200 + 4 000.
        assert schedule(output) == {1: "38200.00", 2: "27300.00", 3: "21000.00"}
        assert output["total"] == "86500.00"
