"""schemathesis on /api/v1/dla/ with a DLA's tokens and an accompaniment at its plan: the
write paths (request, prestation) are reached by the schema's own examples, whose
accompaniment and structure exist here. No 5xx, no answer outside the schema."""

import uuid

import pytest
from hypothesis import HealthCheck, settings

from dla.models import Accompaniment
from iae_portal.api.services import api_client_create
from tests.api.test_schemathesis import CHECKS, EXAMPLES, _keep_the_test_connection, schema
from tests.structures.factories import StructureFactory

from .factories import accompaniment_at, chargé, dla_of

__all__ = ["_keep_the_test_connection"]

# The accompaniment and structure of the OpenAPI examples (dla/api/schema.py).
EXAMPLE_ACCOMPANIMENT = uuid.UUID("6b1f0c2e-8d4a-4f3e-9c7b-1a2d3e4f5a6b")
EXAMPLE_SIRET = "73282932000074"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def tokens(db, settings):
    settings.IAE_API_THROTTLE_RATE = "100000/min"
    structure = StructureFactory(siret=EXAMPLE_SIRET)
    planned = accompaniment_at("plan", chargé("fuzz@example.org", "54"), [structure])
    Accompaniment.objects.filter(pk=planned.pk).update(uuid=EXAMPLE_ACCOMPANIMENT)
    clients = [("write", {"dla": dla_of("54")}), ("read", {"department": planned.dla.department}),
               ("read", {"structure": structure})]  # fmt: skip
    return [
        api_client_create(actor=None, name=f"Fuzz {n}", scope=scope, **restriction)[1]
        for n, (scope, restriction) in enumerate(clients)
    ]


@schema.include(path_regex=r"^/api/v1/dla/").parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.django_db
def test_dla_api_conforms_to_its_schema(case, tokens):
    for token in tokens:
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
