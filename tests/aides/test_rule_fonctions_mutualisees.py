"""Bretagne, shared functions between SIAE (aid-rules.md § 4)."""

from decimal import Decimal

import pytest

from .helpers import excluded, line_amounts, params, post, run, schedule

BZH = "bzh-fonctions-mutualisees"
FLAGS = {"grouped_structures": True, "beneficiary_contribution": 8000, "new_function": True}


def bzh(*positions, kind="ACI", flags=None, parameters=None, **data):
    return run(
        BZH,
        parameters=parameters,
        structure={"kind": kind},
        positions=list(positions),
        flags=FLAGS if flags is None else flags,
        **data,
    )


def shared(annual_cost=30000, etp=1, contract="CDI", function="developpement_commercial", **extra):
    return post("fonction_mutualisee", etp=etp, annual_cost=annual_cost, contract=contract, function=function, **extra)  # fmt: skip


# -- Applicants and the three conditions -------------------------------------------------------


@pytest.mark.parametrize("kind", ["ACI", "AI", "EI", "ETTI", "EITI", "GEIQ", "RQ"])
def test_any_siae_may_carry_the_post(kind):
    # 30 000 − 8 000 = 22 000.
    output = bzh(shared(), kind=kind)
    assert output["eligible"] is True
    assert output["total"] == "22000.00"


@pytest.mark.parametrize("kind", ["ASSOCIATION", "EPCI", "CREPI", "RESEAU", "PORTEUR_PROJET", None])
def test_non_siae_are_refused(kind):
    output = bzh(shared(), kind=kind)
    assert output["eligible"] is False
    assert output["reasons"] == ["applicant_kind"]
    assert output["total"] == "0.00"


@pytest.mark.parametrize(
    ("flags", "reason"),
    [
        ({**FLAGS, "grouped_structures": False}, "not_grouped_structures"),
        ({**FLAGS, "beneficiary_contribution": 0}, "no_beneficiary_contribution"),
        ({**FLAGS, "new_function": False}, "not_new_function"),
        ({"beneficiary_contribution": 8000, "new_function": True}, "not_grouped_structures"),
        ({"grouped_structures": True, "new_function": True}, "no_beneficiary_contribution"),
        ({"grouped_structures": True, "beneficiary_contribution": 8000}, "not_new_function"),
    ],
    ids=[
        "not grouped", "zero contribution", "not new",
        "grouped unsaid", "contribution unsaid", "new unsaid",
    ],
)  # fmt: skip
def test_each_missing_condition_refuses(flags, reason):
    output = bzh(shared(45000), flags=flags)
    assert output["eligible"] is False
    assert output["reasons"] == [reason]
    assert output["total"] == "0.00"
    assert output["schedule"] == []
    assert output["lines"] == []


def test_all_conditions_missing_gives_every_reason():
    output = bzh(shared(45000), flags={})
    assert set(output["reasons"]) == {
        "not_grouped_structures",
        "no_beneficiary_contribution",
        "not_new_function",
    }


def test_a_contribution_of_one_cent_is_a_contribution():
    # 30 000 − 0.01 = 29 999.99.
    output = bzh(shared(), flags={**FLAGS, "beneficiary_contribution": Decimal("0.01")})
    assert output["eligible"] is True
    assert output["total"] == "29999.99"


# -- The eligible post -------------------------------------------------------------------------


@pytest.mark.parametrize("function", ["developpement_commercial", "grh"])
def test_eligible_functions(function):
    assert bzh(shared(function=function))["total"] == "22000.00"


@pytest.mark.parametrize("function", ["comptabilite", "autre", None])
def test_other_functions_are_excluded(function):
    output = bzh(shared(function=function), shared(function="grh"))
    assert excluded(output) == {"positions[0]": "function_not_eligible"}
    assert output["total"] == "22000.00"


def test_comptabilite_alone_is_nothing_to_fund():
    output = bzh(shared(function="comptabilite"))
    assert output["eligible"] is False
    assert output["total"] == "0.00"
    assert excluded(output) == {"positions[0]": "function_not_eligible"}


@pytest.mark.parametrize("contract", ["CDD", "CDDI", "CUI-CIE", "CUI-CAE", "CONTRAT_PRO", None])
def test_cdi_only(contract):
    output = bzh(shared(contract=contract))
    assert output["eligible"] is False
    assert excluded(output) == {"positions[0]": "contract_not_eligible"}


@pytest.mark.parametrize(
    ("etp", "expected"),
    [("1", "22000.00"), ("0.75", "22000.00"), ("0.5", "22000.00"), ("0.49", None)],
)
def test_at_least_half_time(etp, expected):
    # The post's annual cost is what it costs: 30 000 − 8 000 whatever its etp.
    output = bzh(shared(etp=Decimal(etp)))
    if expected is None:
        assert output["eligible"] is False
        assert excluded(output) == {"positions[0]": "etp_below_minimum"}
    else:
        assert output["eligible"] is True
        assert output["total"] == expected


@pytest.mark.parametrize("role", ["insertion", "encadrement", "administratif"])
def test_other_roles_are_excluded(role):
    output = bzh(post(role, annual_cost=45000, contract="CDI", function="grh"), shared())
    assert excluded(output) == {"positions[0]": "role_not_funded"}
    assert output["total"] == "22000.00"


# -- Amount: cost minus contribution, capped ---------------------------------------------------


@pytest.mark.parametrize(
    ("annual_cost", "contribution", "expected"),
    [
        ("35000", "8000", "27000.00"),  # under the cap
        ("38000", "8000", "30000.00"),  # exactly the cap
        ("38000.01", "8000", "30000.00"),  # 30 000.01 → cap
        ("37999.99", "8000", "29999.99"),  # just under
        ("45000", "8000", "30000.00"),  # 37 000 → cap
        ("45000", "14999.99", "30000.00"),  # 30 000.01 → cap
        ("9000.50", "8000.25", "1000.25"),
    ],
)
def test_cost_minus_contribution_capped_at_30000(annual_cost, contribution, expected):
    output = bzh(
        shared(Decimal(annual_cost)),
        flags={**FLAGS, "beneficiary_contribution": Decimal(contribution)},
    )
    assert output["total"] == expected


@pytest.mark.parametrize("contribution", ["30000", "30000.01", "50000"])
def test_a_contribution_covering_the_cost_gives_nothing(contribution):
    output = bzh(shared(30000), flags={**FLAGS, "beneficiary_contribution": Decimal(contribution)})
    assert output["eligible"] is False
    assert output["lines"] == []
    assert output["total"] == "0.00"


@pytest.mark.parametrize(
    ("years", "total"), [(1, "22000.00"), (2, "44000.00"), (3, "66000.00"), (10, "220000.00")]
)
def test_every_year_requested_with_no_maximum(years, total):
    output = bzh(shared(), years=years)
    assert schedule(output) == dict.fromkeys(range(1, years + 1), "22000.00")
    assert output["total"] == total


def test_capped_amount_each_year():
    # 45 000 − 8 000 = 37 000 → 30 000 a year, three years.
    output = bzh(shared(45000), years=3)
    assert line_amounts(output) == ["30000.00"] * 3
    assert output["total"] == "90000.00"


def test_each_eligible_post_is_cost_minus_contribution():
    # Two eligible posts: (30 000 − 8 000) + (20 000 − 8 000) = 34 000 a year.
    output = bzh(shared(30000), shared(20000, function="grh"), years=2)
    assert schedule(output) == {1: "34000.00", 2: "34000.00"}


def test_expenses_and_trainings_are_excluded_lines():
    output = bzh(
        shared(),
        expenses=[{"category": "materiel", "amount": 100}],
        trainings=[{"cost": 100}],
    )
    assert excluded(output) == {
        "expenses[0]": "not_funded_by_scheme",
        "trainings[0]": "not_funded_by_scheme",
    }
    assert output["total"] == "22000.00"


# -- Parameters drive the rule -----------------------------------------------------------------


def test_annual_cap_parameter():
    # 45 000 − 8 000 = 37 000: capped at 30 000 by default, at 35 000 when raised.
    assert bzh(shared(45000))["total"] == "30000.00"
    assert bzh(shared(45000), parameters=params(BZH, annual_cap="35000"))["total"] == "35000.00"


def test_min_etp_parameter():
    # Minimum lowered to 0.4: a 0.45 post is now eligible.
    post_045 = shared(etp=Decimal("0.45"))
    assert bzh(post_045)["eligible"] is False
    assert bzh(post_045, parameters=params(BZH, min_etp="0.4"))["total"] == "22000.00"


def test_functions_and_contracts_parameters():
    parameters = params(BZH, functions=["comptabilite"], contracts=["CDI", "CDD"])
    output = bzh(shared(function="comptabilite", contract="CDD"), shared(), parameters=parameters)
    assert line_amounts(output) == ["22000.00"]
    assert excluded(output) == {"positions[1]": "function_not_eligible"}
