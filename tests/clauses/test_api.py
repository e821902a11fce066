"""/api/v1/clauses/: contracts, lots and hours by scope, hours written by facilitators'
tools through the entry page's rules, the bilan as the command gives it."""

import datetime
import io
import json
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.utils import timezone

from clauses import perms
from clauses.bilan import clauses_bilan
from clauses.models import HoursReport, Marche
from iae_portal.api.models import ApiClient
from iae_portal.audit.models import AuditEntry
from iae_portal.users.enums import Role
from structures.models import Department
from tests.api.fixtures import bearer, follow, queries_per_page_size
from tests.structures.factories import StructureFactory

from .factories import FacilitatorFactory, HoursReportFactory, LotFactory
from .test_import import import_samples

pytestmark = pytest.mark.django_db
HEURES = "/api/v1/clauses/heures/"


@pytest.fixture
def plie():
    """A facilitator covering Meurthe-et-Moselle."""
    facilitator = FacilitatorFactory(name="PLIE du Grand Nancy")
    facilitator.departments.add("54")
    return facilitator


@pytest.fixture
def lots(plie):
    """A lot in 54 (through its facilitator's territory) and one in 57 (its contract's)."""
    nancy = LotFactory(facilitator=plie, marche__ref="M-NANCY")
    metz = LotFactory(marche__ref="M-METZ", marche__department=Department.objects.get(code="57"))
    HoursReportFactory(lot=nancy, participant_ref="P-001")
    HoursReportFactory(lot=metz, participant_ref="P-002")
    return nancy, metz


@pytest.fixture
def api_54(make_token):
    return bearer(make_token("read", department="54")[1])


@pytest.fixture
def plie_api(make_token, plie):
    return bearer(make_token("write", facilitator=plie)[1])


def uuids(api, url):
    return {row["uuid"] for row in follow(api, url)[0]}


def test_a_departement_client_sees_nothing_of_another(api_54, lots):
    nancy, metz = lots
    assert uuids(api_54, "/api/v1/clauses/marches/") == {str(nancy.marche.uuid)}
    assert uuids(api_54, "/api/v1/clauses/lots/") == {str(nancy.uuid)}
    assert uuids(api_54, HEURES) == {str(nancy.hours_reports.get().uuid)}
    for url in (
        f"/api/v1/clauses/marches/{metz.marche.uuid}/",
        f"/api/v1/clauses/lots/{metz.uuid}/",
        f"{HEURES}{metz.hours_reports.get().uuid}/",
    ):
        assert api_54.get(url).status_code == 404
    for query in ("department=57", f"marche={metz.marche.uuid}", "year=2025&type=travaux"):
        assert metz.marche.ref not in str(follow(api_54, f"/api/v1/clauses/lots/?{query}")[0])
    assert follow(api_54, "/api/v1/clauses/marches/?department=57")[0] == []
    assert follow(api_54, f"{HEURES}?lot={metz.uuid}")[0] == []


def test_filters_by_buyer_type_year_clause_and_departement(read_api, lots):
    nancy, metz = lots
    metz.clause = "none"
    metz.save()
    marches = "/api/v1/clauses/marches/"
    assert len(follow(read_api, marches)[0]) == 2
    assert uuids(read_api, f"{marches}?clause=condition_execution") == {str(nancy.marche.uuid)}
    assert uuids(read_api, f"{marches}?department=57") == {str(metz.marche.uuid)}
    buyer = urlencode({"buyer": metz.marche.buyer.name})
    assert uuids(read_api, f"{marches}?{buyer}") == {str(metz.marche.uuid)}
    assert follow(read_api, f"{marches}?year=2024")[0] == []
    assert follow(read_api, f"{marches}?type=services")[0] == []
    assert uuids(read_api, "/api/v1/clauses/lots/?clause=none") == {str(metz.uuid)}
    assert len(follow(read_api, f"{HEURES}?period=2025-04&modality=embauche_directe")[0]) == 2
    for url, field in (
        (f"{marches}?year=douze", "year"),
        (f"{marches}?clause=toutes", "clause"),
        (f"{HEURES}?period=2025-13", "period"),
        (f"{HEURES}?updated_since=hier", "updated_since"),
    ):
        response = read_api.get(url)
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == field


def line(target, **values):
    return {
        "lot": str(target.uuid),
        "period": "2025-05",
        "participant_ref": "P-117",
        "public_category": "rsa",
        "modality": "embauche_directe",
        "hours": "35",
    } | values


def test_a_facilitators_client_reports_hours_idempotently(plie_api, lots):
    nancy, _ = lots
    first = plie_api.post(HEURES, line(nancy, external_id="plie-117"), format="json")
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["participant_ref"] == "P-117" and body["hours"] == "35.00"
    assert body["period"] == "2025-05" and body["external_id"] == "plie-117"
    again = plie_api.post(HEURES, line(nancy, external_id="plie-117", hours="40"), format="json")
    assert again.status_code == 200 and again.json()["uuid"] == body["uuid"]
    # Without external_id, the same line (lot, month, participant, modality) is updated too.
    same = plie_api.post(HEURES, line(nancy, hours="41.5"), format="json")
    assert same.status_code == 200 and same.json()["uuid"] == body["uuid"]
    assert HoursReport.objects.get(uuid=body["uuid"]).hours == 41.5
    assert nancy.hours_reports.count() == 2
    assert AuditEntry.objects.filter(action="heures déclarées").count() == 3

    key = {"HTTP_IDEMPOTENCY_KEY": "envoi-1"}
    replay = [
        plie_api.post(HEURES, line(nancy, participant_ref="P-118"), format="json", **key)
        for _ in range(2)
    ]
    assert [r.status_code for r in replay] == [201, 201]
    assert replay[1].headers["Idempotent-Replayed"] == "true"
    assert replay[0].json() == replay[1].json()
    assert nancy.hours_reports.count() == 3


def test_a_line_keeps_its_identity(plie_api, lots):
    nancy, _ = lots
    plie_api.post(HEURES, line(nancy, external_id="x-1"), format="json")
    moved = plie_api.post(HEURES, line(nancy, external_id="x-1", period="2025-06"), format="json")
    assert moved.status_code == 400
    assert moved.json()["errors"][0]["field"] == "period"
    assert moved.json()["errors"][0]["code"] == "immutable"


@pytest.mark.parametrize(
    ("values", "field", "code"),
    [
        ({"participant_ref": "Jean Dupont"}, "participant_ref", "invalid"),
        ({"participant_ref": "P\x001"}, "participant_ref", "null_characters_not_allowed"),
        ({"participant_ref": "P\ud8001"}, "participant_ref", "surrogate_characters_not_allowed"),
        ({"modality": "mise_a_disposition", "siae_siret": "12345678900011"}, "siae_siret", None),
        ({"modality": "mise_a_disposition"}, "siae_siret", None),
        ({"period": "2025-13"}, "period", None),
        ({"period": "0000-01"}, "period", None),
        ({"hours": "0"}, "hours", None),
        ({"hours": "NaN"}, "hours", "invalid"),
        ({"lot": "00000000-0000-0000-0000-000000000000"}, "lot", "does_not_exist"),
        ({"public_category": "inconnu"}, "public_category", "invalid_choice"),
    ],
)
def test_refusals_are_400_naming_the_field(plie_api, lots, values, field, code):
    nancy, _ = lots
    body = json.dumps(line(nancy, **values))  # ASCII: a lone surrogate stays an escape
    response = plie_api.post(HEURES, body, content_type="application/json")
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == [field]
    assert code is None or errors[0]["code"] == code
    assert nancy.hours_reports.count() == 1


def test_unknown_siae_and_lot_without_clause_are_refused(plie_api, lots, plie):
    nancy, metz = lots
    siae = StructureFactory(kind="ETTI")
    ok = line(nancy, modality="mise_a_disposition", siae_siret=siae.siret)
    response = plie_api.post(HEURES, ok, format="json")
    assert response.status_code == 201 and response.json()["siae_siret"] == siae.siret
    unknown = plie_api.post(HEURES, ok | {"siae_siret": "73282932000074"}, format="json")
    assert unknown.json()["errors"] == [
        {
            "field": "siae_siret",
            "code": "invalid",
            "message": "Structure inconnue : SIRET 73282932000074.",
        }
    ]
    bare = LotFactory(facilitator=plie, clause="none")
    refused = plie_api.post(HEURES, line(bare), format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"][0] | {"message": ""} == {
        "field": "lot",
        "code": "no_clause",
        "message": "",
    }
    # Another facilitator's lot does not exist for this client.
    assert plie_api.post(HEURES, line(metz), format="json").json()["errors"][0]["field"] == "lot"


def test_only_a_facilitators_write_client_reports(make_token, plie, lots):
    nancy, _ = lots
    staff = bearer(make_token("write")[1])
    assert staff.post(HEURES, line(nancy), format="json").status_code == 403
    reader = bearer(make_token("read", facilitator=plie)[1])
    assert reader.post(HEURES, line(nancy), format="json").status_code == 403
    assert nancy.hours_reports.count() == 1


def test_participants_only_for_the_facilitators_of_the_lot(read_api, plie_api, lots):
    nancy, metz = lots
    mine = follow(plie_api, HEURES)[0]
    assert [r["participant_ref"] for r in mine] == ["P-001"]
    assert {r["participant_ref"] for r in follow(read_api, HEURES)[0]} == {None}
    assert uuids(plie_api, "/api/v1/clauses/lots/") == {str(nancy.uuid)}
    assert plie_api.get(f"/api/v1/clauses/marches/{metz.marche.uuid}/").status_code == 404


def test_a_structures_director_client_sees_the_hours_it_delivered(make_token, lots):
    nancy, _ = lots
    siae = StructureFactory(kind="ETTI")
    delivered = HoursReportFactory(
        lot=nancy, modality="mise_a_disposition", siae=siae, participant_ref="P-9"
    )
    director = bearer(make_token("write", structure=siae)[1])
    assert [r["uuid"] for r in follow(director, HEURES)[0]] == [str(delivered.uuid)]
    assert follow(director, HEURES)[0][0]["participant_ref"] is None
    assert follow(director, "/api/v1/clauses/lots/")[0] == []
    employee = bearer(make_token("read", structure=siae)[1])
    assert follow(employee, HEURES)[0] == []


def test_updated_since_sees_changes_written_in_bulk(read_api, plie_api, lots):
    nancy, _ = lots
    since = timezone.now().isoformat().replace("+", "%2B")
    assert follow(read_api, f"{HEURES}?updated_since={since}")[0] == []
    report = nancy.hours_reports.get()
    plie_api.post(HEURES, line(nancy, period="2025-04", participant_ref="P-001", hours="12"),
                  format="json")  # fmt: skip
    assert uuids(read_api, f"{HEURES}?updated_since={since}") == {str(report.uuid)}


def test_updated_since_takes_any_iso_offset(read_api, lots):
    # PostgreSQL refuses offsets beyond ±15:59: the instant is compared in UTC.
    far_east = follow(read_api, f"{HEURES}?updated_since=2000-01-01T00:00:00%2B16:15")[0]
    assert len(far_east) == 2


def test_deletions_feed_by_scope(api_54, read_api, plie_api, lots):
    nancy, metz = lots
    expected_54 = {str(nancy.marche.uuid), str(nancy.uuid), str(nancy.hours_reports.get().uuid)}
    Marche.objects.filter(pk__in=[nancy.marche_id, metz.marche_id]).delete()
    feed = follow(api_54, "/api/v1/deletions/")[0]
    assert {d["id"] for d in feed} == expected_54
    assert {d["type"] for d in feed} == {"marche", "lot", "heures"}
    assert {d["id"] for d in follow(plie_api, "/api/v1/deletions/")[0]} == expected_54
    assert len(follow(read_api, "/api/v1/deletions/")[0]) == 6


@pytest.mark.parametrize(
    "url", ["/api/v1/clauses/marches/", "/api/v1/clauses/lots/", "/api/v1/clauses/heures/"]
)
def test_list_query_count_does_not_depend_on_page_size(plie, make_token, url):
    siae = StructureFactory(kind="ETTI")
    for n in range(12):
        lot = LotFactory(facilitator=plie)
        HoursReportFactory(lot=lot, modality="mise_a_disposition", siae=siae)
        HoursReportFactory(lot=lot, period=datetime.date(2025, 5 + n % 3, 1))
    for api in (bearer(make_token("read")[1]), bearer(make_token("read", facilitator=plie)[1])):
        api.get(url)  # the first request records the client's last use
        small, large = queries_per_page_size(api, url)
        assert small == large


def command_json(year):
    out = io.StringIO()
    call_command("clauses_bilan", year=year, format="json", stdout=out)
    return json.loads(out.getvalue())


def test_bilan_is_the_commands_json(read_api):
    import_samples()
    response = read_api.get("/api/v1/clauses/bilan/?year=2011")
    assert response.status_code == 200
    assert response.json() == command_json(2011)
    assert response.json()["by_type"]["travaux"]["hours_realised"] == 7774
    assert read_api.get("/api/v1/clauses/bilan/?year=2030").json() == command_json(2030)


@pytest.mark.parametrize("query", ["", "?year=", "?year=deux-mille", "?year=0", "?year=99999"])
def test_bilan_needs_a_year(read_api, query):
    response = read_api.get(f"/api/v1/clauses/bilan/{query}")
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["year"]


def test_bilan_is_for_the_clause_officer_and_facilitators(make_token, plie):
    import_samples()
    api = bearer(make_token("read", department="54")[1])
    assert api.get("/api/v1/clauses/bilan/?year=2011").status_code == 403
    # A facilitator's client: the bilan of its lots and territory, with the command's keys.
    api = bearer(make_token("read", facilitator=plie)[1])
    response = api.get("/api/v1/clauses/bilan/?year=2011")
    assert response.status_code == 200
    assert response.json().keys() == command_json(2011).keys()
    assert response.json() == json.loads(
        json.dumps(clauses_bilan(2011, lots=perms.bilan_lots(plie.memberships.get().user)))
    )


def test_api_token_creates_a_facilitators_client(plie):
    out = io.StringIO()
    call_command(
        "api_token", "create", "--name", "Outil PLIE", "--scope", "write",
        "--facilitator", plie.name, stdout=out,
    )  # fmt: skip
    token = out.getvalue().splitlines()[-1]
    client = ApiClient.objects.get(name="Outil PLIE")
    assert client.user.role == Role.FACILITATEUR and client.restriction is None
    assert "facilitateur PLIE du Grand Nancy" in out.getvalue()
    assert bearer(token).get(HEURES).status_code == 200
