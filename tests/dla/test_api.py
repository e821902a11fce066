"""/api/v1/dla/: accompaniments and prestations by scope, written by a DLA's tool through
the services of the path, the bilan as the command gives it."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from dla.importer import apply_dla_import, plan_dla_import
from dla.models import Accompaniment, Prestation
from tests.api.fixtures import bearer, follow, queries_per_page_size
from tests.structures.factories import StructureFactory

from .factories import accompaniment_at, chargé, dla_of, prestation_body
from .test_import import csv_text, import_sample, sample_rows

pytestmark = pytest.mark.django_db
ACCOMPANIMENTS, PRESTATIONS = "/api/v1/dla/accompaniments/", "/api/v1/dla/prestations/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world():
    """An accompaniment of each DLA (54, 57), each with its plan and one prestation."""
    from structures.models import Department

    nancy = StructureFactory(name="Chantier de Nancy")
    metz = StructureFactory(name="Chantier de Metz", department=Department.objects.get(code="57"))
    acc_54 = accompaniment_at("ingenierie", chargé("c54@example.org", "54"), [nancy])
    acc_57 = accompaniment_at("ingenierie", chargé("c57@example.org", "57"), [metz], code="57")
    return acc_54, acc_57


@pytest.fixture
def dla_api(make_token):
    return bearer(make_token("write", dla=dla_of("54"))[1])


def uuids(api, url):
    return {row["uuid"] for row in follow(api, url)[0]}


@pytest.mark.parametrize("restriction", ["department", "dla"])
def test_a_client_sees_nothing_of_another_dla(make_token, world, restriction):
    acc_54, acc_57 = world
    value = "54" if restriction == "department" else dla_of("54")
    api = bearer(make_token("read", **{restriction: value})[1])
    assert uuids(api, ACCOMPANIMENTS) == {str(acc_54.uuid)}
    assert uuids(api, PRESTATIONS) == {str(acc_54.prestations.get().uuid)}
    assert api.get(f"{ACCOMPANIMENTS}{acc_57.uuid}/").status_code == 404
    assert api.get(f"{PRESTATIONS}{acc_57.prestations.get().uuid}/").status_code == 404
    metz = acc_57.structures.get().siret
    for url in (f"{ACCOMPANIMENTS}?department=57", f"{ACCOMPANIMENTS}?structure={metz}",
                f"{PRESTATIONS}?accompaniment={acc_57.uuid}", f"{PRESTATIONS}?region=44"):  # fmt: skip
        assert str(acc_57.uuid) not in str(follow(api, url)[0])
    expected = {str(acc_54.uuid), str(acc_54.prestations.get().uuid)}
    Accompaniment.objects.filter(pk__in=[acc_54.pk, acc_57.pk]).delete()
    feed = follow(api, "/api/v1/deletions/")[0]
    assert {d["id"] for d in feed} == expected
    assert {d["type"] for d in feed} == {"accompaniment", "prestation"}


def test_filters_and_what_a_director_reads(make_token, world, read_api):
    acc_54, acc_57 = world
    assert uuids(read_api, f"{ACCOMPANIMENTS}?state=ingenierie&mode=individuelle&year=2024") == {
        str(acc_54.uuid),
        str(acc_57.uuid),
    }
    assert follow(read_api, f"{ACCOMPANIMENTS}?theme=juridique")[0] == []
    assert uuids(read_api, f"{PRESTATIONS}?department=57") == {str(acc_57.prestations.get().uuid)}
    row = read_api.get(f"{PRESTATIONS}{acc_54.prestations.get().uuid}/").json()
    assert row["beneficiaries"] == [acc_54.structures.get().siret] and row["dla"] == "54"
    assert read_api.get(f"{ACCOMPANIMENTS}?year=deux").json()["errors"][0]["field"] == "year"
    director = bearer(make_token("write", structure=acc_57.structures.get())[1])
    assert uuids(director, ACCOMPANIMENTS) == {str(acc_57.uuid)}
    employee = bearer(make_token("read", structure=acc_57.structures.get())[1])
    assert follow(employee, ACCOMPANIMENTS)[0] == []


def request_body(structure, **values):
    return {
        "structures": [structure.siret],
        "request_date": "2025-03-12",
        "requester": "structure",
        "request_needs": "Consolider le modèle économique.",
    } | values


def test_a_dla_client_logs_and_corrects_a_request_idempotently(dla_api):
    structure = StructureFactory()
    first = dla_api.post(
        ACCOMPANIMENTS, request_body(structure, external_id="si-42"), format="json"
    )
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["dla"] == "54" and body["state"] == "demande"
    assert body["structures"] == [structure.siret] and body["ref"].startswith("DLA54-2025-")
    again = dla_api.post(
        ACCOMPANIMENTS,
        request_body(structure, external_id="si-42", request_needs="Autre besoin.", urgent=True),
        format="json",
    )
    assert again.status_code == 200 and again.json()["uuid"] == body["uuid"]
    assert again.json()["request_needs"] == "Autre besoin." and again.json()["urgent"] is True
    put = dla_api.put(f"{ACCOMPANIMENTS}{body['uuid']}/", request_body(structure), format="json")
    assert (
        put.status_code == 200
        and put.json()["request_needs"] == request_body(structure)["request_needs"]
    )
    key = {"HTTP_IDEMPOTENCY_KEY": "demande-2"}
    replies = [dla_api.post(ACCOMPANIMENTS, request_body(structure), format="json", **key)
               for _ in range(2)]  # fmt: skip
    assert replies[0].json() == replies[1].json()
    assert Accompaniment.objects.count() == 2


@pytest.mark.parametrize(
    ("values", "field", "status"),
    [
        ({"structures": ["73282932000074"]}, "structures", 400),
        ({"request_date": "2999-01-01"}, "request_date", 400),
        ({"requester": "voisin"}, "requester", 400),
        ({"request_needs": ""}, "request_needs", 400),
        ({"dla": "57"}, "dla", 400),
        ({"structures": []}, "structures", 400),
    ],
)
def test_request_refusals_name_the_field(dla_api, values, field, status):
    response = dla_api.post(
        ACCOMPANIMENTS, request_body(StructureFactory(), **values), format="json"
    )
    assert response.status_code == status, response.content
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert not Accompaniment.objects.exists()


def test_prestations_are_added_once(dla_api, world):
    acc_54, acc_57 = world
    nancy = acc_54.structures.get()
    body = prestation_body(acc_54, nancy, external_id="p-1")
    first = dla_api.post(PRESTATIONS, body, format="json")
    assert first.status_code == 201, first.content
    assert first.json()["provider"] == "Réseau Exemple" and first.json()["beneficiaries"]
    same = dla_api.post(PRESTATIONS, body, format="json")
    assert same.status_code == 200 and same.json()["uuid"] == first.json()["uuid"]
    other = dla_api.post(PRESTATIONS, body | {"days": "4"}, format="json")
    assert other.status_code == 409 and other.json()["errors"][0]["code"] == "recorded"
    assert acc_54.prestations.count() == 2
    # Not this client's DLA: no such accompaniment.
    elsewhere = dla_api.post(PRESTATIONS, prestation_body(acc_57, nancy), format="json")
    assert elsewhere.json()["errors"][0]["field"] == "accompaniment"


def test_prestation_refusals(dla_api, make_token, world):
    acc_54, _ = world
    nancy, other = acc_54.structures.get(), StructureFactory()
    two = dla_api.post(PRESTATIONS, prestation_body(acc_54, nancy, other), format="json")
    assert two.status_code == 400 and two.json()["errors"][0]["field"] == "beneficiaries"
    dates = prestation_body(acc_54, nancy, end_date="2024-01-01")
    assert dla_api.post(PRESTATIONS, dates, format="json").json()["errors"][0]["field"] == (
        "end_date"
    )
    fresh = dla_api.post(ACCOMPANIMENTS, request_body(nancy), format="json").json()
    early = Accompaniment.objects.get(uuid=fresh["uuid"])
    refused = dla_api.post(PRESTATIONS, prestation_body(early, nancy), format="json")
    assert refused.status_code == 409 and refused.json()["errors"][0]["code"] == "refused"
    staff = bearer(make_token("write")[1])
    assert staff.post(PRESTATIONS, prestation_body(acc_54, nancy), format="json").status_code == 403
    reader = bearer(make_token("read", dla=dla_of("54"))[1])
    assert (
        reader.post(PRESTATIONS, prestation_body(acc_54, nancy), format="json").status_code == 403
    )
    assert acc_54.prestations.count() == 1


def test_a_closed_accompaniment_is_409(dla_api, world):
    from dla import services

    acc_54, _ = world
    actor = acc_54.dla.memberships.get(user__email="c54@example.org").user
    services.accompaniment_close(
        actor=actor, accompaniment=acc_54, closed_on=datetime.date(2025, 1, 2), summary="Fin."
    )
    body = request_body(acc_54.structures.get())
    response = dla_api.put(f"{ACCOMPANIMENTS}{acc_54.uuid}/", body, format="json")
    assert response.status_code == 409


def test_updated_since_follows_prestations_and_reimported_beneficiaries(read_api):
    import_sample()
    rows = sample_rows()
    collective = next(r["prestation_ref"] for r in rows if r["mode"] == "collective")
    since = timezone.now().isoformat().replace("+", "%2B")
    assert follow(read_api, f"{PRESTATIONS}?updated_since={since}")[0] == []
    dropped = next(i for i, r in enumerate(rows) if r["prestation_ref"] == collective)
    apply_dla_import(plan_dla_import(csv_text(rows[:dropped] + rows[dropped + 1 :]).encode()))
    changed = follow(read_api, f"{PRESTATIONS}?updated_since={since}")[0]
    assert [row["ref"] for row in changed] == [collective]
    accompaniment = Prestation.objects.get(ref=collective).accompaniment
    assert uuids(read_api, f"{ACCOMPANIMENTS}?updated_since={since}") == {str(accompaniment.uuid)}


@pytest.mark.parametrize("url", [ACCOMPANIMENTS, PRESTATIONS])
def test_list_query_count_does_not_depend_on_page_size(make_token, url):
    import_sample()
    for api in (bearer(make_token("read")[1]), bearer(make_token("read", dla=dla_of("54"))[1])):
        api.get(url)  # the first request records the client's last use
        small, large = queries_per_page_size(api, url)
        assert small == large


def command_json(*args):
    out = io.StringIO()
    call_command("dla_bilan", "--year", "2011", "--format", "json", *args, stdout=out)
    return json.loads(out.getvalue())


def test_bilan_is_the_commands_json(read_api, make_token):
    import_sample()
    code = Prestation.objects.values_list("accompaniment__dla__department_id", flat=True)[0]
    assert read_api.get("/api/v1/dla/bilan/?year=2011").json() == command_json()
    response = read_api.get(f"/api/v1/dla/bilan/?year=2011&department={code}")
    assert response.json() == command_json("--department", code)
    department_client = bearer(make_token("read", department=code)[1])
    assert department_client.get("/api/v1/dla/bilan/?year=2011").json() == command_json(
        "--department", code
    )
    other = "54" if code != "54" else "57"
    assert (
        department_client.get(f"/api/v1/dla/bilan/?year=2011&department={other}").status_code == 403
    )
    region = read_api.get("/api/v1/dla/bilan/?year=2011&region=44").json()
    grand_est = ["08", "10", "51", "52", "54", "55", "57", "67", "68", "88"]
    assert region == command_json(*[a for d in grand_est for a in ("--department", d)])


BAD_BILAN_QUERIES = [
    ("", "year"),
    ("?year=0", "year"),
    ("?year=2011&department=999", "department"),
    ("?year=2011&region=99", "region"),
]


@pytest.mark.parametrize(("query", "field"), BAD_BILAN_QUERIES)
def test_bilan_bad_input_is_400(read_api, query, field):
    response = read_api.get(f"/api/v1/dla/bilan/{query}")
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_bilan_is_not_for_structures_or_facilitators(make_token):
    from tests.clauses.factories import FacilitatorFactory

    for restriction in ({"structure": StructureFactory()}, {"facilitator": FacilitatorFactory()}):
        api = bearer(make_token("read", **restriction)[1])
        assert api.get("/api/v1/dla/bilan/?year=2011").status_code == 403
