"""Rhône-Alpes, ACI supervision and training (aid-rules.md § 6)."""

import pytest

from aides.rules.case import KINDS, ROLES
from tests.aides.helpers import excluded, run

SCHEME = "ra-aci-encadrement-formation"
TEAM = {"simultaneous_insertion": 8, "insertion_in_action": 4, "young_share": "0.20"}
FLAGS = {"enterprise_like_organisation": True, "complementarity": True}


def supervisor(role="encadrant_technique", etp=1, annual_cost=30000):
    return {"role": role, "etp": etp, "annual_cost": annual_cost, "contract": "CDI"}


def training(cost=3000, training_type="certifiante", provider_is_employer=False):
    return {"cost": cost, "type": training_type, "provider_is_employer": provider_is_employer}


def simulate(*, kind="ACI", positions=(), trainings=(), team=None, flags=None, **extra):
    return run(
        SCHEME,
        structure={"kind": kind},
        positions=list(positions),
        trainings=list(trainings),
        team={**TEAM, **(team or {})},
        flags={**FLAGS, **(flags or {})},
        **extra,
    )


def assert_refused(output, reason):
    assert output["eligible"] is False
    assert reason in output["reasons"]
    assert output["lines"] == []
    assert output["schedule"] == []
    assert output["total"] == "0.00"


class TestConditions:
    def test_every_condition_exactly_met(self):
        # 4 insertion employees in the action, 20 % of under-26s: the minimums are enough.
        # 1 ETP, 8 people at once → 1 eligible ETP; min(30 000, 20 000 × 1) = 20 000.
        output = simulate(positions=[supervisor()])
        assert output["eligible"] is True
        assert output["reasons"] == []
        assert output["total"] == "20000.00"
        assert output["schedule"] == [{"year": 1, "amount": "20000.00"}]

    @pytest.mark.parametrize(
        ("team", "flags", "reason"),
        [
            ({"insertion_in_action": 3}, {}, "too_few_insertion_employees"),
            ({"young_share": "0.19"}, {}, "young_share_too_low"),
            ({}, {"enterprise_like_organisation": False}, "not_enterprise_like"),
            ({}, {"complementarity": False}, "no_complementarity"),
        ],
        ids=["3-in-action", "young-share-0.19", "not-enterprise-like", "no-complementarity"],
    )
    def test_each_condition_refuses_alone(self, team, flags, reason):
        output = simulate(positions=[supervisor()], trainings=[training()], team=team, flags=flags)
        assert_refused(output, reason)
        assert output["reasons"] == [reason]

    def test_missing_team_and_flags_refuse_on_every_condition(self):
        output = run(SCHEME, structure={"kind": "ACI"}, positions=[supervisor()])
        assert_refused(output, "too_few_insertion_employees")
        assert set(output["reasons"]) == {
            "too_few_insertion_employees",
            "young_share_too_low",
            "not_enterprise_like",
            "no_complementarity",
        }

    @pytest.mark.parametrize("kind", [kind for kind in KINDS if kind != "ACI"])
    def test_only_an_aci_is_eligible(self, kind):
        output = simulate(kind=kind, positions=[supervisor()], trainings=[training()])
        assert_refused(output, "applicant_kind")

    def test_missing_structure_kind_is_refused(self):
        output = run(SCHEME, positions=[supervisor()], team=TEAM, flags=FLAGS)
        assert_refused(output, "applicant_kind")

    def test_nothing_to_fund_is_refused(self):
        output = simulate()
        assert_refused(output, "nothing_to_fund")


class TestSupervision:
    @pytest.mark.parametrize(
        ("simultaneous", "expected"),
        [
            # Two full-time supervisors costing 30 000 each (60 000 in all, 2 ETP).
            (4, "10000.00"),  # 4 / 8 = 0.5 ETP → min(60 000, 10 000) = 10 000
            (8, "20000.00"),  # 8 / 8 = 1 ETP → 20 000
            (12, "30000.00"),  # 12 / 8 = 1.5 ETP → 30 000
            (16, "40000.00"),  # 16 / 8 = 2 ETP → 40 000
            (24, "40000.00"),  # ratio allows 3 ETP, only 2 given → 40 000
            (10, "25000.00"),  # 10 / 8 = 1.25 ETP → 25 000
            (1, "2500.00"),  # 1 / 8 = 0.125 ETP → 2 500
        ],
    )
    def test_one_etp_per_eight_people_at_once(self, simultaneous, expected):
        positions = [supervisor("encadrant_technique"), supervisor("charge_insertion")]
        output = simulate(positions=positions, team={"simultaneous_insertion": simultaneous})
        assert output["total"] == expected

    def test_fewer_etp_than_the_ratio_allows_counts_the_etp_given(self):
        # 0.5 + 0.25 = 0.75 ETP, ratio allows 2 → 0.75 ETP; costs 20 000 + 10 000 = 30 000;
        # min(30 000, 20 000 × 0.75 = 15 000) = 15 000.
        positions = [
            supervisor("encadrant_technique", etp="0.5", annual_cost=20000),
            supervisor("charge_insertion", etp="0.25", annual_cost=10000),
        ]
        output = simulate(positions=positions, team={"simultaneous_insertion": 16})
        assert output["total"] == "15000.00"

    def test_no_one_supervised_at_once_funds_no_supervision(self):
        output = simulate(positions=[supervisor()], team={"simultaneous_insertion": 0})
        assert_refused(output, "nothing_to_fund")

    @pytest.mark.parametrize(
        ("positions", "simultaneous", "expected"),
        [
            # 1 ETP at 15 000, ratio 1 ETP: min(15 000, 20 000) = 15 000.
            ([supervisor(annual_cost=15000)], 8, "15000.00"),
            # 0.5 + 0.5 ETP at 9 000 + 8 000, ratio 1.5: 1 ETP; min(17 000, 20 000) = 17 000.
            (
                [
                    supervisor("encadrant_technique", etp="0.5", annual_cost=9000),
                    supervisor("charge_insertion", etp="0.5", annual_cost=8000),
                ],
                12,
                "17000.00",
            ),
            # Exactly at the cap: 20 000 for 1 ETP.
            ([supervisor(annual_cost=20000)], 8, "20000.00"),
            # One cent over the cap: 20 000.
            ([supervisor(annual_cost="20000.01")], 8, "20000.00"),
        ],
        ids=["cost-below-cap", "two-half-time-below-cap", "cost-at-cap", "cost-above-cap"],
    )
    def test_amount_is_the_cost_when_below_20000_per_eligible_etp(
        self, positions, simultaneous, expected
    ):
        output = simulate(positions=positions, team={"simultaneous_insertion": simultaneous})
        assert output["total"] == expected

    @pytest.mark.parametrize(
        "role", [role for role in ROLES if role not in {"encadrant_technique", "charge_insertion"}]
    )
    def test_other_roles_are_excluded_and_count_neither_etp_nor_cost(self, role):
        # Counted, the other post would give 2 ETP, min(46 000, 40 000) = 40 000;
        # excluded: 1 ETP at 16 000 → min(16 000, 20 000) = 16 000.
        positions = [supervisor(annual_cost=16000), supervisor(role, annual_cost=30000)]
        output = simulate(positions=positions, team={"simultaneous_insertion": 16})
        assert output["total"] == "16000.00"
        assert excluded(output) == {"positions[1]": "role_not_funded"}

    @pytest.mark.parametrize("role", ["accompagnement_social", "administratif"])
    def test_social_support_or_administrative_post_alone_is_refused(self, role):
        output = simulate(positions=[supervisor(role)])
        assert_refused(output, "nothing_to_fund")
        assert excluded(output) == {"positions[0]": "role_not_funded"}

    def test_one_year_whatever_the_years_requested(self):
        output = simulate(positions=[supervisor()], trainings=[training()], years=3)
        # 20 000 + 1 500, all in year 1.
        assert output["schedule"] == [{"year": 1, "amount": "21500.00"}]
        assert output["total"] == "21500.00"

    def test_label_shows_plain_etp_figures(self):
        # Ten supervisors, 80 people at once: 10 eligible ETP of 10; min(200 000, 200 000).
        # A label is read by staff and applicants: "10 ETP", never "1E+1 ETP".
        output = simulate(
            positions=[supervisor(annual_cost=20000)] * 10,
            team={"simultaneous_insertion": 80},
        )
        assert output["total"] == "200000.00"
        label = output["lines"][0]["label"]
        assert "E+" not in label
        assert "10 ETP" in label


class TestTraining:
    @pytest.mark.parametrize(
        "training_type",
        ["savoirs_de_base", "competences_professionnelles", "certifiante", "hygiene_securite"],
    )
    def test_external_training_of_an_eligible_type_at_half_its_cost(self, training_type):
        output = simulate(trainings=[training(3000, training_type)])
        # 50 % × 3 000 = 1 500.
        assert output["eligible"] is True
        assert output["total"] == "1500.00"

    @pytest.mark.parametrize("training_type", ["bureautique", "permis", "autre", None])
    def test_other_types_are_excluded(self, training_type):
        output = simulate(positions=[supervisor()], trainings=[training(3000, training_type)])
        assert output["total"] == "20000.00"
        assert excluded(output) == {"trainings[0]": "training_type_not_eligible"}

    def test_training_given_by_the_employer_is_excluded(self):
        output = simulate(
            positions=[supervisor()],
            trainings=[training(3000, provider_is_employer=True), training(1000)],
        )
        # 20 000 + 50 % × 1 000 = 20 500; the employer's own training is left out.
        assert output["total"] == "20500.00"
        assert excluded(output) == {"trainings[0]": "training_by_employer"}

    def test_training_has_no_cap_and_rounds_half_up(self):
        # 50 % × 100 000 = 50 000 (no cap); 50 % × 1 234.57 = 617.285 → 617.29.
        output = simulate(trainings=[training(100000), training("1234.57")])
        assert [line["amount"] for line in output["lines"]] == ["50000.00", "617.29"]
        assert output["total"] == "50617.29"


class TestWorkedCase:
    def test_ratio_and_external_training(self):
        # aid-cases.json: 2 ETP costing 78 000, 12 at once → 1.5 ETP → 30 000;
        # certifiante 6 000 → 3 000; bureautique and the administrative post left out.
        output = simulate(
            positions=[
                supervisor("encadrant_technique", annual_cost=40000),
                supervisor("charge_insertion", annual_cost=38000),
                supervisor("administratif", etp="0.5", annual_cost=15000),
            ],
            trainings=[training(6000, "certifiante"), training(1000, "bureautique")],
            team={"simultaneous_insertion": 12, "insertion_in_action": 12, "young_share": "0.25"},
        )
        assert output["total"] == "33000.00"
        assert [line["amount"] for line in output["lines"]] == ["30000.00", "3000.00"]
        assert excluded(output) == {
            "positions[2]": "role_not_funded",
            "trainings[1]": "training_type_not_eligible",
        }

    def test_expenses_are_not_funded(self):
        output = simulate(
            positions=[supervisor()], expenses=[{"category": "investissement", "amount": 5000}]
        )
        assert output["total"] == "20000.00"
        assert excluded(output) == {"expenses[0]": "not_funded_by_scheme"}
