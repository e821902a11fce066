import datetime
from decimal import Decimal

import pytest

from dla.bilan import dla_bilan
from dla.models import Accompaniment, Dla, Prestation, Provider, StructureStaffCount
from iae_portal.bilans import share
from structures.models import Department
from tests.structures.factories import AffiliationFactory, StructureFactory

pytestmark = pytest.mark.django_db


def make_data(n):
    """``n`` prestations of 2011, each with one SIAE (affiliated one time in two) and one
    association."""
    dla = Dla.objects.get_or_create(department=Department.objects.get(code="54"))[0]
    provider = Provider.objects.get_or_create(name="Réseau", kind="reseau_iae")[0]
    for i in range(n):
        accompaniment = Accompaniment.objects.create(ref=f"A{n}-{i}", dla=dla)
        prestation = Prestation.objects.create(
            ref=f"P{n}-{i}",
            accompaniment=accompaniment,
            start_date=datetime.date(2011, 3, 1),
            end_date=datetime.date(2011, 6, 1),
            mode="individuelle" if i % 2 else "collective",
            theme="juridique",
            prescriber="reseau_iae",
            provider=provider,
            days=Decimal(2),
            cost=Decimal(1000),
        )
        siae = StructureFactory(kind="EI")
        if i % 2:
            AffiliationFactory(structure=siae)
        StructureStaffCount.objects.create(structure=siae, permanents=2, insertion_employees=10)
        prestation.beneficiaries.add(siae, StructureFactory(kind="ASSOCIATION"))


@pytest.mark.parametrize("size", [3, 20])
def test_bilan_queries_are_bounded(size, django_assert_max_num_queries):
    make_data(size)
    with django_assert_max_num_queries(4):
        bilan = dla_bilan(2011)
    assert bilan["prestations"] == size
    assert bilan["all_beneficiaries"] == 2 * size
    assert bilan["permanents"] == 2 * size
    assert bilan["network_affiliated_share"] == share(size // 2, size)
    assert bilan["mode_shares"]["collective"] == share((size + 1) // 2, size)


def test_bilan_without_data_and_department_filter():
    make_data(2)
    empty = dla_bilan(2012)
    assert empty["prestations"] == 0
    assert empty["mode_shares"] == {"individuelle": 0.0, "collective": 0.0}
    assert empty["themes"] == {"individuelle": {}, "collective": {}}
    assert dla_bilan(2011, departments=["57"])["prestations"] == 0
    assert dla_bilan(2011, departments=["54"])["prestations"] == 2


def test_share_rounds_half_up():
    assert share(2, 3) == 0.667
    assert share(1, 8) == 0.125
    assert share(1, 0) == 0.0
