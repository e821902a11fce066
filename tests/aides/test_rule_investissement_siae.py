"""Franche-Comté, investment in SIAE (aid-rules.md § 9)."""

import pytest

from aides.rules.case import EXPENSE_CATEGORIES, SIAE
from tests.aides.helpers import excluded, line_amounts, run

SCHEME = "fc-investissement-siae"
SIAE_KINDS = sorted(SIAE)


def expense(amount, category="materiel", waste_sorting=False):
    return {"category": category, "amount": amount, "waste_sorting": waste_sorting}


def simulate(kind, *expenses, cofinancing=True, **extra):
    return run(
        SCHEME,
        structure={"kind": kind},
        expenses=list(expenses),
        flags={"cofinancing": cofinancing},
        **extra,
    )


def assert_refused(output, reason):
    assert output["eligible"] is False
    assert reason in output["reasons"]
    assert output["lines"] == []
    assert output["schedule"] == []
    assert output["total"] == "0.00"


class TestApplicants:
    @pytest.mark.parametrize("kind", SIAE_KINDS)
    def test_every_siae_with_cofinancing_is_eligible(self, kind):
        output = simulate(kind, expense(10000))
        # 40 % × 10 000 = 4 000.
        assert output["eligible"] is True
        assert output["total"] == "4000.00"
        assert output["schedule"] == [{"year": 1, "amount": "4000.00"}]

    @pytest.mark.parametrize(
        "kind",
        ["ASSOCIATION", "EPCI", "ETABLISSEMENT_ENSEIGNEMENT", "CREPI", "RESEAU", "PORTEUR_PROJET"],
    )
    def test_other_applicants_are_refused(self, kind):
        assert_refused(simulate(kind, expense(10000)), "applicant_kind")

    def test_without_cofinancing_refused(self):
        output = simulate("ACI", expense(10000), cofinancing=False)
        assert_refused(output, "no_cofinancing")
        assert output["reasons"] == ["no_cofinancing"]

    def test_missing_flags_means_no_cofinancing(self):
        output = run(SCHEME, structure={"kind": "ACI"}, expenses=[expense(10000)])
        assert_refused(output, "no_cofinancing")

    def test_no_eligible_expense_is_refused(self):
        assert_refused(simulate("EI", expense(10000, "immobilier")), "nothing_to_fund")


class TestExpenses:
    def test_materiel_and_immobilier_for_an_aci(self):
        output = simulate("ACI", expense(10000), expense(50000, "immobilier"))
        # 40 % × 10 000 + 40 % × 50 000 = 4 000 + 20 000.
        assert line_amounts(output) == ["4000.00", "20000.00"]
        assert output["total"] == "24000.00"

    @pytest.mark.parametrize("kind", [kind for kind in SIAE_KINDS if kind != "ACI"])
    def test_immobilier_is_for_aci_only(self, kind):
        output = simulate(kind, expense(50000, "immobilier"), expense(10000))
        assert output["total"] == "4000.00"
        assert excluded(output) == {"expenses[0]": "real_estate_aci_only"}

    @pytest.mark.parametrize(
        "category", [c for c in EXPENSE_CATEGORIES if c not in {"materiel", "immobilier"}]
    )
    def test_other_categories_are_excluded(self, category):
        output = simulate(
            "ACI",
            expense(10000, category),
            expense(10000, category, waste_sorting=True),
            expense(1000),
        )
        assert output["total"] == "400.00"
        assert excluded(output) == {
            "expenses[0]": "expense_not_funded",
            "expenses[1]": "expense_not_funded",
        }

    @pytest.mark.parametrize(("category", "kind"), [("materiel", "EI"), ("immobilier", "ACI")])
    def test_waste_sorting_expenses_at_80_percent(self, category, kind):
        output = simulate(kind, expense(10000, category, waste_sorting=True), expense(10000))
        # 80 % × 10 000 + 40 % × 10 000 = 8 000 + 4 000.
        assert line_amounts(output) == ["8000.00", "4000.00"]
        assert output["total"] == "12000.00"

    def test_each_line_rounds_half_up(self):
        output = simulate(
            "EI", expense("1234.56"), expense("1234.56", waste_sorting=True), expense("0.05")
        )
        # 493.824 → 493.82; 987.648 → 987.65; 0.02 → 0.02.
        assert line_amounts(output) == ["493.82", "987.65", "0.02"]
        assert output["total"] == "1481.49"

    def test_positions_and_trainings_are_not_funded(self):
        output = simulate(
            "EI",
            expense(1000),
            positions=[{"role": "insertion", "annual_cost": 20000}],
            trainings=[{"cost": 1000, "type": "certifiante"}],
        )
        assert output["total"] == "400.00"
        assert excluded(output) == {
            "positions[0]": "not_funded_by_scheme",
            "trainings[0]": "not_funded_by_scheme",
        }


class TestCap:
    def test_cap_reached_exactly_then_later_lines_excluded(self):
        output = simulate("EI", expense(500000), expense(1000))
        # 40 % × 500 000 = 200 000 exactly; the next line finds no room.
        assert line_amounts(output) == ["200000.00"]
        assert output["total"] == "200000.00"
        assert excluded(output) == {"expenses[1]": "cap_reached"}

    def test_line_crossing_the_cap_keeps_what_fits(self):
        output = simulate("EI", expense(400000), expense(150000), expense(10000))
        # 160 000; 60 000 of which 40 000 fit; the third line is left out.
        assert line_amounts(output) == ["160000.00", "40000.00"]
        assert output["total"] == "200000.00"
        assert excluded(output) == {"expenses[2]": "cap_reached"}

    def test_one_cent_left_under_the_cap(self):
        output = simulate("EI", expense("499999.98"), expense(1000))
        # 199 999.992 → 199 999.99; 400 of which 0.01 fits.
        assert line_amounts(output) == ["199999.99", "0.01"]
        assert output["total"] == "200000.00"

    def test_just_below_the_cap_nothing_is_cut(self):
        output = simulate("ACI", expense(300000, "immobilier"), expense(99000, waste_sorting=True))
        # 120 000 + 79 200 = 199 200.
        assert line_amounts(output) == ["120000.00", "79200.00"]
        assert output["excluded"] == []

    def test_excluded_lines_take_no_room_under_the_cap(self):
        output = simulate("EI", expense(500000, "immobilier"), expense(500000))
        assert line_amounts(output) == ["200000.00"]
        assert excluded(output) == {"expenses[0]": "real_estate_aci_only"}

    def test_a_zero_line_below_the_cap_is_not_said_to_reach_it(self):
        # aid-rules.md: a line rounding to zero is not listed; the cap (200 000) is far from
        # reached here, so "cap_reached" would tell the applicant something false.
        output = simulate("EI", expense(0), expense("0.01"), expense(1000))
        assert output["total"] == "400.00"
        assert "cap_reached" not in excluded(output).values()


class TestWorkedCases:
    def test_real_estate_is_for_aci_only(self):
        output = simulate("EI", expense(100000), expense(200000, "immobilier"))
        assert output["total"] == "40000.00"  # 40 % × 100 000

    def test_aci_sorting_waste_capped_at_200000(self):
        output = simulate("ACI", expense(350000, "immobilier"), expense(90000, waste_sorting=True))
        # 140 000 + 72 000 = 212 000 → the second line keeps 60 000.
        assert line_amounts(output) == ["140000.00", "60000.00"]
        assert output["total"] == "200000.00"
        assert output["schedule"] == [{"year": 1, "amount": "200000.00"}]
