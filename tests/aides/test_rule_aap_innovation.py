"""Midi-Pyrénées, call for innovative IAE projects (aid-rules.md § 10)."""

import pytest

from aides.rules.case import SIAE
from tests.aides.helpers import excluded, run

SCHEME = "mp-aap-innovation"


def simulate(kind="ETTI", operating=20000, post_aids=0, multi=False, **extra):
    return run(
        SCHEME,
        structure={"kind": kind},
        operating_expenses=operating,
        aides_au_poste_already_funded=post_aids,
        flags={"multi_structure_multi_department": multi},
        **extra,
    )


def assert_refused(output, reason):
    assert output["eligible"] is False
    assert reason in output["reasons"]
    assert output["lines"] == []
    assert output["schedule"] == []
    assert output["total"] == "0.00"


class TestApplicants:
    @pytest.mark.parametrize("kind", [*sorted(SIAE), "CREPI"])
    def test_siae_and_crepi_are_eligible_without_the_flag(self, kind):
        output = simulate(kind)
        # 50 % × 20 000 = 10 000.
        assert output["eligible"] is True
        assert output["total"] == "10000.00"

    def test_network_running_a_multi_structure_multi_department_experiment(self):
        output = simulate("RESEAU", multi=True)
        assert output["eligible"] is True
        assert output["total"] == "10000.00"

    def test_network_alone_is_refused(self):
        output = simulate("RESEAU", operating=30000)
        assert_refused(output, "network_needs_several_structures")
        assert output["reasons"] == ["network_needs_several_structures"]

    @pytest.mark.parametrize(
        "kind", ["ASSOCIATION", "EPCI", "ETABLISSEMENT_ENSEIGNEMENT", "PORTEUR_PROJET"]
    )
    def test_other_applicants_are_refused_even_with_the_flag(self, kind):
        assert_refused(simulate(kind, multi=True), "applicant_kind")


class TestAmount:
    @pytest.mark.parametrize(
        ("operating", "post_aids", "expected"),
        [
            (30000, 4000, "13000.00"),  # 50 % × (30 000 − 4 000)
            ("12345.67", 0, "6172.84"),  # 6 172.835 → half-up
            (10000, "4999.99", "2500.01"),  # 50 % × 5 000.01 = 2 500.005 → half-up
            ("49999.98", 0, "24999.99"),
            (50000, 0, "25000.00"),  # the cap exactly
            ("50000.02", 0, "25000.00"),  # 25 000.01 → cap
            (60000, 10000, "25000.00"),  # 50 % × 50 000, the cap exactly
            (55000, "5000.04", "24999.98"),  # 50 % × 49 999.96, under the cap
            (70000, 10000, "25000.00"),  # worked case: 30 000 → cap
            (32551, 5000, "13775.50"),  # worked case: 50 % × 27 551 (not 16 275.50 − 5 000)
            (200000, 0, "25000.00"),
        ],
    )
    def test_half_the_operating_expenses_after_post_aids_capped(
        self, operating, post_aids, expected
    ):
        output = simulate(operating=operating, post_aids=post_aids)
        assert output["eligible"] is True
        assert output["total"] == expected
        assert output["schedule"] == [{"year": 1, "amount": expected}]

    def test_post_aids_leave_the_base_before_the_rate(self):
        # 50 % × (expenses − post aids), not 50 % × expenses − post aids.
        output = simulate(operating=20000, post_aids=8000)
        assert output["total"] == "6000.00"
        assert "hors 8\u202f000 € d'aides au poste" in output["lines"][0]["label"]

    @pytest.mark.parametrize(
        ("operating", "post_aids"),
        [(10000, 10000), (10000, 12000), (0, 0), (0, 1000), (20000, 100000)],
    )
    def test_never_negative_nothing_left_is_refused(self, operating, post_aids):
        # Post aids at least the expenses: an empty base, so nothing to fund.
        output = simulate(operating=operating, post_aids=post_aids)
        assert_refused(output, "nothing_to_fund")

    def test_one_year_whatever_the_years_requested(self):
        output = simulate(operating=20000, years=3)
        assert output["schedule"] == [{"year": 1, "amount": "10000.00"}]

    def test_positions_expenses_and_trainings_are_not_funded(self):
        output = simulate(
            positions=[{"role": "insertion", "annual_cost": 20000}],
            expenses=[{"category": "fonctionnement", "amount": 50000}],
            trainings=[{"cost": 1000, "type": "certifiante"}],
        )
        # Only operating_expenses counts: 50 % × 20 000.
        assert output["total"] == "10000.00"
        assert excluded(output) == {
            "positions[0]": "not_funded_by_scheme",
            "expenses[0]": "not_funded_by_scheme",
            "trainings[0]": "not_funded_by_scheme",
        }
