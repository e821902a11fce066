"""Franche-Comté, Tremplin Solidarités Insertion (aid-rules.md § 2)."""

from decimal import Decimal

import pytest

from .helpers import excluded, line_amounts, params, post, run, schedule

FC = "fc-tremplin-solidarites"


def fc(*positions, trainings=(), kind="EI", parameters=None, **data):
    return run(
        FC,
        parameters=parameters,
        structure={"kind": kind},
        positions=list(positions),
        trainings=list(trainings),
        **data,
    )


def cddi(etp=1):
    return post("insertion", etp=etp, annual_cost=18000, contract="CDDI")


def training(cost, *, at_hiring=True, by_employer=False, **extra):
    return {
        "cost": cost,
        "requested_at_hiring": at_hiring,
        "provider_is_employer": by_employer,
        **extra,
    }


# -- Applicants --------------------------------------------------------------------------------


def test_an_ei_is_eligible():
    output = fc(cddi())
    assert output["eligible"] is True
    assert output["total"] == "3000.00"  # 3 000 € × 1 ETP


@pytest.mark.parametrize(
    "kind", ["ACI", "AI", "ETTI", "EITI", "GEIQ", "RQ", "ASSOCIATION", "EPCI", None]
)
def test_other_applicants_are_refused(kind):
    output = fc(cddi(), trainings=[training(1000)], kind=kind)
    assert output["eligible"] is False
    assert output["reasons"] == ["applicant_kind"]
    assert output["total"] == "0.00"
    assert output["schedule"] == []
    assert output["lines"] == []


# -- Aide au poste ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("etp", "expected"),
    [("1", "3000.00"), ("0.8", "2400.00"), ("0.5", "1500.00"), ("0.333", "999.00")],
)
def test_3000_per_etp(etp, expected):
    assert fc(cddi(Decimal(etp)))["total"] == expected


def test_cddi_only():
    # CDDI 3 000 stands; CDI, CDD and a missing contract are excluded lines.
    output = fc(
        cddi(),
        post("insertion", contract="CDI"),
        post("insertion", contract="CDD"),
        post("insertion"),
    )
    assert line_amounts(output) == ["3000.00"]
    assert excluded(output) == {
        "positions[1]": "contract_not_eligible",
        "positions[2]": "contract_not_eligible",
        "positions[3]": "contract_not_eligible",
    }


def test_a_cdi_alone_is_nothing_to_fund():
    output = fc(post("insertion", contract="CDI"))
    assert output["eligible"] is False
    assert output["total"] == "0.00"


@pytest.mark.parametrize("role", ["encadrement", "execution", "administratif", "chef_equipe"])
def test_insertion_posts_only(role):
    output = fc(post(role, contract="CDDI"), cddi(0.5))
    assert excluded(output) == {"positions[0]": "role_not_funded"}
    assert output["total"] == "1500.00"


def test_one_year_per_application():
    # Three years requested: one year only (the retained reading), 2 × 3 000 = 6 000.
    output = fc(cddi(), cddi(), trainings=[training(1000)], years=3)
    assert schedule(output) == {1: "6750.00"}  # + 75 % of 1 000 = 750


# -- Training ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cost", "expected"),
    [
        ("2000", "1500.00"),  # 75 %
        ("3199.99", "2399.99"),  # 2 399.9925, just under the cap
        ("3200", "2400.00"),  # exactly the cap
        ("3200.01", "2400.00"),  # 2 400.0075 → cap 2 400
        ("4000", "2400.00"),  # 3 000 → cap 2 400
    ],
)
def test_training_75_percent_capped_at_2400(cost, expected):
    output = fc(trainings=[training(Decimal(cost))])
    assert output["eligible"] is True
    assert line_amounts(output) == [expected]


def test_the_training_cap_is_per_training():
    # Two trainings at 4 000: 2 400 each = 4 800, not one cap for both.
    output = fc(trainings=[training(4000), training(4000)])
    assert line_amounts(output) == ["2400.00", "2400.00"]
    assert output["total"] == "4800.00"


def test_training_type_does_not_matter():
    output = fc(trainings=[training(1000, type="permis"), training(1000, type="autre")])
    assert output["total"] == "1500.00"


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (training(2000, at_hiring=False), "training_not_requested_at_hiring"),
        (training(2000, by_employer=True), "training_by_employer"),
        ({"cost": 2000}, "training_not_requested_at_hiring"),  # not said: not at hiring
    ],
    ids=["not at hiring", "by the employer", "request not stated"],
)
def test_an_ineligible_training_is_excluded_and_the_rest_stands(bad, reason):
    # Post 3 000 × 0.8 = 2 400; training 75 % of 1 000 = 750; the bad one left out.
    output = fc(cddi(Decimal("0.8")), trainings=[training(1000), bad])
    assert output["eligible"] is True
    assert excluded(output) == {"trainings[1]": reason}
    assert output["total"] == "3150.00"


def test_only_excluded_trainings_is_nothing_to_fund():
    output = fc(trainings=[training(2000, by_employer=True), training(2000, at_hiring=False)])
    assert output["eligible"] is False
    assert output["total"] == "0.00"
    assert set(excluded(output)) == {"trainings[0]", "trainings[1]"}


def test_expenses_are_excluded_lines():
    output = fc(cddi(), expenses=[{"category": "materiel", "amount": 1000}])
    assert excluded(output) == {"expenses[0]": "not_funded_by_scheme"}
    assert output["total"] == "3000.00"


# -- Parameters drive the rule -----------------------------------------------------------------


def test_amount_per_etp_parameter():
    # 2 500 € per ETP × 0.8 = 2 000.
    output = fc(cddi(Decimal("0.8")), parameters=params(FC, amount_per_etp="2500"))
    assert output["total"] == "2000.00"


def test_training_parameters():
    # 50 % of 4 000 = 2 000, capped at 1 800.
    parameters = params(FC, training_rate="0.5", training_cap="1800")
    assert fc(trainings=[training(4000)], parameters=parameters)["total"] == "1800.00"
    # 50 % of 3 000 = 1 500, under the cap.
    assert fc(trainings=[training(3000)], parameters=parameters)["total"] == "1500.00"


def test_post_contracts_parameter():
    # With CDI added, both posts are funded: 2 × 3 000.
    parameters = params(FC, post_contracts=["CDDI", "CDI"])
    output = fc(cddi(), post("insertion", contract="CDI"), parameters=parameters)
    assert output["total"] == "6000.00"
