"""Poitou-Charentes, Emplois Tremplin Environnement (aid-rules.md § 1)."""

from decimal import Decimal

import pytest

from .helpers import excluded, line_amounts, params, post, run, schedule

ETE = "pc-emplois-tremplin-environnement"
ENV = {"environment_sector": True}


def ete(*positions, expenses=(), kind="ACI", flags=ENV, parameters=None, **data):
    return run(
        ETE,
        parameters=parameters,
        structure={"kind": kind},
        positions=list(positions),
        expenses=list(expenses),
        flags=flags,
        **data,
    )


def equipment(amount):
    return {"category": "equipement", "amount": amount}


# -- Applicants and the environment sector -------------------------------------------------


@pytest.mark.parametrize("kind", ["ACI", "AI", "EI", "ETTI", "EITI", "GEIQ", "RQ", "ASSOCIATION"])
def test_any_siae_or_an_association_may_apply(kind):
    # Execution, degressive year 1: 20 % of 10 000 = 2 000.
    output = ete(post("execution", annual_cost=10000), kind=kind)
    assert output["eligible"] is True
    assert output["total"] == "2000.00"


@pytest.mark.parametrize(
    "kind", ["EPCI", "ETABLISSEMENT_ENSEIGNEMENT", "CREPI", "RESEAU", "PORTEUR_PROJET", None]
)
def test_other_applicants_are_refused(kind):
    output = ete(post("execution", annual_cost=10000), kind=kind)
    assert output["eligible"] is False
    assert output["reasons"] == ["applicant_kind"]
    assert output["total"] == "0.00"
    assert output["lines"] == []


@pytest.mark.parametrize("flags", [{"environment_sector": False}, {}, None])
def test_posts_outside_the_environment_sector_are_refused(flags):
    output = ete(post("encadrement", annual_cost=30000), expenses=[equipment(1000)], flags=flags)
    assert output["eligible"] is False
    assert output["reasons"] == ["not_environment_sector"]
    assert output["schedule"] == []


def test_an_epci_outside_the_sector_gets_both_reasons():
    output = ete(post("execution", annual_cost=10000), kind="EPCI", flags={})
    assert set(output["reasons"]) == {"applicant_kind", "not_environment_sector"}


# -- Rates per year ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate_mode", "expected"),
    [
        # 36 000 € at 25, 20, 15, 10 %: 9 000, 7 200, 5 400, 3 600 (under the 10 000 cap).
        ("degressive", {1: "9000.00", 2: "7200.00", 3: "5400.00", 4: "3600.00"}),
        # 36 000 € at 30 % = 10 800, capped at 10 000 € per ETP each year.
        ("full", {1: "10000.00", 2: "10000.00", 3: "10000.00", 4: "10000.00"}),
    ],
)
def test_encadrement_rates_per_year(rate_mode, expected):
    output = ete(post("encadrement", annual_cost=36000), years=4, rate_mode=rate_mode)
    assert schedule(output) == expected


def test_encadrement_full_rate_under_the_cap():
    # 30 % of 30 000 = 9 000 each year, under the 10 000 cap.
    output = ete(post("encadrement", annual_cost=30000), years=2, rate_mode="full")
    assert schedule(output) == {1: "9000.00", 2: "9000.00"}


@pytest.mark.parametrize(
    ("rate_mode", "expected"),
    [
        # 20 000 € at 20, 15, 10, 5 %: 4 000, 3 000, 2 000, 1 000.
        ("degressive", {1: "4000.00", 2: "3000.00", 3: "2000.00", 4: "1000.00"}),
        # 20 000 € at 20 % = 4 000 each year.
        ("full", {1: "4000.00", 2: "4000.00", 3: "4000.00", 4: "4000.00"}),
    ],
)
def test_execution_rates_per_year(rate_mode, expected):
    output = ete(post("execution", annual_cost=20000), years=4, rate_mode=rate_mode)
    assert schedule(output) == expected


def test_the_rate_mode_is_degressive_by_default():
    # No rate_mode: year 2 of an encadrement post at 20 % of 10 000 = 2 000 (full: 3 000).
    output = ete(post("encadrement", annual_cost=10000), years=2)
    assert schedule(output) == {1: "2500.00", 2: "2000.00"}


# -- Caps per ETP ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "etp", "annual_cost", "expected"),
    [
        # encadrement, full 30 %, cap 10 000 × etp
        ("encadrement", "1", "33333.33", "10000.00"),  # 9 999.999, under the cap, rounded
        ("encadrement", "1", "40000", "10000.00"),  # 12 000 → cap 10 000
        ("encadrement", "0.5", "16000", "4800.00"),  # 4 800 < half cap 5 000
        ("encadrement", "0.5", "20000", "5000.00"),  # 6 000 → half cap 5 000
        ("encadrement", "0.25", "40000", "2500.00"),  # 12 000 → quarter cap 2 500
        # execution, full 20 %, cap 5 000 × etp
        ("execution", "1", "25000", "5000.00"),  # exactly the cap
        ("execution", "1", "25000.05", "5000.00"),  # 5 000.01 → cap 5 000
        ("execution", "1", "24999.95", "4999.99"),  # just under
        ("execution", "0.5", "12500", "2500.00"),  # exactly the half cap
        ("execution", "0.5", "15000", "2500.00"),  # 3 000 → half cap 2 500
        ("execution", "0.5", "10000", "2000.00"),  # 2 000 < half cap
    ],
)
def test_caps_per_etp_scale_with_etp(role, etp, annual_cost, expected):
    output = ete(post(role, etp=Decimal(etp), annual_cost=Decimal(annual_cost)), rate_mode="full")
    assert output["total"] == expected


def test_degressive_rates_are_capped_per_etp_too():
    # 0.5 ETP encadrement at 60 000: 25 % = 15 000 → 5 000, 20 % = 12 000 → 5 000,
    # 15 % = 9 000 → 5 000, 10 % = 6 000 → 5 000.
    # 0.5 ETP execution at 60 000: 12 000, 9 000, 6 000, 3 000 → all capped at 2 500.
    output = ete(
        post("encadrement", etp=0.5, annual_cost=60000),
        post("execution", etp=0.5, annual_cost=60000),
        years=4,
    )
    assert schedule(output) == dict.fromkeys((1, 2, 3, 4), "7500.00")


# -- Duration ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("years", "expected_years"), [(1, [1]), (3, [1, 2, 3]), (4, [1, 2, 3, 4]), (5, [1, 2, 3, 4])]
)
def test_duration_at_most_four_years(years, expected_years):
    output = ete(post("execution", annual_cost=20000), years=years, rate_mode="full")
    assert [row["year"] for row in output["schedule"]] == expected_years


def test_six_years_are_computed_on_four():
    # Degressive execution 20 000: 4 000 + 3 000 + 2 000 + 1 000 = 10 000, nothing after year 4.
    six = ete(post("execution", annual_cost=20000), years=6)
    four = ete(post("execution", annual_cost=20000), years=4)
    assert six["total"] == four["total"] == "10000.00"
    assert six["schedule"] == four["schedule"]


def test_one_year_by_default():
    output = ete(post("encadrement", annual_cost=20000))
    assert schedule(output) == {1: "5000.00"}  # 25 % of 20 000


# -- Equipment ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amounts", "expected"),
    [
        (["5000"], "2000.00"),  # 40 % of 5 000
        (["7499.95"], "2999.98"),  # 2 999.98, just under the cap
        (["7500"], "3000.00"),  # exactly the cap
        (["7500.05"], "3000.00"),  # 3 000.02 → cap 3 000
        (["12000"], "3000.00"),  # 4 800 → cap 3 000
        (["4000", "4000"], "3000.00"),  # cap per application, not per expense: 3 200 → 3 000
        (["1000", "2000"], "1200.00"),  # 40 % of the sum 3 000
    ],
)
def test_equipment_is_40_percent_capped_at_3000_per_application(amounts, expected):
    output = ete(expenses=[equipment(Decimal(a)) for a in amounts])
    assert output["eligible"] is True
    assert line_amounts(output) == [expected]
    assert output["schedule"] == [{"year": 1, "amount": expected}]


def test_equipment_is_paid_in_year_1_only():
    # Year 1: 4 000 (execution) + 2 000 (40 % of 5 000); years 2-3: 3 000, 2 000.
    output = ete(post("execution", annual_cost=20000), expenses=[equipment(5000)], years=3)
    assert schedule(output) == {1: "6000.00", 2: "3000.00", 3: "2000.00"}


def test_other_expense_categories_are_excluded_lines():
    output = ete(
        expenses=[
            {"category": "materiel", "amount": 10000},
            equipment(1000),
            {"category": "fonctionnement", "amount": 500},
        ]
    )
    assert line_amounts(output) == ["400.00"]
    assert set(excluded(output)) == {"expenses[0]", "expenses[2]"}


# -- Roles -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role",
    [
        "insertion",
        "chef_equipe",
        "encadrant_technique",
        "charge_insertion",
        "administratif",
        "accompagnement_social",
        "fonction_mutualisee",
    ],
)
def test_other_roles_are_excluded_lines(role):
    # The execution post stands: 20 % of 10 000 = 2 000.
    output = ete(post(role, annual_cost=50000), post("execution", annual_cost=10000))
    assert output["eligible"] is True
    assert output["total"] == "2000.00"
    assert excluded(output) == {"positions[0]": "role_not_funded"}


def test_only_other_roles_is_nothing_to_fund():
    output = ete(post("administratif", annual_cost=50000))
    assert output["eligible"] is False
    assert output["total"] == "0.00"
    assert excluded(output) == {"positions[0]": "role_not_funded"}


def test_trainings_are_excluded_lines():
    output = ete(post("execution", annual_cost=10000), trainings=[{"cost": 1000}])
    assert excluded(output) == {"trainings[0]": "not_funded_by_scheme"}
    assert output["total"] == "2000.00"


def test_every_post_is_a_line_per_year():
    # Encadrement 36 000 and two execution posts 22 000, degressive, 2 years:
    # year 1: 9 000 + 4 400 + 4 400; year 2: 7 200 + 3 300 + 3 300.
    output = ete(
        post("encadrement", annual_cost=36000),
        post("execution", annual_cost=22000),
        post("execution", annual_cost=22000),
        years=2,
    )
    assert line_amounts(output) == [
        "9000.00", "7200.00", "4400.00", "3300.00", "4400.00", "3300.00",
    ]  # fmt: skip
    assert schedule(output) == {1: "17800.00", 2: "13800.00"}


# -- Parameters drive the rule -----------------------------------------------------------------


def test_equipment_cap_parameter():
    # 40 % of 12 000 = 4 800: capped at 3 000 by default, at 4 000 with the cap raised,
    # untouched with a cap of 5 000.
    expenses = [equipment(12000)]
    assert ete(expenses=expenses)["total"] == "3000.00"
    assert ete(expenses=expenses, parameters=params(ETE, equipment_cap="4000"))["total"] == (
        "4000.00"
    )
    assert ete(expenses=expenses, parameters=params(ETE, equipment_cap=5000))["total"] == (
        "4800.00"
    )


def test_rate_and_cap_parameters():
    # Execution 20 000, full rate set to 50 %: 10 000, capped at a cap set to 8 000.
    parameters = params(ETE, execution_full_rate="0.5", execution_cap_per_etp="8000")
    output = ete(post("execution", annual_cost=20000), rate_mode="full", parameters=parameters)
    assert output["total"] == "8000.00"


def test_degressive_rates_parameter():
    # Encadrement 10 000 with rates 50, 40 %: 5 000 then 4 000.
    parameters = params(ETE, encadrement_degressive_rates=["0.5", "0.4"])
    output = ete(post("encadrement", annual_cost=10000), years=2, parameters=parameters)
    assert schedule(output) == {1: "5000.00", 2: "4000.00"}


def test_max_years_parameter():
    # Full-rate execution 20 000 = 4 000 a year; 2 years at most, 6 requested.
    output = ete(
        post("execution", annual_cost=20000),
        years=6,
        rate_mode="full",
        parameters=params(ETE, max_years=2),
    )
    assert schedule(output) == {1: "4000.00", 2: "4000.00"}


def test_applicant_kinds_parameter():
    # An EPCI is refused by the source's figures, accepted once added to the list.
    parameters = params(ETE, applicant_kinds=["ASSOCIATION", "EPCI"])
    assert ete(post("execution", annual_cost=10000), kind="EPCI", parameters=parameters)["eligible"]
    assert not ete(post("execution", annual_cost=10000), kind="ACI", parameters=parameters)[
        "eligible"
    ]
