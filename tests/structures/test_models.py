import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from hypothesis import given
from hypothesis import strategies as st

from structures.models import Convention, Department, Structure, YearlyFigures
from structures.validators import normalize_siret, validate_siret
from tests.structures.factories import (
    ConventionFactory,
    FiguresFactory,
    StructureFactory,
    make_siret,
)


class TestSiretValidation:
    def test_valid_siret_passes(self):
        validate_siret("73282932000074")  # a real, Luhn-valid SIRET

    def test_wrong_checksum_is_rejected(self):
        with pytest.raises(ValidationError) as error:
            validate_siret("73282932000075")
        assert error.value.code == "siret_checksum"
        assert "clé de contrôle" in error.value.messages[0]

    @pytest.mark.parametrize("value", ["7328293200007", "732829320000745", "7328293200007A", ""])
    def test_wrong_length_or_characters_are_rejected(self, value):
        with pytest.raises(ValidationError) as error:
            validate_siret(value)
        assert error.value.code == "siret_format"

    def test_siren_part_is_not_held_to_its_own_key(self):
        # structures.md: 14 digits, Luhn-valid over the 14; the samples rely on it.
        validate_siret("29611124226235")

    def test_la_poste_sirets_follow_the_digit_sum_rule(self):
        validate_siret("35600000000001")  # digit sum 15
        with pytest.raises(ValidationError):
            validate_siret("35600000000002")

    def test_normalize_removes_spaces(self):
        assert normalize_siret(" 732 829 320 00074 ") == "73282932000074"

    @given(st.integers(min_value=0, max_value=10**12 - 1))
    def test_generated_sirets_are_valid_and_one_digit_change_is_caught(self, n):
        siret = make_siret(n)
        validate_siret(siret)
        last = (int(siret[-1]) + 1) % 10
        with pytest.raises(ValidationError):
            validate_siret(siret[:-1] + str(last))


@pytest.mark.django_db
class TestStructureConstraints:
    def test_siret_is_unique_in_database(self):
        StructureFactory(siret="73282932000074")
        with pytest.raises(IntegrityError), transaction.atomic():
            StructureFactory(siret="73282932000074")

    def test_siret_length_is_constrained_in_database(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            Structure.objects.create(
                siret="123",
                name="Trop court",
                kind="ACI",
                legal_form="association",
                department=Department.objects.get(code="54"),
            )

    def test_unknown_kind_is_constrained_in_database(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            StructureFactory(kind="XYZ")

    def test_region_is_derived_from_department(self):
        structure = StructureFactory(department=Department.objects.get(code="2A"))
        assert structure.region.code == "94"
        assert structure.siren == structure.siret[:9]

    def test_convention_dates_must_be_in_order(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            ConventionFactory(
                start_date=datetime.date(2025, 1, 1), end_date=datetime.date(2024, 12, 31)
            )

    def test_convention_active_today(self):
        today = datetime.date.today()
        current = ConventionFactory()
        expired = ConventionFactory(
            start_date=today - datetime.timedelta(days=800),
            end_date=today - datetime.timedelta(days=1),
        )
        assert current.is_active
        assert not expired.is_active
        assert set(Structure.objects.with_active_convention()) == {current.structure}
        assert set(Structure.objects.with_active_convention(active=False)) == {expired.structure}


@pytest.mark.django_db
class TestYearlyFigures:
    def test_self_financing_rate_is_own_over_total_resources(self):
        figures = FiguresFactory(
            total_resources=Decimal("800000.00"), public_subsidies=Decimal("500000.00")
        )
        assert figures.own_resources == Decimal("300000.00")
        assert figures.self_financing_rate == Decimal("0.3750")

    def test_self_financing_rate_is_none_without_resources(self):
        figures = FiguresFactory(total_resources=Decimal(0), public_subsidies=Decimal(0))
        assert figures.self_financing_rate is None

    def test_subsidies_cannot_exceed_resources_in_database(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            FiguresFactory(total_resources=Decimal(100), public_subsidies=Decimal(101))

    def test_negative_amounts_are_refused_in_database(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            FiguresFactory(turnover=Decimal(-1))

    def test_one_set_of_figures_per_year(self):
        figures = FiguresFactory(year=2024)
        with pytest.raises(IntegrityError), transaction.atomic():
            FiguresFactory(structure=figures.structure, year=2024)

    def test_share_outside_percent_range_is_refused_in_database(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            FiguresFactory(share_women=Decimal("101"))

    def test_exits_total_sums_every_kind(self):
        figures = FiguresFactory(exits_cdi=2, exits_cdd=3, exits_interim=1, exits_other_siae=4)
        assert figures.exits_total == 10


@pytest.mark.django_db
def test_reference_territories_are_loaded():
    from structures.models import Region

    assert Region.objects.count() == 18
    assert Department.objects.count() == 101
    assert Department.objects.get(code="971").region.name == "Guadeloupe"
    assert Department.objects.get(code="976").region_id == "06"
    assert Department.objects.get(code="57").region.name == "Grand Est"
    assert Department.objects.get(code="43").region.name == "Auvergne-Rhône-Alpes"
    # Every region has at least one département.
    assert not Region.objects.filter(departments__isnull=True).exists()
    assert YearlyFigures.objects.count() == 0 and Convention.objects.count() == 0


@pytest.mark.django_db
def test_department_codes_of_each_region_are_those_in_the_database():
    from structures.models import Region
    from structures.reference import department_codes

    for region in Region.objects.all():
        stored = set(region.departments.values_list("code", flat=True))
        assert set(department_codes(region.code)) == stored, region.code
    assert department_codes("44") == ("08", "10", "51", "52", "54", "55", "57", "67", "68", "88")
    assert department_codes("00") == ()


@pytest.mark.parametrize(
    ("kind", "shown"),
    [
        ("ACI", "ACI"),
        ("ETTI", "ETTI"),
        ("ASSOCIATION", "Association"),
        ("RESEAU", "Réseau de l'IAE"),
        ("PORTEUR_PROJET", "Porteur de projet (structure en création)"),
    ],
)
def test_kind_short_is_the_acronym_people_use_or_the_name(kind, shown):
    assert Structure(kind=kind).kind_short == shown
