"""Midi-Pyrénées, youth hiring in the IAE (aid-rules.md § 5): eligibility only."""

import pytest

from .helpers import excluded, params, post, run

MP = "mp-recrutement-jeunes"
YOUNG = {"age": 19, "qualified": False, "qpv": True, "zrr": False}


def mp(*positions, kind="EI", crepi=False, parameters=None, **data):
    return run(
        MP,
        parameters=parameters,
        structure={"kind": kind},
        positions=list(positions),
        flags={"crepi": crepi},
        **data,
    )


def hire(contract="CDD", months=7, **holder):
    return post(
        "insertion",
        annual_cost=17000,
        contract=contract,
        contract_months=months,
        holder={**YOUNG, **holder},
    )


def assert_no_amount(output):
    assert output["total"] is None
    assert output["lines"] == []
    assert output["schedule"] == []


def assert_hire(output, eligible, reason=None):
    assert_no_amount(output)
    assert output["eligible"] is eligible
    if eligible:
        assert output["reasons"] == []
        assert output["excluded"] == []
    else:
        assert output["reasons"] == ["no_eligible_hire"]
        assert excluded(output) == {"positions[0]": reason}


# -- Applicants --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["ACI", "AI", "EI", "ETTI", "EITI", "GEIQ", "RQ"])
def test_any_siae_may_apply(kind):
    assert_hire(mp(hire(), kind=kind), eligible=True)


@pytest.mark.parametrize("kind", ["ASSOCIATION", "EPCI", "CREPI", "RESEAU", "PORTEUR_PROJET", None])
def test_non_siae_are_refused(kind):
    output = mp(hire(), kind=kind)
    assert output["eligible"] is False
    assert "applicant_kind" in output["reasons"]
    assert_no_amount(output)


def test_no_hire_is_not_eligible():
    output = mp()
    assert output["eligible"] is False
    assert output["reasons"] == ["no_eligible_hire"]
    assert_no_amount(output)


# -- The young person --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "eligible"), [(15, False), (16, True), (20, True), (26, True), (27, False)]
)
def test_aged_16_to_26_inclusive(age, eligible):
    assert_hire(mp(hire(age=age)), eligible, "age_out_of_range")


def test_age_unknown_is_not_eligible():
    output = mp(post("insertion", contract="CDD", contract_months=7, holder={"qualified": False, "qpv": True}))  # fmt: skip
    assert_hire(output, False, "age_unknown")


def test_no_holder_is_not_eligible():
    assert mp(post("insertion", contract="CDD", contract_months=7))["eligible"] is False


def test_qualified_is_not_eligible():
    assert_hire(mp(hire(qualified=True)), False, "holder_qualified")


def test_qualification_not_stated_is_not_eligible():
    # "without diploma or qualification" must be stated: qualified defaults to true.
    holder = {"age": 19, "qpv": True}
    output = mp(post("insertion", contract="CDD", contract_months=7, holder=holder))
    assert_hire(output, False, "holder_qualified")


@pytest.mark.parametrize(
    ("qpv", "zrr", "eligible"),
    [(True, False, True), (False, True, True), (True, True, True), (False, False, False)],
)
def test_living_in_a_qpv_or_a_rural_zone(qpv, zrr, eligible):
    assert_hire(mp(hire(qpv=qpv, zrr=zrr)), eligible, "not_qpv_or_zrr")


# -- The contract ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "eligible"),
    [
        ("GEIQ", True),
        ("EI", True),
        ("AI", True),
        ("ETTI", False),
        ("ACI", False),
        ("EITI", False),
        ("RQ", False),
    ],
)
def test_contrat_pro_in_a_geiq_ei_or_ai(kind, eligible):
    output = mp(hire("CONTRAT_PRO", months=None), kind=kind)
    assert_hire(output, eligible, "contract_not_eligible")


@pytest.mark.parametrize(("crepi", "eligible"), [(True, True), (False, False)])
def test_cdi_within_a_crepi(crepi, eligible):
    assert_hire(mp(hire("CDI", months=None), crepi=crepi), eligible, "contract_not_eligible")


def test_cdi_within_a_crepi_in_any_siae():
    # The CREPI flag, not the applicant kind, makes the CDI eligible.
    assert_hire(mp(hire("CDI", months=None), kind="ACI", crepi=True), eligible=True)


@pytest.mark.parametrize(
    ("months", "eligible"), [(5, False), (5.9, False), (6, True), (7, True), (24, True)]
)
def test_cdd_of_six_months_or_more(months, eligible):
    assert_hire(mp(hire("CDD", months=months)), eligible, "contract_too_short")


def test_cdd_of_unknown_length_is_not_eligible():
    assert_hire(mp(hire("CDD", months=None)), False, "contract_too_short")


@pytest.mark.parametrize("contract", ["CUI-CIE", "CUI-CAE", "CDDI", None])
def test_other_contracts_are_not_eligible(contract):
    # Even for 12 months, in a CREPI, in an EI.
    output = mp(hire(contract, months=12), crepi=True)
    assert_hire(output, False, "contract_not_eligible")


# -- The application ---------------------------------------------------------------------------


def test_eligible_with_one_eligible_hire_among_ineligible_ones():
    output = mp(
        hire("CUI-CAE"),
        hire(age=30),
        hire("CDD", months=6),
        hire(qualified=True),
        hire(qpv=False, zrr=False),
        hire("CDD", months=4),
    )
    assert output["eligible"] is True
    assert output["reasons"] == []
    assert_no_amount(output)
    assert excluded(output) == {
        "positions[0]": "contract_not_eligible",
        "positions[1]": "age_out_of_range",
        "positions[3]": "holder_qualified",
        "positions[4]": "not_qpv_or_zrr",
        "positions[5]": "contract_too_short",
    }


def test_total_stays_null_whatever_the_posts_cost_or_years():
    output = mp(hire(), hire(), years=3, expenses=[{"category": "materiel", "amount": 5000}])
    assert output["eligible"] is True
    assert_no_amount(output)
    assert excluded(output) == {"expenses[0]": "not_funded_by_scheme"}


# -- Parameters drive the rule -----------------------------------------------------------------


def test_age_parameters():
    parameters = params(MP, min_age=18, max_age=30)
    assert mp(hire(age=28), parameters=parameters)["eligible"] is True
    assert mp(hire(age=17), parameters=parameters)["eligible"] is False


def test_cdd_min_months_parameter():
    parameters = params(MP, cdd_min_months=4)
    assert mp(hire("CDD", months=4), parameters=parameters)["eligible"] is True
    assert mp(hire("CDD", months=3), parameters=parameters)["eligible"] is False


def test_contrat_pro_kinds_parameter():
    parameters = params(MP, contrat_pro_kinds=["ACI"])
    assert mp(hire("CONTRAT_PRO"), kind="ACI", parameters=parameters)["eligible"] is True
    assert mp(hire("CONTRAT_PRO"), kind="GEIQ", parameters=parameters)["eligible"] is False
