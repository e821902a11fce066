"""The API against its own OpenAPI schema, fuzzed by schemathesis through the WSGI
application, with a read token and a write token: no 5xx, no answer outside the schema.

Bounded: ``SCHEMATHESIS_EXAMPLES`` examples per operation (default 8) so it runs in CI."""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from iae_portal.api.services import api_client_create
from iae_portal.wsgi import application
from tests.api.fixtures import dossier_for
from tests.structures.factories import ConventionFactory, FiguresFactory, StructureFactory

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", 8))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


# The schema endpoint reads no database: it can be loaded when the module is collected.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    # Called outside Django's test client, the WSGI handler would close the database
    # connection after each request (and with it the test's transaction): as the test
    # client does, keep it open.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def tokens(db, settings):
    settings.IAE_API_THROTTLE_RATE = "100000/min"
    for structure in StructureFactory.create_batch(3):
        ConventionFactory(structure=structure)
        FiguresFactory(structure=structure)
        dossier_for(structure)
    return [
        api_client_create(actor=None, name=f"Fuzz {scope}", scope=scope)[1]
        for scope in ("read", "write")
    ]


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_api_conforms_to_its_schema(case, tokens):
    for token in tokens:
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
