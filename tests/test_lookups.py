"""``field__any=[…]`` (iae_portal.lookups) selects what ``field__in`` selects, on SQLite and
PostgreSQL, for keys, relations, UUIDs and text."""

import pytest

from structures.models import Convention, Structure
from tests.structures.factories import ConventionFactory, StructureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def structures():
    found = StructureFactory.create_batch(4)
    for structure in found[:3]:
        ConventionFactory(structure=structure)
    return found


def test_any_selects_as_in(structures):
    ids = [structures[0].pk, structures[2].pk, 10**12]
    assert set(Structure.objects.filter(pk__any=ids)) == set(Structure.objects.filter(pk__in=ids))
    assert set(Structure.objects.filter(pk__any=ids)) == {structures[0], structures[2]}
    by_relation = Convention.objects.filter(structure_id__any=ids)
    assert {c.structure_id for c in by_relation} == {structures[0].pk, structures[2].pk}
    assert Convention.objects.filter(structure__any=ids).count() == 2
    uuids = [structures[1].uuid, structures[3].uuid]
    assert set(Structure.objects.filter(uuid__any=uuids)) == {structures[1], structures[3]}
    sirets = [structures[3].siret, "00000000000000"]
    assert list(Structure.objects.filter(siret__any=sirets)) == [structures[3]]


def test_any_of_nothing_is_nothing(structures):
    assert not Structure.objects.filter(pk__any=[]).exists()
    assert Structure.objects.exclude(pk__any=[]).count() == 4
