"""``iae_portal.bulk.bulk_insert``: COPY on PostgreSQL, bulk_create elsewhere — same rows."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from aides.models import AidComputation, AidScheme
from iae_portal.audit.models import AuditEntry
from iae_portal.bulk import QueryDuringCopy, bulk_insert, bulk_inserter
from structures.models import Convention, Structure
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


def test_dates_times_and_keys_are_stored_as_a_save_would_store_them():
    """A date, an aware datetime or a string for a date, times of another zone or naive, a
    string or an empty string for an integer key, a code for a key to a table keyed by
    codes: COPY's fast paths (PostgreSQL; ``bulk_create`` elsewhere) must store them as
    ``save()`` does."""
    structure = StructureFactory()
    late_evening = datetime.datetime(2026, 1, 31, 23, 30, tzinfo=datetime.UTC)  # Paris: 1 Feb
    at = datetime.datetime(2026, 3, 29, 2, 30, tzinfo=zoneinfo.ZoneInfo("America/Cayenne"))
    rows = [
        {
            "structure_id": str(structure.pk),
            "kind": "ACI",
            "number": "N-1",
            "start_date": late_evening,
            "end_date": "2027-12-31",
            "updated_at": at,
        },
        {
            "structure_id": structure.pk,
            "kind": "ACI",
            "number": "N-2",
            "start_date": datetime.date(2026, 3, 1),
            "end_date": None,
            "updated_at": at,
        },
    ]
    keys = bulk_insert(Convention, rows)
    for key, row in zip(keys, rows, strict=True):
        saved = Convention(**{**row, "number": f"{row['number']}-saved"})
        saved.save()
        copied = Convention.objects.get(pk=key)
        saved.refresh_from_db()
        assert (copied.structure_id, copied.start_date, copied.end_date) == (
            saved.structure_id,
            saved.start_date,
            saved.end_date,
        )
    stored = Convention.objects.in_bulk(keys)
    first, second = stored[keys[0]], stored[keys[1]]
    assert (first.start_date, first.end_date) == (
        datetime.date(2026, 2, 1),
        datetime.date(2027, 12, 31),
    )
    assert (second.start_date, second.end_date) == (datetime.date(2026, 3, 1), None)

    entry = {
        "action": "test",
        "object_type_id": ContentType.objects.get_for_model(Convention).pk,
        "object_id": str(keys[0]),
        "object_repr": "N-1",
    }
    noon = datetime.datetime(2026, 1, 15, 12, 0)  # naive: Paris time, as save() reads it
    with pytest.warns(RuntimeWarning, match="naive datetime"):
        aware, naive = bulk_insert(
            AuditEntry, [{**entry, "at": at, "actor_id": ""}, {**entry, "at": noon}]
        )
    stored = AuditEntry.objects.in_bulk([aware, naive])
    assert stored[aware].at == at  # the same instant
    assert stored[aware].actor_id is None  # an empty key is no key, as save() has it
    assert stored[naive].at == datetime.datetime(2026, 1, 15, 11, 0, tzinfo=datetime.UTC)

    built = StructureFactory.build(department_id="2B")
    values = {
        field.attname: getattr(built, field.attname)
        for field in Structure._meta.concrete_fields
        if not field.primary_key
    } | {"created_at": at, "updated_at": at}  # auto_now: only save() sets them
    (key,) = bulk_insert(Structure, [values])
    assert Structure.objects.filter(pk=key, department_id="2B", siret=built.siret).exists()


def _rows(*totals):
    """Rows ready before the inserter opens: no query may run inside its block."""
    scheme = AidScheme.objects.get(code="pc-emplois-tremplin-environnement")
    base = {
        "scheme_id": scheme.pk,
        "version_id": scheme.current_version.pk,
        "structure_id": StructureFactory().pk,
        "input": {},
        "result": {},
        "eligible": True,
    }
    return [{**base, "total": Decimal(total)} for total in totals]


def test_inserter_takes_fewer_rows_than_announced():
    first, second = _rows(1, 2)
    with bulk_inserter(AidComputation, 3) as inserter:
        assert inserter.add(first) == 0
        assert inserter.add(second) == 1
    assert len(inserter.keys) == 2
    totals = AidComputation.objects.in_bulk(inserter.keys)
    assert [totals[key].total for key in inserter.keys] == [Decimal(1), Decimal(2)]


# Not inside a transaction of the test's: its rollback would hide what the inserter left.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_too_many_rows_write_none_of_them():
    first, second = _rows(3, 4)
    with (
        pytest.raises(ValueError, match="more rows than announced"),
        bulk_inserter(AidComputation, 1) as inserter,
    ):
        inserter.add(first)
        inserter.add(second)
    assert not AidComputation.objects.filter(total__in=[3, 4]).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_failure_while_adding_rows_writes_none_of_them():
    (row,) = _rows(5)
    with pytest.raises(RuntimeError), bulk_inserter(AidComputation, 2) as inserter:
        inserter.add(row)
        raise RuntimeError("the caller failed midway")
    assert not AidComputation.objects.filter(total=5).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_query_inside_the_inserter_raises_instead_of_waiting_on_the_copy():
    (row,) = _rows(6)
    with pytest.raises(QueryDuringCopy), bulk_inserter(AidComputation, 2) as inserter:
        inserter.add(row)
        AidScheme.objects.count()
    assert not AidComputation.objects.filter(total=6).exists()
    assert AidScheme.objects.exists()  # the connection works again after the block
