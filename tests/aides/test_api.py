"""Schemes, the simulator, campaigns and dossiers through the API."""

import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from aides import services
from aides.models import AidScheme, Dossier
from aides.simulation import SchemeBook
from tests.aides.factories import CA_DATA, PDF, CampaignFactory, move, pdf_upload
from tests.aides.helpers import CASES_FILE
from tests.api.fixtures import bearer, follow
from tests.structures.factories import MembershipFactory, StructureFactory

pytestmark = pytest.mark.django_db

SIMULATE = "/api/v1/aides/simulate/"


def test_simulate_answers_like_the_command_for_one_case_or_an_array(read_api):
    cases = json.loads(CASES_FILE.read_text())  # numbers as JSON gives them to a client
    inputs = [case["input"] for case in cases]
    expected = SchemeBook().simulate_many(inputs)
    assert read_api.post(SIMULATE, inputs, format="json").json() == expected
    one = read_api.post(SIMULATE, inputs[0], format="json")
    assert one.status_code == 200 and one.json() == expected[0]
    for case in cases:
        for key, value in case["expected"].items():
            assert read_api.post(SIMULATE, case["input"], format="json").json()[key] == value


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"scheme": "inconnu"}, "scheme"),
        ({}, "scheme"),
        ([{"scheme": "ca-equipes-insertion"}, {"scheme": "ca-equipes-insertion", "years": 0}], "[1].years"),
        ({"scheme": "ca-equipes-insertion", "expenses": [{"category": "x"}]}, "expenses[0].category"),
        ("texte", "case"),
    ],
)  # fmt: skip
def test_simulate_bad_input_is_400_naming_the_field(read_api, body, field):
    response = read_api.post(SIMULATE, body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == field


def test_schemes_show_current_parameters_and_a_new_version_counts_as_an_update(read_api):
    schemes, _ = follow(read_api, "/api/v1/schemes/")
    assert len(schemes) == AidScheme.objects.count()
    assert all(s["parameters_version"] == 1 and s["parameters"] for s in schemes)
    scheme = AidScheme.objects.get(code="ca-equipes-insertion")
    since = timezone.now()
    url = f"/api/v1/schemes/?updated_since={since.isoformat().replace('+', '%2B')}"
    assert follow(read_api, url)[0] == []
    services.scheme_parameters_change(
        actor=None,
        scheme=scheme,
        values={**scheme.parameters(), "startup_per_member": Decimal("700")},
        reason="essai",
    )
    changed = follow(read_api, url)[0]
    assert [(s["code"], s["parameters_version"]) for s in changed] == [("ca-equipes-insertion", 2)]


def test_campaigns_are_listed_with_their_scheme(read_api):
    campaign = CampaignFactory()
    body = read_api.get(f"/api/v1/campaigns/{campaign.uuid}/").json()
    assert body["scheme"] == "ca-equipes-insertion" and body["is_open"] is True
    assert follow(read_api, "/api/v1/campaigns/?scheme=autre")[0] == []


BOUNDARY_TYPE = "multipart/form-data; boundary=XyZ"


def multipart(filename):
    """A request body whose file name keeps its path (the test client would strip it)."""
    return (
        b'--XyZ\r\nContent-Disposition: form-data; name="kind"\r\n\r\nstatuts\r\n'
        b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="'
        + filename.encode()
        + b'"\r\nContent-Type: application/pdf\r\n\r\n'
        + PDF
        + b"\r\n--XyZ--\r\n"
    )


@pytest.fixture
def director_api(make_token):
    structure = StructureFactory()
    client, token = make_token("write", structure=structure)
    return structure, bearer(token), client


def test_a_directors_client_creates_and_fills_a_draft_idempotently(director_api):
    structure, api, _ = director_api
    campaign = CampaignFactory()
    body = {
        "campaign": str(campaign.uuid),
        "title": "Équipe",
        "data": CA_DATA,
        "external_id": "d-1",
    }
    created = api.post("/api/v1/dossiers/", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["structure"] == structure.siret
    assert created.json()["state"] == "brouillon"
    assert created.json()["computed_total"] is not None
    again = api.post("/api/v1/dossiers/", {**body, "title": "Équipe 2"}, format="json")
    assert again.status_code == 200 and again.json()["uuid"] == created.json()["uuid"]
    assert Dossier.objects.get().title == "Équipe 2"


def test_draft_data_errors_name_the_field(director_api):
    _, api, _ = director_api
    campaign = CampaignFactory()
    response = api.post(
        "/api/v1/dossiers/",
        {
            "campaign": str(campaign.uuid),
            "data": {"positions": [{"role": "chef_equipe", "etp": 3}]},
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "data.positions[0].etp"
    assert not Dossier.objects.exists()


def test_documents_are_checked_by_content_and_refused_once_submitted(director_api):
    structure, api, client = director_api
    dossier = services.dossier_create(
        actor=client.user, structure=structure, campaign=CampaignFactory()
    )
    url = f"/api/v1/dossiers/{dossier.uuid}/documents/"
    ok = api.post(url, {"kind": "statuts", "file": pdf_upload()}, format="multipart")
    assert ok.status_code == 201 and ok.json()["content_type"] == "application/pdf"
    fake = SimpleUploadedFile("faux.pdf", b"MZ not a pdf")
    refused = api.post(url, {"kind": "statuts", "file": fake}, format="multipart")
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "file"
    with_path = api.post(url, data=multipart("../../etc/statuts.pdf"), content_type=BOUNDARY_TYPE)
    assert with_path.status_code == 400 and with_path.json()["errors"][0]["code"] == "path"
    Dossier.objects.filter(pk=dossier.pk).update(state="depose")
    late = api.post(url, {"kind": "rib", "file": pdf_upload()}, format="multipart")
    assert late.status_code == 409 and late.json()["errors"][0]["code"] == "not_editable"


def test_applicants_see_what_the_pages_show_them(
    draft, director_a, instructeur, structure_a, make_token
):
    move(draft, director_a, "submit")
    move(draft, instructeur, "start_instruction")
    move(draft, instructeur, "instruct", opinion="favorable")
    applicant = bearer(make_token("read", structure=structure_a)[1])
    body = applicant.get(f"/api/v1/dossiers/{draft.uuid}/").json()
    assert body["state"] == "en_instruction" and body["proposed_amount"] is None
    assert [d["uuid"] for d in follow(applicant, "/api/v1/dossiers/?state=instruit")[0]] == []
    assert len(follow(applicant, "/api/v1/dossiers/?state=en_instruction")[0]) == 1
    staff = bearer(make_token("read")[1])
    assert staff.get(f"/api/v1/dossiers/{draft.uuid}/").json()["state"] == "instruit"


def test_other_structures_dossiers_are_404_and_staff_clients_create_none(draft, make_token):
    other = StructureFactory()
    MembershipFactory(structure=other)
    outsider = bearer(make_token("read", structure=other)[1])
    assert outsider.get(f"/api/v1/dossiers/{draft.uuid}/").status_code == 404
    staff = bearer(make_token("write")[1])
    response = staff.post(
        "/api/v1/dossiers/",
        {"campaign": str(draft.campaign.uuid), "structure": draft.structure.siret},
        format="json",
    )
    assert response.status_code == 403


def test_a_stale_version_is_409_and_changes_nothing(director_api):
    structure, api, client = director_api
    dossier = services.dossier_create(
        actor=client.user, structure=structure, campaign=CampaignFactory()
    )
    url = f"/api/v1/dossiers/{dossier.uuid}/"
    fresh = api.patch(url, {"title": "Premier", "version": dossier.version}, format="json")
    assert fresh.status_code == 200 and fresh.json()["title"] == "Premier"
    stale = api.patch(url, {"title": "Second", "version": dossier.version}, format="json")
    assert stale.status_code == 409 and stale.json()["errors"][0]["code"] == "changed"
    assert Dossier.objects.get().title == "Premier"


def test_submitted_after_reads_any_iso_offset_and_names_itself_when_bad(
    draft, director_a, read_api
):
    move(draft, director_a, "submit")
    # +16:15 is valid ISO 8601 but beyond what PostgreSQL accepts as an offset (was a 500).
    far_offset = read_api.get("/api/v1/dossiers/?submitted_after=2000-01-01T00:00:00%2B16:15")
    assert far_offset.status_code == 200
    assert [d["uuid"] for d in far_offset.json()["results"]] == [str(draft.uuid)]
    later = read_api.get("/api/v1/dossiers/?submitted_after=2999-01-01T00:00:00Z")
    assert later.json()["results"] == []
    bad = read_api.get("/api/v1/dossiers/?submitted_after=hier")
    assert bad.status_code == 400
    assert [e["field"] for e in bad.json()["errors"]] == ["submitted_after"]
