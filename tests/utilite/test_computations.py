"""utilite.computations: shares, axis scores, group statistics and each validation rule at
its boundary (pure Python: no database)."""

import datetime
import math
import statistics as reference
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from utilite import computations as c
from utilite.indicators import (
    AXES,
    AXIS,
    BOOL,
    COUNT,
    CRITERION_CODES,
    EXIT_CATEGORIES,
    INDICATOR_CODES,
    SCALE,
    SHARE,
)

from .contract import EXAMPLE

TODAY = datetime.date(2026, 3, 1)
D = Decimal


def valid_figures(**changes):
    """A report's figures meeting every rule."""
    figures = dict.fromkeys(INDICATOR_CODES, 0)
    figures.update(
        hours_worked=12000,
        turnover=100000,
        total_resources=500000,
        public_funding=300000,
        insertion_employees=20,
        women=8,
        trained_employees=5,
        training_hours=140,
        exits_total=6,
        exits_cdi=2,
        exits_autres=4,
        participation_level=2,
        cooperation_level=1,
        environmental_certification=True,
    )
    figures.update(changes)
    return figures


def example_figures(name):
    inputs = EXAMPLE["inputs"][name]
    figures = valid_figures(insertion_employees=100)
    figures.update({k: v for k, v in inputs.items() if k in INDICATOR_CODES})
    return figures


def example_scores(name):
    scores = dict.fromkeys(CRITERION_CODES, 1)
    for n, score in enumerate(EXAMPLE["inputs"][name]["prospective"], 1):
        scores[f"prospective_{n}"] = score
    return scores


def fields(problems):
    return [problem.field for problem in problems]


# -- Shares and scores ------------------------------------------------------------------------


def test_share_rounds_half_up_on_the_exact_quotient():
    assert c.share(1, 16) == D("0.063")
    assert c.share(47, 70) == D("0.671")
    assert c.share(0, 5) == D("0.000")
    assert c.share(3, 0) is None


@given(st.integers(0, 10**12), st.integers(1, 10**12))
def test_a_share_of_counts_within_their_whole_is_in_zero_one_and_exact(a, extra):
    b = a + extra - 1 if a else extra
    value = c.share(a, b)
    assert D(0) <= value <= D(1)
    exact = Fraction(a, b)
    # Half-up on the exact quotient: a quotient exactly between two thousandths goes up.
    assert Fraction(value) == Fraction(math.floor(exact * 1000 + Fraction(1, 2)), 1000)


def test_computed_shares_of_the_worked_example():
    for name, expected in EXAMPLE["out"]["structures"].items():
        shares = c.computed_shares(example_figures(name))
        for code, value in expected.items():
            if code in shares:
                assert shares[code] == D(str(value)), (name, code)
    # From counts, never from the rounded shares (0.2 + 0.329 + 0.143 would be 0.672).
    assert c.computed_shares(example_figures("B"))["exit_rate_dynamic"] == D("0.671")


def test_computed_shares_are_none_without_a_denominator_or_a_figure():
    shares = c.computed_shares(valid_figures(exits_total=0, exits_cdi=0, exits_autres=0))
    assert shares["exit_rate_durable"] is None
    assert c.computed_shares({})["women_share"] is None


def test_axis_score_is_the_mean_half_up_to_one_decimal():
    assert c.axis_score([1, 1, 1, 2]) == D("1.3")  # 1.25
    assert c.axis_score([1, 2, 2, 0]) == D("1.3")
    assert c.axis_score([3, 3, 2, 2]) == D("2.5")
    assert c.axis_score([0, 0, 1, 0]) == D("0.3")  # 0.25
    assert c.axis_score([0, 1, 1]) == D("0.7")


def test_axis_scores_of_a_grid_in_radar_order():
    scores = c.axis_scores(example_scores("A"))
    assert list(scores) == [axis.code for axis in AXES]
    assert scores["prospective"] == D("1.3")
    assert c.axis_scores({}) == {}


# -- Statistics -------------------------------------------------------------------------------


@given(st.lists(st.decimals(0, 10**6, places=3), min_size=1, max_size=40))
def test_quartiles_are_quartile_inc(values):
    ordered = sorted(values)
    fractions = [Fraction(v) for v in ordered]
    if len(values) == 1:
        expected = [fractions[0]] * 3
    else:
        expected = reference.quantiles(fractions, n=4, method="inclusive")
    got = [c.quantile(ordered, p) for p in (D("0.25"), D("0.5"), D("0.75"))]
    assert [Fraction(v) for v in got] == expected


def test_statistics_of_counts_round_to_two_decimals_with_a_total():
    stats = c.statistics(COUNT, [1, 2, 4, 7, None])
    assert stats == {"n": 4, "median": D("3.00"), "q1": D("1.75"), "q3": D("4.75"), "total": 14}


def test_statistics_of_shares_round_to_three_decimals_with_pooled():
    stats = c.statistics(SHARE, [D("0.25"), D("0.2"), D("0.125")], [(6, 24), (14, 70), (2, 16)])
    assert stats == {
        "n": 3,
        "median": D("0.200"),
        "q1": D("0.163"),
        "q3": D("0.225"),
        "pooled": D("0.200"),
    }


def test_statistics_of_booleans_give_n_and_yes_share_only():
    assert c.statistics(BOOL, [True, False, True, None]) == {"n": 3, "yes_share": D("0.667")}


def test_statistics_of_scales_and_axes_have_no_total():
    assert c.statistics(SCALE, [0, 3, 2]) == {
        "n": 3,
        "median": D("2.00"),
        "q1": D("1.00"),
        "q3": D("2.50"),
    }
    assert c.statistics(AXIS, [D("1.3"), D("2.5"), D("0.3")]) == {
        "n": 3,
        "median": D("1.30"),
        "q1": D("0.80"),
        "q3": D("1.90"),
    }


@pytest.mark.parametrize("kind", [COUNT, SHARE, BOOL, SCALE, AXIS])
def test_privacy_a_group_under_three_values_shows_n_only(kind):
    two = c.statistics(kind, [1, 0, None, None], [(1, 2), (0, 2)])
    assert two["n"] == 2
    assert all(value is None for key, value in two.items() if key != "n")
    three = c.statistics(kind, [1, 0, 1], [(1, 2), (0, 2), (1, 2)])
    assert all(value is not None for value in three.values())


def test_group_statistics_of_the_worked_example():
    reports = [(example_figures(name), example_scores(name)) for name in "ABC"]
    indicators, axes = c.group_statistics(reports)
    expected = EXAMPLE["out"]["group_71_all"]
    for code in ("exit_rate_durable", "exit_rate_dynamic", "self_financing_rate"):
        for key, value in expected[code].items():
            assert indicators[code][key] == D(str(value)).quantize(D("0.001")), (code, key)
    for key, value in expected["prospective"].items():
        assert axes["prospective"][key] == D(str(value)).quantize(D("0.01"))
    assert indicators["exits_total"]["total"] == expected["exits_total"]["total"]
    two = c.group_statistics(reports[::2])
    assert two[0]["exit_rate_dynamic"] == {
        "n": 2,
        "median": None,
        "q1": None,
        "q3": None,
        "pooled": None,
    }


def test_half_up_is_not_bankers_rounding():
    assert c.half_up(D("0.0625"), c.THOUSANDTH) == D("0.063")
    assert D("0.0625").quantize(c.THOUSANDTH, ROUND_HALF_UP) == D("0.063")


# -- Validation, one rule at a time at its boundary ------------------------------------------


def test_valid_figures_have_no_problem():
    figures, grid, problems = c.validate_report(valid_figures(), year=2025, today=TODAY)
    assert problems == []
    assert grid is None
    assert figures["environmental_certification"] is True


@pytest.mark.parametrize("raw", [None, "", "  "])
def test_a_missing_figure(raw):
    problems = c.clean_figures(valid_figures(turnover=raw))[1]
    assert fields(problems) == ["turnover"]
    assert "« Chiffre d'affaires »" in problems[0].message
    assert "obligatoire" in problems[0].message


def test_a_negative_figure():
    assert c.clean_figures(valid_figures(turnover=0))[1] == []
    problems = c.clean_figures(valid_figures(turnover=-1))[1]
    assert fields(problems) == ["turnover"]
    assert "positif" in problems[0].message


@pytest.mark.parametrize("raw", ["2.5", 2.5, "abc", "1e400", "NaN", "12,5"])
def test_a_non_integer_figure(raw):
    assert c.clean_figures(valid_figures(women="2.0"))[1] == []
    problems = c.clean_figures(valid_figures(women=raw))[1]
    assert fields(problems) == ["women"]
    assert "« dont femmes »" in problems[0].message


def test_a_huge_figure():
    assert c.clean_figures(valid_figures(wages_paid=10**12))[1] == []
    problems = c.clean_figures(valid_figures(wages_paid=10**12 + 1))[1]
    assert fields(problems) == ["wages_paid"]
    assert "trop grand" in problems[0].message


@pytest.mark.parametrize("raw", [4, "4", -1])
def test_a_scale_outside_zero_three(raw):
    assert c.clean_figures(valid_figures(cooperation_level=3))[1] == []
    problems = c.clean_figures(valid_figures(cooperation_level=raw))[1]
    assert fields(problems) == ["cooperation_level"]
    assert "Niveau de coopération" in problems[0].message


@pytest.mark.parametrize("raw", [None, "", "2", "oui", 2])
def test_a_boolean_is_one_or_zero(raw):
    for good in ("1", "0", True, False, 1, 0):
        assert c.clean_figures(valid_figures(environmental_certification=good))[1] == []
    problems = c.clean_figures(valid_figures(environmental_certification=raw))[1]
    assert fields(problems) == ["environmental_certification"]


def test_exit_categories_must_sum_to_exits_total():
    assert c.consistency_problems(valid_figures(exits_total=6)) == []
    problems = c.consistency_problems(valid_figures(exits_total=7))
    assert fields(problems) == ["exits_total"]
    assert "totalisent 6" in problems[0].message
    assert "(7)" in problems[0].message
    assert len(EXIT_CATEGORIES) == 9


@pytest.mark.parametrize("code", ["women", "trained_employees", "exits_total"])
def test_above_insertion_employees(code):
    at = valid_figures(**{code: 20}, exits_autres=18 if code == "exits_total" else 4)
    assert c.consistency_problems(at) == []
    above = valid_figures(**{code: 21}, exits_autres=19 if code == "exits_total" else 4)
    problems = c.consistency_problems(above)
    assert fields(problems) == [code]
    assert "« Salariés en parcours » (20)" in problems[0].message


@pytest.mark.parametrize("code", ["public_funding", "turnover"])
def test_above_total_resources(code):
    assert c.consistency_problems(valid_figures(**{code: 500000})) == []
    problems = c.consistency_problems(valid_figures(**{code: 500001}))
    assert fields(problems) == [code]
    assert "« Total des produits » (500000 €)" in problems[0].message


def test_exactly_one_of_training_hours_and_trained_employees_zero():
    assert c.consistency_problems(valid_figures(training_hours=0, trained_employees=0)) == []
    assert c.consistency_problems(valid_figures(training_hours=1, trained_employees=1)) == []
    hours = c.consistency_problems(valid_figures(training_hours=0, trained_employees=1))
    assert fields(hours) == ["training_hours"]
    trained = c.consistency_problems(valid_figures(training_hours=1, trained_employees=0))
    assert fields(trained) == ["trained_employees"]
    assert "« dont formés »" in trained[0].message


def complete_grid(**changes):
    scores = dict.fromkeys(CRITERION_CODES, "2")
    scores.update(changes)
    return scores


def test_a_complete_grid_and_no_grid():
    grid, problems = c.clean_grid("3", "prospective;activite", complete_grid())
    assert problems == []
    assert grid.priority_axes == ("activite", "prospective")
    assert grid.scores["activite_1"] == 2
    assert c.clean_grid("", "", dict.fromkeys(CRITERION_CODES, "")) == (None, [])


def test_a_partial_grid():
    problems = c.clean_grid("3", "", complete_grid(gouvernance_participative_3=""))[1]
    assert fields(problems) == ["gouvernance_participative_3"]
    assert "Grille incomplète : 1 critère(s)" in problems[0].message
    only_one = c.clean_grid("", "", {"activite_1": "2"})[1]
    assert {"activite_2", "grid_participants"} <= set(fields(only_one))
    without_people = c.clean_grid("", "", complete_grid())[1]
    assert fields(without_people) == ["grid_participants"]
    priority_only = c.clean_grid("", "activite", {})[1]
    assert "activite_1" in fields(priority_only)


@pytest.mark.parametrize("raw", ["4", "-1", "1.5", "x"])
def test_a_criterion_scored_outside_zero_three(raw):
    assert c.clean_grid("3", "", complete_grid(activite_1="3"))[1] == []
    problems = c.clean_grid("3", "", complete_grid(activite_1=raw))[1]
    assert fields(problems) == ["activite_1"]
    assert "Activités ancrées" in problems[0].message


def test_a_comment_longer_than_a_thousand_characters():
    ok = c.clean_grid("3", "", complete_grid(), {"activite_1": "é" * 1000})
    assert ok[1] == []
    problems = c.clean_grid("3", "", complete_grid(), {"activite_1": "é" * 1001})[1]
    assert fields(problems) == ["activite_1"]
    assert "1001 caractères" in problems[0].message


def test_an_unknown_axis():
    problems = c.clean_grid("3", "prospective;inconnu", complete_grid())[1]
    assert fields(problems) == ["priority_axes"]
    assert "« inconnu »" in problems[0].message
    assert fields(c.clean_grid("3", "", complete_grid(inconnu_1="2"))[1]) == ["inconnu_1"]


def test_grid_participants_zero_is_refused_and_fewer_than_three_warns():
    assert fields(c.clean_grid("0", "", complete_grid())[1]) == ["grid_participants"]
    grid = c.clean_grid("2", "", complete_grid())[0]
    assert fields(c.grid_warnings(grid)) == ["grid_participants"]
    assert c.grid_warnings(c.clean_grid("3", "", complete_grid())[0]) == []


def test_a_year_not_yet_ended():
    assert c.year_problems(2025, TODAY) == []
    problems = c.year_problems(2026, TODAY)
    assert fields(problems) == ["year"]
    assert "n'est pas terminée" in problems[0].message
    assert fields(c.year_problems(1989, TODAY)) == ["year"]


def test_an_unknown_siret_or_a_non_siae_kind():
    assert c.structure_problems("71010000000011", "ACI") == []
    unknown = c.structure_problems("71010000000011", None)
    assert fields(unknown) == ["siret"]
    assert "Aucune structure" in unknown[0].message
    association = c.structure_problems("71010000000011", "ASSOCIATION", "Association")
    assert fields(association) == ["siret"]
    assert "« Association »" in association[0].message


def test_validate_report_gathers_every_problem():
    _, grid, problems = c.validate_report(
        valid_figures(turnover=-1, exits_total=9),
        year=2026,
        today=TODAY,
        grid=("3", "inconnu", complete_grid(), {}),
    )
    assert grid is None
    assert set(fields(problems)) == {"turnover", "exits_total", "priority_axes", "year"}
