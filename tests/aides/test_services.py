from decimal import Decimal

import pytest

from aides import rules
from aides.models import AidComputation, AidScheme, ParameterVersion
from aides.services import computation_record, scheme_parameters_change
from iae_portal.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

ETE_CASE = {
    "structure": {"kind": "EI"},
    "years": 1,
    "positions": [{"role": "encadrement", "etp": 1, "annual_cost": 36000}],
    "expenses": [{"category": "equipement", "amount": 10000}],
    "flags": {"environment_sector": True},
}


@pytest.fixture
def ete():
    return AidScheme.objects.get(code="pc-emplois-tremplin-environnement")


def test_presets_are_loaded_with_a_first_version():
    codes = set(AidScheme.objects.values_list("code", flat=True))
    assert len(codes) == 13
    assert {"idf-arsie", "ca-equipes-insertion", "corse-et-iae"} <= codes
    assert not AidScheme.objects.filter(versions__isnull=True).exists()
    assert set(ParameterVersion.objects.values_list("number", flat=True)) == {1}


def test_parameter_change_makes_a_new_version_used_by_the_next_computation(ete, chef_service):
    before = ete.compute_amount(ETE_CASE)
    # 25 % of 36 000 = 9 000 (cap 10 000) + 40 % of 10 000 = 4 000 capped at 3 000.
    assert before.total == Decimal("12000.00") and before.parameters_version == 1
    first = computation_record(actor=chef_service, scheme=ete, data=ETE_CASE)

    version = scheme_parameters_change(
        actor=chef_service,
        scheme=ete,
        values={**ete.parameters(), "equipment_cap": Decimal("5000")},
        reason="Délibération 2026-42",
    )
    assert version.number == 2 and version.created_by == chef_service
    after = AidScheme.objects.get(pk=ete.pk).compute_amount(ETE_CASE)
    assert after.total == Decimal("13000.00") and after.parameters_version == 2

    # The earlier computation keeps its version and recomputes to its own result.
    first.refresh_from_db()
    assert first.version.number == 1 and first.total == Decimal("12000.00")
    assert first.recompute().total == Decimal("12000.00")
    entry = AuditEntry.objects.get(action="aides.parameters")
    assert entry.changes == {"equipment_cap": ["3000", "5000"]}
    assert entry.reason == "Délibération 2026-42"


def test_unchanged_parameters_make_no_version(ete, chef_service):
    version = scheme_parameters_change(
        actor=chef_service, scheme=ete, values=ete.parameters(), reason="rien"
    )
    assert version.number == 1
    assert ParameterVersion.objects.filter(scheme=ete).count() == 1


def test_bad_parameter_is_refused_with_a_french_message(ete, chef_service):
    with pytest.raises(rules.ParameterError) as error:
        scheme_parameters_change(
            actor=chef_service,
            scheme=ete,
            values={**ete.parameters(), "equipment_rate": "1.5"},
            reason="erreur",
        )
    assert error.value.name == "equipment_rate"
    assert "entre 0 et 1" in error.value.message
    assert ParameterVersion.objects.filter(scheme=ete).count() == 1


def test_versions_are_never_rewritten(ete):
    version = ete.current_version
    version.values = {}
    with pytest.raises(ValueError):
        version.save()


def test_computation_keeps_input_as_json_without_floats(ete, structure_a, director_a):
    computation = computation_record(
        actor=director_a,
        scheme=ete,
        structure=structure_a,
        data={
            **ETE_CASE,
            "positions": [
                {"role": "execution", "etp": Decimal("0.5"), "annual_cost": Decimal("20000.10")}
            ],
        },
    )
    stored = AidComputation.objects.get(pk=computation.pk)
    assert stored.input["positions"][0] == {
        "role": "execution",
        "etp": "0.5",
        "annual_cost": "20000.10",
    }
    # 20 % of 20 000.10 = 4 000.02, cap 5 000 × 0.5 = 2 500 → 2 500 + 3 000 equipment.
    assert stored.result["total"] == "5500.00"
    assert stored.structure == structure_a and stored.created_by == director_a


def test_check_eligibility_explains_a_refusal(ete):
    eligible, reasons, excluded = ete.check_eligibility(
        {"structure": {"kind": "EPCI"}, "positions": [{"role": "administratif"}]}
    )
    assert not eligible
    assert reasons == ["applicant_kind", "not_environment_sector"]
    assert [(e.ref, e.reason) for e in excluded] == [("positions[0]", "role_not_funded")]


def test_a_degressive_table_shorter_than_the_duration_is_refused(ete, chef_service):
    with pytest.raises(rules.ParameterError) as error:
        scheme_parameters_change(
            actor=chef_service,
            scheme=ete,
            values={**ete.parameters(), "max_years": 5},
            reason="cinq ans",
        )
    assert error.value.name == "encadrement_degressive_rates"
    assert "5 années" in error.value.message
