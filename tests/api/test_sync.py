"""Cursor sync: every record exactly once while records change; updated_since; ETag;
query counts independent of the page size."""

import datetime

import pytest
from django.utils import timezone

from structures.api import stored
from structures.models import Structure, StructureRepresentation
from tests.api.fixtures import dossier_for, follow, queries_per_page_size
from tests.structures.factories import (
    AffiliationFactory,
    ConventionFactory,
    FiguresFactory,
    StructureFactory,
)

pytestmark = pytest.mark.django_db


def test_cursor_sync_returns_each_record_once_while_records_change(read_api):
    structures = StructureFactory.create_batch(25)
    seen, url, pages = [], "/api/v1/structures/?page_size=4", 0
    while url:
        body = read_api.get(url).json()
        seen += [r["uuid"] for r in body["results"]]
        url = body["next"]
        pages += 1
        # Meanwhile, the portal changes records already read and records still ahead.
        for structure in structures[pages * 3 : pages * 3 + 2]:
            Structure.objects.filter(pk=structure.pk).update(
                name=f"{structure.name} modifiée", updated_at=timezone.now()
            )
    assert sorted(seen) == sorted(str(s.uuid) for s in structures)
    assert len(seen) == len(set(seen)) and pages == 7


def test_previous_link_walks_back(read_api):
    StructureFactory.create_batch(5)
    first = read_api.get("/api/v1/structures/?page_size=2").json()
    assert first["previous"] is None
    second = read_api.get(first["next"]).json()
    back = read_api.get(second["previous"]).json()
    assert back["results"] == first["results"]


def test_updated_since_includes_changes_to_conventions_networks_and_figures(read_api):
    old, convention, network, figures, _untouched = StructureFactory.create_batch(5)
    since = timezone.now() + datetime.timedelta(seconds=1)
    Structure.objects.update(updated_at=since - datetime.timedelta(days=1))
    url = f"/api/v1/structures/?updated_since={since.isoformat().replace('+', '%2B')}"
    assert follow(read_api, url)[0] == []
    with _now(since + datetime.timedelta(seconds=1)):
        ConventionFactory(structure=convention)
        AffiliationFactory(structure=network)
        FiguresFactory(structure=figures)
        Structure.objects.get(pk=old.pk).save()
    changed = {r["siret"] for r in follow(read_api, url)[0]}
    assert changed == {old.siret, convention.siret, network.siret, figures.siret}


class _now:
    def __init__(self, instant):
        from unittest import mock

        self.patch = mock.patch("django.utils.timezone.now", return_value=instant)

    def __enter__(self):
        self.patch.start()

    def __exit__(self, *exc):
        self.patch.stop()


def test_detail_etag_answers_304_until_the_structure_changes(read_api):
    structure = StructureFactory()
    url = f"/api/v1/structures/{structure.siret}/"
    etag = read_api.get(url).headers["ETag"]
    assert read_api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    ConventionFactory(structure=structure)
    changed = read_api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


@pytest.mark.parametrize(
    "url",
    ["/api/v1/structures/", "/api/v1/dossiers/", "/api/v1/campaigns/", "/api/v1/schemes/"],
)
def test_list_query_count_does_not_depend_on_page_size(admin_user, url, monkeypatch):
    from rest_framework.test import APIClient

    for _ in range(12):
        structure = StructureFactory()
        ConventionFactory(structure=structure)
        AffiliationFactory(structure=structure)
        FiguresFactory(structure=structure)
        dossier_for(structure)
    api = APIClient()
    api.force_login(admin_user)
    # The structures' stored JSON (structures.api.stored): none (the refresh it queues not
    # run), then all stored.
    with monkeypatch.context() as queue:
        queue.setattr(stored, "enqueue_quietly", lambda name: None)
        cold = queries_per_page_size(api, url, before=StructureRepresentation.objects.all().delete)
    assert cold[0] == cold[1]
    stored.refresh()
    small, large = queries_per_page_size(api, url)
    assert small == large


def test_deletions_since_and_sync_order(read_api):
    a, b = StructureFactory.create_batch(2)
    a_uuid = str(a.uuid)
    a.delete()
    middle = timezone.now()
    b_uuid = str(b.uuid)
    b.delete()
    everything = follow(read_api, "/api/v1/deletions/?page_size=1")[0]
    assert [d["id"] for d in everything] == [a_uuid, b_uuid]
    assert {d["type"] for d in everything} == {"structure"}
    since = middle.isoformat().replace("+", "%2B")
    assert [d["id"] for d in follow(read_api, f"/api/v1/deletions/?since={since}")[0]] == [b_uuid]
