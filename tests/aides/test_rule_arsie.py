"""Île-de-France, ARSIE (aid-rules.md § 7)."""

import pytest

from aides.rules.case import SIAE
from tests.aides.helpers import excluded, line_amounts, params, run

SCHEME = "idf-arsie"
SIAE_KINDS = sorted(SIAE)


def expense(category, amount):
    return {"category": category, "amount": amount}


def simulate(kind, *expenses, **extra):
    return run(SCHEME, structure={"kind": kind}, expenses=list(expenses), **extra)


class TestApplicants:
    @pytest.mark.parametrize("kind", SIAE_KINDS)
    def test_every_siae_is_eligible(self, kind):
        output = simulate(kind, expense("etude_faisabilite_interne", 1000))
        # 80 % × 1 000 = 800.
        assert output["eligible"] is True
        assert output["total"] == "800.00"

    @pytest.mark.parametrize(
        "kind", ["ASSOCIATION", "EPCI", "ETABLISSEMENT_ENSEIGNEMENT", "CREPI", "RESEAU"]
    )
    def test_other_applicants_are_refused(self, kind):
        output = simulate(kind, expense("etude_faisabilite_interne", 1000))
        assert output["eligible"] is False
        assert output["reasons"] == ["applicant_kind"]
        assert output["lines"] == []
        assert output["schedule"] == []
        assert output["total"] == "0.00"

    @pytest.mark.parametrize(
        ("category", "expected"),
        [
            ("etude_faisabilite_interne", "4000.00"),  # 80 % × 5 000
            ("etude_faisabilite_externe", "4000.00"),  # 80 % × 5 000
        ],
    )
    def test_project_holder_may_fund_feasibility_studies(self, category, expected):
        output = simulate("PORTEUR_PROJET", expense(category, 5000))
        assert output["eligible"] is True
        assert output["total"] == expected

    @pytest.mark.parametrize(
        "category", ["investissement", "etude_repositionnement", "demarrage_geiq"]
    )
    def test_project_holder_is_limited_to_feasibility_studies(self, category):
        output = simulate(
            "PORTEUR_PROJET",
            expense(category, 10000),
            expense("etude_faisabilite_interne", 5000),
        )
        # Only the study stands: 80 % × 5 000 = 4 000.
        assert output["total"] == "4000.00"
        assert excluded(output) == {"expenses[0]": "project_holder_feasibility_only"}

    def test_project_holder_with_no_study_is_refused(self):
        output = simulate("PORTEUR_PROJET", expense("investissement", 10000))
        assert output["eligible"] is False
        assert output["reasons"] == ["nothing_to_fund"]
        assert output["total"] == "0.00"


class TestModalityCaps:
    @pytest.mark.parametrize(
        ("category", "amount", "expected"),
        [
            ("etude_faisabilite_interne", "9374.99", "7499.99"),  # 7 499.992
            ("etude_faisabilite_interne", 9375, "7500.00"),  # 80 % × 9 375 = 7 500 exactly
            ("etude_faisabilite_interne", "9375.01", "7500.00"),  # 7 500.008 → cap
            ("etude_faisabilite_externe", 18000, "14400.00"),  # 80 %
            ("etude_faisabilite_externe", 18750, "15000.00"),  # exactly the cap
            ("etude_faisabilite_externe", "18750.01", "15000.00"),  # above → cap
            ("investissement", 40000, "28000.00"),  # 70 %
            ("investissement", "42857.13", "29999.99"),  # 29 999.991
            ("investissement", "42857.15", "30000.00"),  # 30 000.005 → cap
            ("investissement", 100000, "30000.00"),
            ("etude_repositionnement", 10000, "8000.00"),  # 80 %
            ("etude_repositionnement", 18750, "15000.00"),  # exactly the cap
            ("etude_repositionnement", 18751, "15000.00"),  # 15 000.80 → cap
        ],
    )
    def test_rate_then_cap(self, category, amount, expected):
        output = simulate("EI", expense(category, amount))
        assert output["total"] == expected
        assert output["schedule"] == [{"year": 1, "amount": expected}]

    def test_lines_of_one_modality_are_summed_before_the_cap(self):
        # 80 % × (5 000 + 5 000) = 8 000 → 7 500 (two lines capped apart would give 8 000).
        output = simulate(
            "ACI",
            expense("etude_faisabilite_interne", 5000),
            expense("etude_faisabilite_interne", 5000),
        )
        assert line_amounts(output) == ["7500.00"]
        assert output["total"] == "7500.00"

    def test_each_modality_has_its_own_line_and_cap(self):
        output = simulate(
            "GEIQ",
            expense("etude_faisabilite_interne", 10000),  # 8 000 → 7 500
            expense("etude_faisabilite_externe", 20000),  # 16 000 → 15 000
            expense("investissement", 50000),  # 35 000 → 30 000
            expense("etude_repositionnement", 20000),  # 16 000 → 15 000
            expense("demarrage_geiq", 20000),  # → 15 000
            expense("investissement", 1000),  # summed with the first investment line
        )
        assert sorted(line_amounts(output)) == sorted(
            ["7500.00", "15000.00", "30000.00", "15000.00", "15000.00"]
        )
        assert output["total"] == "82500.00"  # 7 500 + 15 000 + 30 000 + 15 000 + 15 000

    def test_a_region_can_change_a_cap(self):
        # Cap raised to 10 000: 80 % × 12 500 = 10 000.
        output = run(
            SCHEME,
            structure={"kind": "EI"},
            expenses=[expense("etude_faisabilite_interne", 12500)],
            parameters=params(SCHEME, etude_faisabilite_interne_cap="10000"),
        )
        assert output["total"] == "10000.00"


class TestGeiqStartUp:
    @pytest.mark.parametrize(
        ("amount", "expected"),
        [
            ("12345.67", "12345.67"),  # the expenses themselves (100 %)
            (15000, "15000.00"),  # exactly the limit
            ("15000.01", "15000.00"),  # above → 15 000
            (40000, "15000.00"),
        ],
    )
    def test_a_geiq_gets_its_expenses_up_to_15000(self, amount, expected):
        output = simulate("GEIQ", expense("demarrage_geiq", amount))
        assert output["eligible"] is True
        assert output["total"] == expected

    @pytest.mark.parametrize("kind", [kind for kind in SIAE_KINDS if kind != "GEIQ"])
    def test_other_siae_are_excluded_from_the_start_up_line(self, kind):
        output = simulate(kind, expense("demarrage_geiq", 10000), expense("investissement", 10000))
        # Only the investment stands: 70 % × 10 000 = 7 000.
        assert output["total"] == "7000.00"
        assert excluded(output) == {"expenses[0]": "geiq_only"}

    def test_start_up_alone_for_a_non_geiq_is_refused(self):
        output = simulate("ACI", expense("demarrage_geiq", 10000))
        assert output["eligible"] is False
        assert output["reasons"] == ["nothing_to_fund"]
        assert output["total"] == "0.00"


class TestExcluded:
    @pytest.mark.parametrize("category", ["equipement", "materiel", "immobilier", "fonctionnement"])
    def test_categories_outside_arsie_are_excluded(self, category):
        output = simulate("EI", expense(category, 10000), expense("etude_repositionnement", 1000))
        # Only the study: 80 % × 1 000 = 800.
        assert output["total"] == "800.00"
        assert excluded(output) == {"expenses[0]": "expense_not_funded"}

    def test_positions_and_trainings_are_not_funded(self):
        output = simulate(
            "EI",
            expense("investissement", 1000),
            positions=[{"role": "insertion", "annual_cost": 20000}],
            trainings=[{"cost": 1000, "type": "certifiante"}],
        )
        assert output["total"] == "700.00"  # 70 % × 1 000
        assert excluded(output) == {
            "positions[0]": "not_funded_by_scheme",
            "trainings[0]": "not_funded_by_scheme",
        }

    def test_bonuses_are_not_added_by_the_simulator(self):
        # The bonuses have no figure in the source (parameters at 0): the instructor applies them.
        output = simulate("EI", expense("investissement", 10000))
        assert output["total"] == "7000.00"
        assert len(output["lines"]) == 1


class TestWorkedCases:
    def test_investment_capped_and_repositioning_study(self):
        output = simulate(
            "EI",
            expense("investissement", 30000),
            expense("investissement", 20000),
            expense("etude_repositionnement", 10000),
        )
        # 70 % × 50 000 = 35 000 → 30 000; 80 % × 10 000 = 8 000.
        assert output["total"] == "38000.00"
        assert output["schedule"] == [{"year": 1, "amount": "38000.00"}]

    def test_project_holder_mixed_study_and_refused_start_up(self):
        output = simulate(
            "PORTEUR_PROJET",
            expense("etude_faisabilite_externe", 21000),
            expense("demarrage_geiq", 10000),
        )
        # 80 % × 21 000 = 16 800 → 15 000.
        assert output["total"] == "15000.00"
        assert "expenses[1]" in excluded(output)
