"""The sync's pages from each structure's stored JSON (``structures.api.stored``): a page
is always what ``represent`` writes now, whatever changed since it was stored."""

import datetime

import orjson
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from structures import services
from structures.api import stored
from structures.api.serializers import ROW_FIELDS, represent
from structures.models import Convention, Structure, StructureRepresentation
from tests.api.fixtures import follow
from tests.structures.factories import (
    AffiliationFactory,
    ConventionFactory,
    FiguresFactory,
    StructureFactory,
)

pytestmark = pytest.mark.django_db
LIST = "/api/v1/structures/"


@pytest.fixture
def structures():
    made = StructureFactory.create_batch(5)
    for structure in made:
        ConventionFactory(structure=structure)
        AffiliationFactory(structure=structure)
        FiguresFactory(structure=structure)
    return made


def represented_now():
    """Every structure as ``represent`` writes it now, in the pages' order."""
    rows = list(Structure.objects.order_by("uuid").values(*ROW_FIELDS))
    return orjson.loads(orjson.dumps(represent(rows)))


def test_the_pages_are_what_represent_writes_once_stored_too(read_api, structures):
    assert not StructureRepresentation.objects.exists()
    first = read_api.get(f"{LIST}?page_size=2")
    # Its stale structures queued the refresh (run at once in tests): every one stored.
    assert StructureRepresentation.objects.count() == 5
    everything, _ = follow(read_api, f"{LIST}?page_size=2")
    assert everything == represented_now()
    again = read_api.get(f"{LIST}?page_size=2")
    assert again.content == first.content  # the same bytes, from the stored JSON


def test_a_reader_writes_nothing_and_queues_one_refresh(read_api, structures, monkeypatch):
    queued = []
    monkeypatch.setattr(stored, "enqueue_quietly", queued.append)
    everything, pages = follow(read_api, f"{LIST}?page_size=2")
    assert pages == 3 and everything == represented_now()
    assert not StructureRepresentation.objects.exists()
    assert queued == ["structures.tasks.refresh_representations"]  # once for the 3 pages
    stored.refresh()  # what the task does; stale rows from now on queue another
    Structure.objects.filter(pk=structures[0].pk).update(updated_at=timezone.now())
    follow(read_api, f"{LIST}?page_size=2")
    assert len(queued) == 2


def test_a_page_of_stored_json_writes_nothing(read_api, structures):
    read_api.get(LIST)
    with CaptureQueriesContext(connection) as queries:
        read_api.get(LIST)
    written = [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))
    ]
    assert not [sql for sql in written if "representation" in sql]


def test_a_change_to_a_structure_or_its_children_shows_at_once(read_api, structures, admin_user):
    read_api.get(LIST)
    first, second, third = structures[:3]
    services.structure_update(actor=admin_user, structure=first, data={"city": "Toul"})
    ConventionFactory(structure=second, number="EI-054-99999")  # its signal moves the structure
    Convention.objects.filter(structure=third).delete()
    results, _ = follow(read_api, LIST)
    assert results == represented_now()
    by_uuid = {r["uuid"]: r for r in results}
    assert by_uuid[str(first.uuid)]["city"] == "Toul"
    assert "EI-054-99999" in [c["number"] for c in by_uuid[str(second.uuid)]["conventions"]]
    assert by_uuid[str(third.uuid)]["conventions"] == []


def test_a_convention_starting_or_ending_changes_the_page_the_day_it_does(read_api, monkeypatch):
    today = timezone.localdate()
    structure = StructureFactory()
    ConventionFactory(
        structure=structure,
        number="ACI-054-00001",
        start_date=today + datetime.timedelta(days=2),
        end_date=today + datetime.timedelta(days=4),
    )

    def active_on(day):
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)
        (body,) = read_api.get(LIST).json()["results"]
        return body["conventions"][0]["active"]

    assert active_on(today) is False
    stored_until = StructureRepresentation.objects.get().valid_until
    assert stored_until == today + datetime.timedelta(days=2)
    assert active_on(today + datetime.timedelta(days=1)) is False
    assert active_on(today + datetime.timedelta(days=2)) is True
    # Active through its last day: written again the day after.
    assert StructureRepresentation.objects.get().valid_until == today + datetime.timedelta(days=5)
    assert active_on(today + datetime.timedelta(days=4)) is True
    assert active_on(today + datetime.timedelta(days=5)) is False
    assert StructureRepresentation.objects.get().valid_until is None


def test_a_new_format_or_time_zone_writes_everything_again(read_api, structures, settings):
    read_api.get(LIST)
    old = set(StructureRepresentation.objects.values_list("version", flat=True))
    settings.TIME_ZONE = "America/Cayenne"
    results, _ = follow(read_api, LIST)
    assert set(StructureRepresentation.objects.values_list("version", flat=True)) != old
    assert results[0]["created_at"].endswith("-03:00")


def test_refresh_writes_what_needs_it_only(structures, monkeypatch):
    assert stored.refresh() == 5
    assert stored.refresh() == 0
    Structure.objects.filter(pk=structures[0].pk).update(name="Renommée", updated_at=timezone.now())
    monkeypatch.setattr(stored, "CHUNK", 2)  # the keyset over several chunks
    assert stored.refresh() == 1
    assert not stored.stale().exists()
    body = orjson.loads(StructureRepresentation.objects.get(structure=structures[0]).body)
    assert body["name"] == "Renommée"


def test_a_structure_gone_meanwhile_leaves_the_page(structures):
    rows = list(Structure.objects.order_by("uuid").values(*stored.PAGE_FIELDS))
    Structure.objects.filter(pk=rows[0]["pk"]).delete()
    page = stored.page(rows)
    assert len(page) == 4
    assert [orjson.loads(orjson.dumps(f))["uuid"] for f in page] == [
        str(r["uuid"]) for r in rows[1:]
    ]


def test_an_indented_page_reads_the_stored_json(read_api, structures):
    compact = read_api.get(LIST).json()
    indented = read_api.get(LIST, HTTP_ACCEPT="application/json; indent=2")
    assert b'\n  "results"' in indented.content
    assert indented.json() == compact


def test_a_departement_moved_to_another_region_moves_its_structures(read_api, structures):
    from structures.models import Department

    read_api.get(LIST)
    moselle = Department.objects.get(code=structures[0].department_id)
    before = Structure.objects.get(pk=structures[0].pk).updated_at
    moselle.save()  # the reference loaded again, unchanged: nothing moves
    assert Structure.objects.get(pk=structures[0].pk).updated_at == before
    moselle.region_id = "11"
    moselle.save()
    assert Structure.objects.get(pk=structures[0].pk).updated_at > before
    results, _ = follow(read_api, LIST)
    assert results == represented_now()
    assert {r["region"] for r in results if r["department"] == moselle.code} == {"11"}
