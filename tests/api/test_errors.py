import pytest

pytestmark = pytest.mark.django_db


def assert_error(response, status, field):
    assert response.status_code == status, response.content
    errors = response.json()["errors"]
    assert errors and all(set(e) == {"field", "code", "message"} for e in errors)
    assert field in [e["field"] for e in errors]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page_size=0", "page_size"),
        ("page_size=1001", "page_size"),
        ("page_size=abc", "page_size"),
        ("page_size=-5", "page_size"),
        ("cursor=zzz", "cursor"),
        ("cursor=WyJuIiwgWzFdXQ", "cursor"),  # ["n", [1]]: not a uuid
        ("updated_since=hier", "updated_since"),
        ("updated_since=2026-13-45T00:00:00", "updated_since"),
        ("kind=INCONNU", "kind"),
    ],
)
def test_bad_list_parameters_are_400_naming_the_parameter(read_api, query, field):
    assert_error(read_api.get(f"/api/v1/structures/?{query}"), 400, field)


def test_bad_deletions_since_is_400(read_api):
    assert_error(read_api.get("/api/v1/deletions/?since=0000"), 400, "since")


def test_unknown_address_and_object_are_404_in_the_error_shape(read_api):
    assert_error(read_api.get("/api/v1/inconnu/"), 404, None)
    assert_error(read_api.get("/api/v1/structures/12345678901234/"), 404, None)
    assert_error(read_api.get("/api/v1/dossiers/not-a-uuid/"), 404, None)
    # A line break in the address (found by schemathesis): still the API's JSON answer.
    assert_error(read_api.get("/api/v1/structures/%C3%82%0AA/"), 404, None)
    assert_error(read_api.put("/api/v1/inconnu/%0A/", {}, format="json"), 404, None)


def test_method_not_allowed_and_malformed_json_use_the_error_shape(write_api):
    assert_error(write_api.delete("/api/v1/schemes/"), 405, None)
    response = write_api.post("/api/v1/structures/", data="{nope", content_type="application/json")
    assert_error(response, 400, None)


def test_simulate_errors_name_the_field_with_its_index(read_api):
    cases = [
        {"scheme": "pc-emplois-tremplin-environnement"},
        {"scheme": "pc-emplois-tremplin-environnement", "positions": [{"role": "execution", "etp": 2}]},
    ]  # fmt: skip
    response = read_api.post("/api/v1/aides/simulate/", cases, format="json")
    assert_error(response, 400, "[1].positions[0].etp")
