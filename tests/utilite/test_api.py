"""``/api/v1/social-reports/`` (issue 18, item 6): read as the pages decide, narrowed by the
client's restriction; written by networks' tools as the import does (``soumis``, a validated
report frozen); every rule of the contract a 400 naming its field; ``updated_since``, the
deletions feed, ETag, a page's cost whatever its size; the worked example's shares read back
exactly."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from iae_portal.audit.models import AuditEntry
from iae_portal.users.enums import Role
from structures.models import Department
from tests.api.fixtures import bearer, follow, queries_per_page_size
from tests.dla.factories import dla_of
from tests.structures.factories import MembershipFactory, StructureFactory, UserFactory
from utilite.enums import ReportStatus
from utilite.indicators import CRITERION_CODES, INDICATOR_CODES
from utilite.models import SocialReport

from .contract import CONTRACT, EXAMPLE
from .factories import ReportFactory, full_grid, valid_figures, worked_example

pytestmark = pytest.mark.django_db

URL = "/api/v1/social-reports/"
YEAR = timezone.localdate().year - 1  # the last ended year


def since(instant):
    return instant.isoformat().replace("+", "%2B")


def uuids(results):
    return sorted(row["uuid"] for row in results)


def in_57(**fields):
    return StructureFactory(department=Department.objects.get(code="57"), **fields)


def body(structure, year=YEAR, grid=None, **changes):
    return {
        "structure": structure.siret,
        "year": year,
        "indicators": valid_figures(**changes),
        "grid": grid,
    }


def a_grid(**scores):
    return {
        "participants": 4,
        "priority_axes": ["prospective"],
        "scores": full_grid(2, **scores),
        "comments": {"parcours_1": "Plan de formation partagé."},
    }


@pytest.fixture
def nancy():
    return StructureFactory(name="Chantier de Nancy")


@pytest.fixture
def metz():
    return in_57(name="Chantier de Metz")


@pytest.fixture
def reports(nancy, metz):
    return {
        "54": ReportFactory(structure=nancy, year=YEAR),
        "57": ReportFactory(structure=metz, year=YEAR, status=ReportStatus.SOUMIS),
    }


@pytest.fixture
def structure_api(make_token, nancy):
    """A write client of the structure (its account is one of its directors)."""
    return bearer(make_token("write", structure=nancy)[1])


# -- Reading ---------------------------------------------------------------------------------


def test_the_worked_examples_shares_and_axes_read_back_exactly(read_api):
    structures = worked_example()
    results, _ = follow(read_api, f"{URL}?year={EXAMPLE['year']}&department=71")
    by_siret = {row["structure"]: row for row in results}
    assert len(by_siret) == 3
    for name, expected in EXAMPLE["out"]["structures"].items():
        row = by_siret[structures[name].siret]
        assert row["structure_uuid"] == str(structures[name].uuid)
        assert row["status"] == "valide" and row["status_label"] == "Validé"
        for code, value in expected.items():
            if code == "prospective":
                (axis,) = [a for a in row["grid"]["axes"] if a["code"] == code]
                assert axis["score"] == value, (name, code)
            else:
                assert row["shares"][code] == value, (name, code)
        for code, value in EXAMPLE["inputs"][name].items():
            if code != "prospective":
                assert row["indicators"][code] == value
    a = by_siret[structures["A"].siret]
    assert [axis["code"] for axis in a["grid"]["axes"] if axis["priority"]] == ["prospective"]


def test_a_report_has_every_indicator_share_and_the_grid(read_api, nancy):
    report = ReportFactory(
        structure=nancy,
        year=YEAR,
        grid_participants=5,
        priority_axes=["parcours", "environnement"],
        grid_scores=full_grid(3),
        grid_comments={"environnement_2": "Tri des déchets."},
    )
    response = read_api.get(f"{URL}{report.uuid}/")
    assert response.status_code == 200
    row = response.json()
    assert list(row["indicators"]) == list(INDICATOR_CODES)
    assert list(row["shares"]) == CONTRACT["computed"]
    assert row["shares"]["women_share"] == 0.4 and row["shares"]["exit_rate_durable"] == 0.333
    assert row["indicators"]["environmental_certification"] is True
    assert row["grid"]["participants"] == 5
    assert row["grid"]["priority_axes"] == ["parcours", "environnement"]
    assert list(row["grid"]["scores"]) == list(CRITERION_CODES)
    assert row["grid"]["comments"] == {"environnement_2": "Tri des déchets."}
    assert [axis["code"] for axis in row["grid"]["axes"]] == [a[0] for a in CONTRACT["axes"]]
    assert {axis["score"] for axis in row["grid"]["axes"]} == {3}
    assert (row["kind"], row["department"], row["year"]) == ("ACI", "54", YEAR)
    # No person: neither who submitted nor who validated.
    assert not {"submitted_by", "validated_by"} & set(row)


def test_a_report_without_grid_has_grid_null(read_api, reports):
    assert read_api.get(f"{URL}{reports['54'].uuid}/").json()["grid"] is None


def test_a_share_without_denominator_is_null(read_api, nancy):
    report = ReportFactory(structure=nancy, year=YEAR, exits_total=0, exits_cdi=0, exits_autres=0)
    shares = read_api.get(f"{URL}{report.uuid}/").json()["shares"]
    assert shares["exit_rate_dynamic"] is None and shares["women_share"] == 0.4


def test_detail_has_an_etag(read_api, reports):
    url = f"{URL}{reports['54'].uuid}/"
    etag = read_api.get(url).headers["ETag"]
    assert read_api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    report = reports["54"]
    report.women = 41
    report.save()
    assert read_api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_scopes_of_clients(make_token, read_api, reports, nancy, metz):
    assert uuids(follow(read_api, URL)[0]) == uuids(
        [{"uuid": str(r.uuid)} for r in reports.values()]
    )
    api_54 = bearer(make_token("read", department="54")[1])
    assert uuids(follow(api_54, URL)[0]) == [str(reports["54"].uuid)]
    assert api_54.get(f"{URL}{reports['57'].uuid}/").status_code == 404
    structure = bearer(make_token("read", structure=metz)[1])
    assert uuids(follow(structure, URL)[0]) == [str(reports["57"].uuid)]
    assert structure.get(f"{URL}{reports['54'].uuid}/").status_code == 404
    dla = bearer(make_token("read", dla=dla_of("54"))[1])
    assert follow(dla, URL)[0] == []
    assert APIClient().get(URL).status_code == 401


@pytest.mark.parametrize(
    "who, sees",
    [
        ("director_nancy", ["54"]),
        ("employee_nancy", ["54"]),
        ("lecteur", ["54", "57"]),
        ("admin", ["54", "57"]),
        ("facilitator", []),
        ("partner", []),
    ],
)
def test_people_by_session_read_what_the_pages_show(client, reports, nancy, who, sees):
    if who.endswith("_nancy"):
        role = "directeur" if who.startswith("director") else "salarie"
        user = MembershipFactory(structure=nancy, role=role).user
    else:
        roles = {
            "lecteur": Role.LECTEUR,
            "admin": Role.ADMIN,
            "facilitator": Role.FACILITATEUR,
            "partner": Role.PARTENAIRE,
        }
        user = UserFactory(role=roles[who])
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    assert uuids(response.json()["results"]) == sorted(str(reports[code].uuid) for code in sees)


def test_filters(read_api, reports, nancy):
    older = ReportFactory(structure=nancy, year=YEAR - 1)
    ei = ReportFactory(structure=StructureFactory(kind="EI"), year=YEAR - 1)
    cases = {
        f"year={YEAR}": reports.values(),
        "status=soumis": [reports["57"]],
        "status=soumis&status=valide": [*reports.values(), older, ei],
        "department=57": [reports["57"]],
        f"structure={nancy.siret}": [reports["54"], older],
        "kind=EI": [ei],
        f"kind=EI&year={YEAR}": [],
    }
    for query, expected in cases.items():
        results, _ = follow(read_api, f"{URL}?{query}")
        assert uuids(results) == sorted(str(r.uuid) for r in expected), query


def test_updated_since(read_api, reports):
    later = timezone.now() + datetime.timedelta(seconds=1)
    assert follow(read_api, f"{URL}?updated_since={since(later)}")[0] == []
    SocialReport.objects.filter(pk=reports["57"].pk).update(
        updated_at=later + datetime.timedelta(seconds=1)
    )
    results, _ = follow(read_api, f"{URL}?updated_since={since(later)}")
    assert uuids(results) == [str(reports["57"].uuid)]


def test_pagination_reads_each_report_once(read_api):
    for n in range(7):
        ReportFactory(year=YEAR - 1 - n % 3)
    results, pages = follow(read_api, f"{URL}?page_size=2")
    assert len(results) == 7 and len({row["uuid"] for row in results}) == 7 and pages == 4


def test_a_page_costs_the_same_at_5_and_20_rows(read_api):
    for n in range(20):
        ReportFactory(year=YEAR - 1 - n % 4, grid_participants=3, grid_scores=full_grid(1))
    read_api.get(URL)  # the client's first use is recorded once
    small, large = queries_per_page_size(read_api, URL, sizes=(5, 20))
    assert small == large
    assert len(read_api.get(f"{URL}?page_size=20").json()["results"]) == 20


def test_deletions_feed_has_the_lists_audience(make_token, read_api, reports, nancy):
    api_57 = bearer(make_token("read", department="57")[1])
    structure = bearer(make_token("read", structure=nancy)[1])
    start = timezone.now() - datetime.timedelta(seconds=1)
    gone = {code: str(report.uuid) for code, report in reports.items()}
    for report in reports.values():
        report.delete()

    def deleted(api):
        rows = follow(api, f"/api/v1/deletions/?since={since(start)}")[0]
        return sorted(row["id"] for row in rows if row["type"] == "social_report")

    assert deleted(read_api) == sorted(gone.values())
    assert deleted(api_57) == [gone["57"]]
    assert deleted(structure) == [gone["54"]]
    dla = bearer(make_token("read", dla=dla_of("54"))[1])
    assert deleted(dla) == []


# -- Writing ---------------------------------------------------------------------------------


def test_a_structure_client_deposits_its_report_as_submitted(structure_api, nancy):
    response = structure_api.post(URL, body(nancy, grid=a_grid(prospective_1=0)), format="json")
    assert response.status_code == 201, response.content
    row = response.json()
    assert row["status"] == "soumis" and row["structure"] == nancy.siret
    assert row["grid"]["comments"] == {"parcours_1": "Plan de formation partagé."}
    report = SocialReport.objects.get(uuid=row["uuid"])
    assert report.status == ReportStatus.SOUMIS and report.submitted_at is not None
    assert report.figures() == valid_figures()
    entry = AuditEntry.objects.get(object_id=row["uuid"])
    assert entry.action == "utilite.submit" and entry.reason == "Par l'API"

    # The same structure and year again: the same report, updated (200).
    again = structure_api.post(URL, body(nancy, women=41), format="json")
    assert again.status_code == 200 and again.json()["uuid"] == row["uuid"]
    assert again.json()["indicators"]["women"] == 41 and again.json()["grid"] is None
    assert SocialReport.objects.count() == 1


def test_put_replaces_and_patch_changes_what_it_gives(structure_api, nancy):
    report = ReportFactory(
        structure=nancy,
        year=YEAR,
        status=ReportStatus.A_CORRIGER,
        grid_participants=3,
        grid_scores=full_grid(1),
        staff_comment="Merci de vérifier les sorties.",
    )
    url = f"{URL}{report.uuid}/"
    patched = structure_api.patch(url, {"indicators": {"women": 12}}, format="json")
    assert patched.status_code == 200, patched.content
    row = patched.json()
    assert row["status"] == "soumis" and row["indicators"]["women"] == 12
    assert row["indicators"]["total_resources"] == 500000 and row["grid"]["participants"] == 3
    put = structure_api.put(url, {"indicators": valid_figures(women=13)}, format="json")
    assert put.status_code == 200, put.content
    assert put.json()["indicators"]["women"] == 13 and put.json()["grid"] is None
    moved = structure_api.patch(url, {"year": YEAR - 1, "indicators": {}}, format="json")
    assert moved.status_code == 400 and moved.json()["errors"][0]["field"] == "year"


def test_a_validated_report_is_refused_unless_identical(structure_api, nancy):
    report = ReportFactory(structure=nancy, year=YEAR)
    url = f"{URL}{report.uuid}/"
    response = structure_api.patch(url, {"indicators": {"women": 12}}, format="json")
    assert response.status_code == 409
    (error,) = response.json()["errors"]
    assert error["code"] == "validated" and "validé" in error["message"]
    assert "women" in error["message"]
    report.refresh_from_db()
    assert report.women == 40 and report.status == ReportStatus.VALIDE
    assert structure_api.post(URL, body(nancy, women=12), format="json").status_code == 409
    # Sending what it holds changes nothing: 200, still validated.
    same = structure_api.post(URL, body(nancy), format="json")
    assert same.status_code == 200 and same.json()["status"] == "valide"


def test_staff_clients_write_within_their_scope(make_token, nancy, metz):
    everything = bearer(make_token("write")[1])
    assert everything.post(URL, body(metz), format="json").status_code == 201
    api_54 = bearer(make_token("write", department="54")[1])
    assert api_54.post(URL, body(nancy), format="json").status_code == 201
    refused = api_54.post(URL, body(metz, year=YEAR - 1), format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "structure"
    assert not SocialReport.objects.filter(structure=metz, year=YEAR - 1).exists()


def test_who_may_not_write(make_token, client, nancy, metz, structure_api, lecteur):
    read = bearer(make_token("read")[1])
    assert read.post(URL, body(nancy), format="json").status_code == 403
    # A structure's client for another structure: its field.
    other = structure_api.post(URL, body(metz), format="json")
    assert other.status_code == 400 and other.json()["errors"][0]["field"] == "structure"
    client.force_login(lecteur)
    assert client.post(URL, body(nancy), content_type="application/json").status_code == 403
    employee = MembershipFactory(structure=nancy, role="salarie").user
    client.force_login(employee)
    assert client.post(URL, body(nancy), content_type="application/json").status_code == 403
    report = ReportFactory(structure=nancy, year=YEAR - 1, status=ReportStatus.SOUMIS)
    response = client.patch(
        f"{URL}{report.uuid}/", {"indicators": {}}, content_type="application/json"
    )
    assert response.status_code == 403
    assert not SocialReport.objects.filter(year=YEAR).exists()


def test_a_director_by_session_writes_their_structures_report(client, nancy):
    client.force_login(MembershipFactory(structure=nancy).user)
    response = client.post(URL, body(nancy), content_type="application/json")
    assert response.status_code == 201 and response.json()["status"] == "soumis"


# Each rule of the contract, at its boundary: (changes to a valid body, the field named).
RULES = {
    "missing figure": ({"indicators": {"women": None}}, "indicators.women"),
    "negative": ({"indicators": {"turnover": -1}}, "indicators.turnover"),
    "not whole": ({"indicators": {"hours_worked": 2.5}}, "indicators.hours_worked"),
    "text": ({"indicators": {"wages_paid": "12"}}, "indicators.wages_paid"),
    "boolean for a count": ({"indicators": {"qualifications": True}}, "indicators.qualifications"),
    "number for a boolean": (
        {"indicators": {"environmental_certification": 1}},
        "indicators.environmental_certification",
    ),
    "too big": ({"indicators": {"turnover": 10**12 + 1}}, "indicators.turnover"),
    "scale above 3": ({"indicators": {"participation_level": 4}}, "indicators.participation_level"),
    "exits not summing": ({"indicators": {"exits_autres": 5}}, "indicators.exits_total"),
    "women above employees": ({"indicators": {"women": 101}}, "indicators.women"),
    "trained above employees": (
        {"indicators": {"trained_employees": 101}},
        "indicators.trained_employees",
    ),
    "exits above employees": (
        {"indicators": {"insertion_employees": 5, "women": 5, "trained_employees": 5}},
        "indicators.exits_total",
    ),
    "public funding above resources": (
        {"indicators": {"public_funding": 500001}},
        "indicators.public_funding",
    ),
    "turnover above resources": ({"indicators": {"turnover": 500001}}, "indicators.turnover"),
    "training hours without trained": (
        {"indicators": {"trained_employees": 0}},
        "indicators.trained_employees",
    ),
    "trained without hours": ({"indicators": {"training_hours": 0}}, "indicators.training_hours"),
    "unknown indicator": ({"indicators": {"smiles": 3}}, "indicators.smiles"),
    "computed indicator": ({"indicators": {"women_share": 0.4}}, "indicators.women_share"),
    "partial grid": (
        {"grid": {"participants": 3, "scores": {"activite_1": 2}}},
        "grid.scores.activite_2",
    ),
    "grid without participants": (
        {"grid": {"scores": full_grid(1)}},
        "grid.participants",
    ),
    "grid of nobody": ({"grid": {"participants": 0, "scores": full_grid(1)}}, "grid.participants"),
    "score above 3": (
        {"grid": {"participants": 3, "scores": full_grid(1, prospective_2=4)}},
        "grid.scores.prospective_2",
    ),
    "unknown criterion": (
        {"grid": {"participants": 3, "scores": full_grid(1, magie_1=2)}},
        "grid.scores.magie_1",
    ),
    "unknown axis": (
        {"grid": {"participants": 3, "scores": full_grid(1), "priority_axes": ["magie"]}},
        "grid.priority_axes",
    ),
    "comment too long": (
        {
            "grid": {
                "participants": 3,
                "scores": full_grid(1),
                "comments": {"activite_1": "x" * 1001},
            }
        },
        "grid.comments.activite_1",
    ),
    "year not ended": ({"year": YEAR + 1}, "year"),
    "year before 1990": ({"year": 1989}, "year"),
    "unknown SIRET": ({"structure": "73282932000074"}, "structure"),
    "not an SIAE": ({"structure": "association"}, "structure"),
}


@pytest.mark.parametrize("rule", RULES)
def test_every_rule_is_a_400_naming_its_field(write_api, nancy, rule):
    changes, field = RULES[rule]
    data = body(nancy)
    for key, value in changes.items():
        if key == "indicators":
            data["indicators"].update(value)
        else:
            data[key] = value
    if data["structure"] == "association":
        data["structure"] = StructureFactory(kind="ASSOCIATION").siret
    response = write_api.post(URL, data, format="json")
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert field in [error["field"] for error in errors], errors
    assert all(error["message"] for error in errors)
    assert not SocialReport.objects.exists()


def test_the_boundaries_themselves_pass(write_api, nancy):
    data = body(
        nancy,
        grid={"participants": 1, "scores": full_grid(3, activite_1=0)},
        turnover=500000,
        public_funding=500000,
        women=100,
        trained_employees=100,
        participation_level=3,
    )
    data["indicators"]["exits_total"] = 6
    response = write_api.post(URL, data, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["shares"]["self_financing_rate"] == 0


@pytest.mark.parametrize(
    "raw, field",
    [
        (b'{"structure": "1\\u0000", "year": 2020, "indicators": {}}', "structure"),
        (b'{"structure": "x", "year": 1e400, "indicators": {}}', "year"),
        (b'{"structure": "x", "year": 2020, "indicators": {"women": 1e400}}', "indicators.women"),
        (b'{"structure": "x", "year": 99999999999999999999999, "indicators": {}}', "year"),
        (b'{"structure": "x", "year": 2020, "indicators": [1]}', "indicators"),
        (b'{"structure": "x", "year": 2020, "indicators": {}, "grid": [1]}', "grid"),
        (b'{"structure": "x", "year": "deux mille", "indicators": {}}', "year"),
        (b"[]", None),
        (b"null", None),
        (b'"x"', None),
        (b"1", None),
    ],
)
def test_malformed_bodies_are_400(write_api, raw, field):
    response = write_api.post(URL, raw, content_type="application/json")
    assert response.status_code == 400, response.content
    assert field in [error["field"] for error in response.json()["errors"]]


@pytest.mark.parametrize(
    "query, field",
    [
        ("cursor=bad", "cursor"),
        ("cursor=" + "A" * 2000, "cursor"),
        ("year=abc", "year"),
        ("year=99999999999999999999", "year"),
        ("status=perdu", "status"),
        ("department=5%007", "department"),
        ("updated_since=hier", "updated_since"),
        ("page_size=0", "page_size"),
    ],
)
def test_bad_queries_are_400(read_api, reports, query, field):
    response = read_api.get(f"{URL}?{query}")
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["field"] == field


def test_a_malformed_uuid_is_404(read_api):
    assert read_api.get(f"{URL}pas-un-uuid/").status_code == 404
