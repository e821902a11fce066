"""``iae_portal.bulk.bulk_insert``: COPY on PostgreSQL, bulk_create elsewhere — same rows."""

from decimal import Decimal

import pytest
from django.utils import timezone

from aides.models import AidComputation, AidScheme
from iae_portal.bulk import bulk_insert
from tests.structures.factories import StructureFactory

pytestmark = pytest.mark.django_db


def test_bulk_insert_returns_keys_in_order_and_stores_every_value():
    scheme = AidScheme.objects.get(code="pc-emplois-tremplin-environnement")
    structures = StructureFactory.create_batch(3)
    now = timezone.now()
    rows = [
        {
            "scheme_id": scheme.pk,
            "version_id": scheme.current_version.pk,
            "structure_id": structure.pk,
            "input": {"years": index + 1, "label": "l'équipe « verte »\ttab\\slash\nligne"},
            "result": {"total": f"{index}.50", "lines": [{"amount": "1.00"}]},
            "eligible": index % 2 == 0,
            "total": Decimal(f"{index}1234.56"),
            "created_at": now,
        }
        for index, structure in enumerate(structures)
    ]

    keys = bulk_insert(AidComputation, rows)

    assert len(set(keys)) == 3
    stored = AidComputation.objects.in_bulk(keys)
    for key, row in zip(keys, rows, strict=True):
        computation = stored[key]
        assert computation.structure_id == row["structure_id"]
        assert computation.input == row["input"]
        assert computation.result == row["result"]
        assert computation.eligible is row["eligible"]
        assert computation.total == row["total"]
        assert computation.created_at == now
        assert computation.uuid is not None  # a field left out takes its default
    assert len({c.uuid for c in stored.values()}) == 3


def test_bulk_insert_of_nothing_does_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert bulk_insert(AidComputation, []) == []


def test_keys_drawn_by_bulk_insert_do_not_collide_with_later_saves():
    scheme = AidScheme.objects.get(code="pc-emplois-tremplin-environnement")
    structure = StructureFactory()
    base = {
        "scheme_id": scheme.pk,
        "version_id": scheme.current_version.pk,
        "structure_id": structure.pk,
        "input": {},
        "result": {},
        "eligible": True,
    }
    keys = bulk_insert(AidComputation, [base, base])
    later = AidComputation.objects.create(**base)
    assert later.pk not in keys


def test_values_of_another_type_are_stored_as_a_save_would_store_them():
    """A string for a decimal, an integer for a boolean, a string key, integer keys in a
    JSON document: COPY's fast paths must not store them differently from ``save()``."""
    scheme = AidScheme.objects.get(code="pc-emplois-tremplin-environnement")
    structure = StructureFactory()
    row = {
        "scheme_id": str(scheme.pk),
        "version_id": scheme.current_version.pk,
        "structure_id": structure.pk,
        "input": {1: "un", "liste": (1, 2.5, None, True), "texte": "« été »"},
        "result": {"total": "1.50"},
        "eligible": 1,
        "total": "1234.5",
    }
    (key,) = bulk_insert(AidComputation, [row])
    saved = AidComputation.objects.create(**{**row, "scheme_id": scheme.pk})

    copied = AidComputation.objects.get(pk=key)
    saved.refresh_from_db()
    for name in ("scheme_id", "input", "result", "eligible", "total"):
        assert getattr(copied, name) == getattr(saved, name), name
    assert copied.input == {"1": "un", "liste": [1, 2.5, None, True], "texte": "« été »"}
    assert copied.total == Decimal("1234.50") and copied.eligible is True
