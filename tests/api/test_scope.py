"""A client restricted to one département sees nothing of another: lists, details, filters,
deletions."""

import pytest

from tests.api.fixtures import bearer, dossier_for, follow
from tests.structures.factories import StructureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_departments():
    from structures.models import Department

    nancy = StructureFactory(name="Nancy")
    metz = StructureFactory(name="Metz", department=Department.objects.get(code="57"))
    return nancy, metz


@pytest.fixture
def api_54(make_token):
    return bearer(make_token("read", department="54")[1])


def test_list_and_filters_show_only_the_departement(api_54, two_departments):
    nancy, _metz = two_departments
    results, _ = follow(api_54, "/api/v1/structures/")
    assert [r["siret"] for r in results] == [nancy.siret]
    assert follow(api_54, "/api/v1/structures/?department=57")[0] == []
    assert follow(api_54, "/api/v1/structures/?region=44&kind=ACI")[0] == results
    assert follow(api_54, "/api/v1/structures/?updated_since=2000-01-01T00:00:00Z")[0] == results


def test_detail_outside_the_departement_is_404_like_a_missing_one(api_54, two_departments):
    nancy, metz = two_departments
    assert api_54.get(f"/api/v1/structures/{nancy.siret}/").status_code == 200
    outside = api_54.get(f"/api/v1/structures/{metz.siret}/")
    missing = api_54.get("/api/v1/structures/12345678901234/")
    assert outside.status_code == missing.status_code == 404
    assert outside.json() == missing.json()


def test_dossiers_of_another_departement_are_invisible(api_54, two_departments):
    nancy, metz = two_departments
    mine, other = dossier_for(nancy), dossier_for(metz)
    results, _ = follow(api_54, "/api/v1/dossiers/")
    assert [r["uuid"] for r in results] == [str(mine.uuid)]
    assert api_54.get(f"/api/v1/dossiers/{other.uuid}/").status_code == 404
    assert follow(api_54, f"/api/v1/dossiers/?structure={metz.siret}")[0] == []


def test_deletions_feed_shows_only_the_departement(api_54, read_api, two_departments):
    nancy, metz = two_departments
    nancy_uuid, metz_uuid = str(nancy.uuid), str(metz.uuid)
    nancy.delete()
    metz.delete()
    assert [d["id"] for d in follow(api_54, "/api/v1/deletions/")[0]] == [nancy_uuid]
    everything = {d["id"] for d in follow(read_api, "/api/v1/deletions/")[0]}
    assert everything == {nancy_uuid, metz_uuid}


def test_a_structure_client_sees_its_structure_only(make_token, two_departments):
    nancy, metz = two_departments
    api = bearer(make_token("read", structure=nancy)[1])
    assert [r["siret"] for r in follow(api, "/api/v1/structures/")[0]] == [nancy.siret]
    assert api.get(f"/api/v1/structures/{metz.siret}/").status_code == 404


def test_a_departement_writer_may_not_write_elsewhere(make_token, two_departments):
    nancy, metz = two_departments
    api = bearer(make_token("write", department="54")[1])
    moved = api.patch(f"/api/v1/structures/{nancy.siret}/", {"department": "57"}, format="json")
    assert moved.status_code == 400
    assert moved.json()["errors"][0] == {
        "field": "department",
        "code": "out_of_scope",
        "message": "Hors du périmètre de ce client.",
    }
    nancy.refresh_from_db()
    assert nancy.department_id == "54"
    assert (
        api.patch(f"/api/v1/structures/{metz.siret}/", {"name": "X"}, format="json").status_code
        == 404
    )


def test_a_dla_client_reads_the_directory_but_no_dossier(make_token, two_departments):
    from dla.models import Dla, DlaMembership

    nancy, _metz = two_departments
    dossier_for(nancy)
    dla = Dla.objects.get_or_create(department_id="54")[0]
    client, token = make_token("read", dla=dla)
    api = bearer(token)
    assert DlaMembership.objects.filter(user=client.user, dla=dla, is_active=True).exists()
    # DLA chargés de mission read the whole directory (structures/perms.py), not dossiers.
    assert len(follow(api, "/api/v1/structures/")[0]) == 2
    assert follow(api, "/api/v1/dossiers/")[0] == []
