"""Schemes with no amount rule (aid-rules.md, "Schemes with no amount rule in the source"):
the software checks the applicant kind; staff set the amount, so ``total`` is null."""

import pytest

from aides.rules.case import KINDS, SIAE
from tests.aides.helpers import excluded, params, run

SIAE_KINDS = sorted(SIAE)
# Corse: SIAE first, also ESS structures with insertion activities; Saône-et-Loire: its
# tools serve SIAE and associations (preset); Aquitaine: training of insertion employees.
APPLICANTS = {
    "corse-et-iae": {*SIAE_KINDS, "ASSOCIATION"},
    "aquitaine-accord-cadre-formation": set(SIAE_KINDS),
    "sl-outils-iae": {*SIAE_KINDS, "ASSOCIATION"},
}
CASES = [(code, kind) for code in APPLICANTS for kind in KINDS]


def assert_no_amount(output):
    assert output["total"] is None
    assert output["lines"] == []
    assert output["schedule"] == []


@pytest.mark.parametrize(("code", "kind"), CASES)
def test_eligibility_by_applicant_kind(code, kind):
    output = run(code, structure={"kind": kind})
    assert_no_amount(output)
    if kind in APPLICANTS[code]:
        assert output["eligible"] is True
        assert output["reasons"] == []
    else:
        assert output["eligible"] is False
        assert output["reasons"] == ["applicant_kind"]


@pytest.mark.parametrize("code", APPLICANTS)
def test_no_structure_kind_is_refused(code):
    output = run(code)
    assert output["eligible"] is False
    assert output["reasons"] == ["applicant_kind"]
    assert_no_amount(output)


@pytest.mark.parametrize("code", APPLICANTS)
def test_costs_given_never_make_an_amount(code):
    output = run(
        code,
        structure={"kind": "ACI"},
        years=3,
        positions=[{"role": "insertion", "etp": 1, "annual_cost": 20000, "contract": "CDDI"}],
        expenses=[{"category": "materiel", "amount": 10000}],
        trainings=[{"cost": 2000, "type": "certifiante"}],
        operating_expenses=50000,
    )
    assert output["eligible"] is True
    assert_no_amount(output)
    # The items are recorded as left out of any computation, not silently dropped.
    assert set(excluded(output)) == {"positions[0]", "expenses[0]", "trainings[0]"}


def test_a_region_can_widen_the_applicants():
    code = "aquitaine-accord-cadre-formation"
    widened = params(code, applicant_kinds=[*SIAE_KINDS, "ASSOCIATION"])
    assert run(code, structure={"kind": "ASSOCIATION"})["eligible"] is False
    output = run(code, structure={"kind": "ASSOCIATION"}, parameters=widened)
    assert output["eligible"] is True
    assert_no_amount(output)
