"""The API at its edges (issue 16, finding 4): what it answered with a 500 (on PostgreSQL, and
as an HTML page) now gets a 400 naming the field, and every error, an unexpected one
included, has the JSON error shape of docs/api.md."""

import base64
import json
import logging
import threading

import pytest
from django.db import IntegrityError
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from iae_portal.api import docs
from iae_portal.api.parsers import MAX_DEPTH
from iae_portal.api.views import DeletionViewSet
from tests.api.fixtures import bearer
from tests.api.resolver import api_routes
from tests.structures.factories import StructureFactory

pytestmark = pytest.mark.django_db


def assert_error(response, status, field=..., code=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json"), response.content
    errors = response.json()["errors"]
    assert errors and all(set(e) == {"field", "code", "message"} for e in errors)
    assert field is ... or field in [e["field"] for e in errors], errors
    if code:
        assert code in [e["code"] for e in errors], errors
    return errors


def cursor(raw):
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def list_urls():
    """Every paginated list of the API, from its URL resolver."""
    return [route.template for route in api_routes() if route.name.endswith("-list")]


@pytest.fixture
def api(make_token, settings):
    settings.IAE_API_THROTTLE_RATE = "100000/min"
    client = bearer(make_token("write")[1])
    client.raise_request_exception = False
    return client


def test_a_deletions_cursor_with_an_offset_beyond_postgresql_is_read_in_utc(api):
    forged = cursor('["n",["2026-01-01T00:00:00+23:59","6b1f0c2e-8d4a-4f3e-9c7b-1a2d3e4f5a6b"]]')
    response = api.get(f"/api/v1/deletions/?cursor={forged}")
    assert response.status_code == 200, response.content
    # Out of range once in UTC: a bad cursor.
    forged = cursor('["n",["0001-01-01T00:00:00+23:59","6b1f0c2e-8d4a-4f3e-9c7b-1a2d3e4f5a6b"]]')
    assert_error(api.get(f"/api/v1/deletions/?cursor={forged}"), 400, "cursor")


def test_a_cursor_holding_a_deep_list_is_400_on_every_paginated_list(api):
    deep = cursor("[" * 3000 + "]" * 3000)
    urls = list_urls()
    assert "/api/v1/structures/" in urls and "/api/v1/deletions/" in urls
    for url in urls:
        assert_error(api.get(f"{url}?cursor={deep}"), 400, "cursor")


@pytest.mark.parametrize(
    "value", ['"a\\u0000"', '"\\ud800"', '"' + "x" * 2000 + '"', '{"a": 1}', "null"]
)
def test_a_cursor_with_a_malformed_key_is_400(api, value):
    forged = cursor(f'["n",[{value}]]')
    assert_error(api.get(f"/api/v1/structures/?cursor={forged}"), 400, "cursor")


@pytest.mark.parametrize("parameter", ["department", "region"])
def test_a_nul_byte_in_a_query_parameter_is_400_naming_it(api, parameter):
    response = api.get(f"/api/v1/dla/bilan/?year=2024&{parameter}=%00")
    assert_error(response, 400, parameter, code="null_characters_not_allowed")
    assert_error(api.get(f"/api/v1/structures/?{parameter}=54%00"), 400, parameter)


def test_a_nul_byte_in_a_path_parameter_is_400_naming_it(api):
    assert_error(api.get("/api/v1/dossiers/%00/"), 400, "uuid", code="null_characters_not_allowed")
    # An address no route takes stays a 404.
    assert_error(api.get("/api/v1/structures/%00/"), 404)


def test_a_nul_byte_in_a_body_is_400_naming_the_field(api):
    structure = StructureFactory()
    url = f"/api/v1/structures/{structure.siret}/"
    response = api.patch(url, {"department": "\u0000"}, format="json")
    assert_error(response, 400, "department", code="null_characters_not_allowed")
    response = api.patch(url, {"networks": ["ok", "a\u0000"]}, format="json")
    assert_error(response, 400, "networks[1]", code="null_characters_not_allowed")
    response = api.patch(url, {"name\u0000": "x"}, format="json")
    assert_error(response, 400, "name\u0000", code="null_characters_not_allowed")
    raw = '{"name": "\\ud800"}'  # a lone surrogate: not storable either
    response = api.patch(url, raw, content_type="application/json")
    assert_error(response, 400, "name", code="surrogate_characters_not_allowed")
    structure.refresh_from_db()
    assert structure.department_id != "\x00"


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 5000])
def test_a_deeply_nested_body_is_400(api, depth):
    for url in ("/api/v1/structures/", "/api/v1/aides/simulate/"):
        body = '{"name": ' + "[" * depth + "]" * depth + "}"
        response = api.post(url, body, content_type="application/json")
        (error,) = assert_error(response, 400, code="too_deep")
        # Where it is too deep (the decoder's own limit, far beyond, names no field).
        assert error["field"] == ("name" + "[0]" * (MAX_DEPTH - 1) if depth < 1000 else None)


@pytest.mark.parametrize(
    ("body", "field"), [('{"years": 1e400}', "years"), ('{"years": 1' + "0" * 30 + "}", "years")]
)
def test_a_number_out_of_range_is_400(api, body, field):
    response = api.post("/api/v1/aides/simulate/", body, content_type="application/json")
    assert_error(response, 400, field, code="out_of_range")


def test_a_json_body_beyond_the_upload_limit_is_413(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    body = json.dumps({"name": "x" * 200})
    response = api.post("/api/v1/structures/", body, content_type="application/json")
    assert_error(response, 413, code="payload_too_large")


def test_an_unexpected_exception_is_a_logged_500_in_the_error_shape(api, monkeypatch, caplog):
    def crash(self):
        raise RuntimeError("boom")

    monkeypatch.setattr(DeletionViewSet, "get_queryset", crash)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = api.get("/api/v1/deletions/")
    assert_error(response, 500, code="server_error")
    assert "boom" not in response.content.decode()
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info and record.exc_info[0] is RuntimeError


@pytest.mark.parametrize(
    ("sqlstate", "status", "code"),
    [("23505", 409, "concurrent_write"), ("23502", 500, "server_error")],
)
def test_a_unique_conflict_is_a_409_another_integrity_error_a_500(
    api, monkeypatch, sqlstate, status, code
):
    def conflict(self):
        cause = Exception("violation")
        cause.sqlstate = sqlstate  # as psycopg's errors carry it
        raise IntegrityError("violation") from cause

    monkeypatch.setattr(DeletionViewSet, "get_queryset", conflict)
    assert_error(api.get("/api/v1/deletions/"), status, code=code)


def test_errors_outside_the_views_have_the_error_shape(api):
    # Refused by Django's middleware (an unknown host): 400, not its HTML page.
    assert_error(api.get("/api/v1/structures/", HTTP_HOST="pirate.example"), 400)
    # Outside the API's version: still the API's address space.
    assert_error(api.get("/api/v2/structures/"), 404)
    # A schema asked in a format it does not have.
    assert_error(api.get("/api/v1/schema/?format=xml"), 404)


def test_the_schema_is_built_by_one_request_at_a_time(monkeypatch):
    """drf-spectacular is not thread-safe: two requests building the schema at once failed
    (500). Each build waits at a barrier for another one: only overlapping builds meet."""
    meeting = threading.Barrier(2, timeout=2)
    overlaps = []

    class Recording(SchemaGenerator):
        def get_schema(self, *args, **kwargs):
            try:
                meeting.wait()
                overlaps.append(True)
            except threading.BrokenBarrierError:
                pass
            return super().get_schema(*args, **kwargs)

    monkeypatch.setattr(docs.SchemaView, "generator_class", Recording)
    monkeypatch.setattr(docs, "_BUILT", {}, raising=False)
    start = threading.Barrier(2, timeout=10)
    statuses = []

    def fetch():
        start.wait()
        client = APIClient()
        client.raise_request_exception = False
        statuses.append(client.get("/api/v1/schema/?format=json").status_code)

    threads = [threading.Thread(target=fetch) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [200, 200]
    assert not overlaps
