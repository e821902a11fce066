"""The structures resource: what it shows and who may write it."""

import datetime

import pytest

from iae_portal.audit.models import AuditEntry
from structures.api.serializers import StructureSerializer
from structures.models import Convention, NetworkAffiliation, Structure, YearlyFigures
from tests.api.fixtures import bearer
from tests.structures.factories import (
    AffiliationFactory,
    ConventionFactory,
    FiguresFactory,
    StructureFactory,
    make_siret,
)

pytestmark = pytest.mark.django_db


def new_structure(**extra):
    return {
        "siret": make_siret(4242),
        "name": "Régie du Plateau",
        "kind": "RQ",
        "legal_form": "association",
        "department": "54",
        **extra,
    }


def test_a_pages_times_are_the_stored_instants_in_the_portals_time(read_api):
    """The list's conventions, networks and figures (read apart from the structures, their
    SQL compiled once on PostgreSQL) write each change's instant in French time: +01:00 in
    winter, +02:00 in summer, the instant stored."""
    winter = datetime.datetime(2026, 1, 15, 23, 30, 0, 125000, tzinfo=datetime.UTC)
    summer = datetime.datetime(2026, 7, 1, 22, 0, tzinfo=datetime.UTC)
    structure = StructureFactory()
    ConventionFactory(structure=structure, number="ACI-054-00001")
    AffiliationFactory(structure=structure, network="cocagne")
    FiguresFactory(structure=structure)
    Convention.objects.filter(structure=structure).update(updated_at=winter)
    NetworkAffiliation.objects.filter(structure=structure).update(updated_at=summer)
    YearlyFigures.objects.filter(structure=structure).update(updated_at=winter)

    (body,) = read_api.get("/api/v1/structures/").json()["results"]

    assert body["conventions"][0]["updated_at"] == "2026-01-16T00:30:00.125000+01:00"
    assert body["networks"][0]["updated_at"] == "2026-07-02T00:00:00+02:00"
    assert body["figures"][0]["updated_at"] == "2026-01-16T00:30:00.125000+01:00"


def test_a_structure_carries_its_conventions_networks_and_figures(read_api):
    structure = StructureFactory()
    ConventionFactory(structure=structure, number="ACI-054-00001")
    AffiliationFactory(structure=structure, network="cocagne")
    FiguresFactory(structure=structure, total_resources=1000, public_subsidies=400)
    body = read_api.get(f"/api/v1/structures/{structure.siret}/").json()
    assert list(body) == StructureSerializer.Meta.fields
    assert body["uuid"] == str(structure.uuid) and body["region"] == "44"
    assert [c["number"] for c in body["conventions"]] == ["ACI-054-00001"]
    assert body["conventions"][0]["active"] is True
    assert [n["network"] for n in body["networks"]] == ["cocagne"]
    assert body["figures"][0]["self_financing_rate"] == "0.6000"
    assert "id" not in body and "pk" not in body


def test_a_departement_writer_creates_with_networks_and_is_audited(make_token):
    client, token = make_token("write", department="54")
    response = bearer(token).post(
        "/api/v1/structures/", new_structure(networks=["coorace"]), format="json"
    )
    assert response.status_code == 201, response.content
    assert response.headers["Location"] == ""
    structure = Structure.objects.get(siret=make_siret(4242))
    assert [n["network"] for n in response.json()["networks"]] == ["coorace"]
    entry = AuditEntry.objects.get(action="structure.create", object_id=str(structure.uuid))
    assert entry.actor == client.user


def test_bad_fields_are_400_with_french_messages(make_token):
    api = bearer(make_token("write")[1])
    response = api.post(
        "/api/v1/structures/",
        new_structure(siret="12345678901234", kind="XX", department="00", networks=["x"]),
        format="json",
    )
    assert response.status_code == 400
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"siret", "kind", "department", "networks[0]"} <= fields
    assert not Structure.objects.exists()


def test_a_directors_client_edits_its_structure_but_creates_none(make_token):
    mine, other = StructureFactory(), StructureFactory()
    api = bearer(make_token("write", structure=mine)[1])
    changed = api.patch(f"/api/v1/structures/{mine.siret}/", {"name": "Nouveau nom"}, format="json")
    assert changed.status_code == 200 and changed.json()["name"] == "Nouveau nom"
    assert (
        api.patch(f"/api/v1/structures/{other.siret}/", {"name": "X"}, format="json").status_code
        == 404
    )
    assert api.post("/api/v1/structures/", new_structure(), format="json").status_code == 403


def test_a_reader_role_client_may_not_write_even_in_a_session(lecteur):
    from rest_framework.test import APIClient

    structure = StructureFactory()
    api = APIClient()
    api.force_login(lecteur)
    response = api.patch(f"/api/v1/structures/{structure.siret}/", {"name": "X"}, format="json")
    assert response.status_code == 403


def test_changing_networks_ends_the_old_affiliation_and_shows_as_updated(make_token):
    structure = StructureFactory()
    AffiliationFactory(structure=structure, network="coorace", start_date="2020-01-01")
    before = Structure.objects.get(pk=structure.pk).updated_at
    api = bearer(make_token("write")[1])
    response = api.patch(
        f"/api/v1/structures/{structure.siret}/", {"networks": ["fei"]}, format="json"
    )
    assert response.status_code == 200
    ended = NetworkAffiliation.objects.get(structure=structure, network="coorace")
    assert ended.end_date is not None
    assert Structure.objects.get(pk=structure.pk).updated_at > before
