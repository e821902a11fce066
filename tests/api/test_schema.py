import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_schema_generation_is_valid_without_warnings(tmp_path):
    # drf-spectacular validates against the OpenAPI 3 specification and fails on any warning.
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )
    assert "/api/v1/structures/{siret}/:" in (tmp_path / "schema.yml").read_text()


def test_schema_is_served_in_french_with_every_resource():
    response = APIClient().get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "API du portail IAE"
    paths = schema["paths"]
    for path in (
        "/api/v1/structures/",
        "/api/v1/schemes/",
        "/api/v1/aides/simulate/",
        "/api/v1/campaigns/",
        "/api/v1/dossiers/",
        "/api/v1/dossiers/{uuid}/documents/",
        "/api/v1/opinion-requests/",
        "/api/v1/financing-plans/{uuid}/",
        "/api/v1/social-reports/",
        "/api/v1/social-reports/{uuid}/",
        "/api/v1/structure-activities/",
        "/api/v1/clauses/achats-prevus/{uuid}/",
        "/api/v1/clauses/interets/",
        "/api/v1/deletions/",
    ):
        assert path in paths
    listing = paths["/api/v1/structures/"]["get"]
    assert {"cursor", "page_size", "updated_since"} <= {p["name"] for p in listing["parameters"]}
    assert listing["responses"]["429"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Errors"
    }
    assert "bearer" in str(schema["components"]["securitySchemes"]).lower()


def test_docs_page_needs_no_inline_script_under_the_csp():
    response = APIClient().get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "https:" not in csp
    assert "<script>" not in html and "<style>" not in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    script = APIClient().get("/api/v1/docs/?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
