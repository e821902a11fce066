import pytest

from structures.models import Structure
from tests.api.fixtures import bearer
from tests.structures.factories import make_siret

pytestmark = pytest.mark.django_db

URL = "/api/v1/structures/"


def payload(**extra):
    return {
        "siret": make_siret(777),
        "name": "Chantier du Lac",
        "kind": "ACI",
        "legal_form": "association",
        "department": "54",
        **extra,
    }


def test_same_external_id_updates_instead_of_duplicating(write_api):
    first = write_api.post(URL, payload(external_id="crm-1"), format="json")
    assert first.status_code == 201 and first.json()["external_id"] == "crm-1"
    second = write_api.post(URL, payload(external_id="crm-1", name="Nouveau nom"), format="json")
    assert second.status_code == 200
    assert second.json()["uuid"] == first.json()["uuid"]
    assert Structure.objects.get().name == "Nouveau nom"


def test_external_ids_are_per_client(make_token, write_api):
    write_api.post(URL, payload(external_id="crm-1"), format="json")
    other = bearer(make_token("write")[1])
    response = other.post(URL, payload(external_id="crm-1"), format="json")
    # Another client's crm-1 is not this one's: it tries to create, and the SIRET is taken.
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "siret"
    assert Structure.objects.count() == 1


def test_idempotency_key_replays_the_first_answer(write_api):
    first = write_api.post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = write_api.post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert Structure.objects.count() == 1


def test_idempotency_key_reused_for_another_request_is_409(write_api):
    write_api.post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    response = write_api.post(URL, payload(name="Autre"), format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "idempotency_key_reused"


def test_a_failed_request_is_not_kept_for_its_key(write_api):
    bad = write_api.post(URL, payload(siret="123"), format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    assert bad.status_code == 400
    good = write_api.post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="k-4")
    assert good.status_code == 201


@pytest.mark.parametrize(
    "external_id, code",
    [
        ("a\\u0000b", "null_characters_not_allowed"),
        ("crm-\\ud800", "surrogate_characters_not_allowed"),
        ('"  "', None),
    ],
)
def test_a_malformed_external_id_is_400_and_writes_nothing(write_api, external_id, code):
    # Raw JSON text: a lone surrogate cannot be built by the test client's encoder.
    raw_id = external_id if external_id.startswith('"') else f'"{external_id}"'
    body = (
        f'{{"siret": "{make_siret(778)}", "name": "X", "kind": "ACI", '
        f'"legal_form": "association", "department": "54", "external_id": {raw_id}}}'
    )
    response = write_api.post(URL, body, content_type="application/json")
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["field"] == "external_id"
    if code:
        assert error["code"] == code
    assert not Structure.objects.exists()
