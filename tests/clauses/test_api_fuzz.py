"""schemathesis on /api/v1/clauses/ with a facilitator's tokens and data it follows: the
write path (the hours service) is reached by the schema's own example, whose lot and SIAE
exist here. No 5xx, no answer outside the schema. Bounded like tests/api's fuzzing."""

import uuid

import pytest
from hypothesis import HealthCheck, settings

from iae_portal.api.services import api_client_create
from tests.api.test_schemathesis import CHECKS, EXAMPLES, _keep_the_test_connection, schema
from tests.structures.factories import StructureFactory

from .factories import FacilitatorFactory, HoursReportFactory, LotFactory

__all__ = ["_keep_the_test_connection"]

# The lot and SIAE of the OpenAPI example of POST /clauses/heures/ (clauses/api/schema.py).
EXAMPLE_LOT = uuid.UUID("3f1c2a9e-4b7d-4c1e-9a51-2d6f0e8b7c10")
EXAMPLE_SIAE = "73282932000074"


@pytest.fixture
def tokens(db, settings):
    settings.IAE_API_THROTTLE_RATE = "100000/min"
    plie = FacilitatorFactory(name="PLIE fuzz")
    plie.departments.add("54")
    lot = LotFactory(uuid=EXAMPLE_LOT, facilitator=plie)
    HoursReportFactory(lot=lot)
    HoursReportFactory(lot=LotFactory(facilitator=plie, clause="none", marche=lot.marche))
    StructureFactory(siret=EXAMPLE_SIAE, kind="ETTI")
    clients = [("write", {"facilitator": plie}), ("read", {"facilitator": plie}), ("read", {})]
    return [
        api_client_create(actor=None, name=f"Fuzz {n}", scope=scope, **restriction)[1]
        for n, (scope, restriction) in enumerate(clients)
    ]


@schema.include(path_regex=r"^/api/v1/clauses/").parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.django_db
def test_clauses_api_conforms_to_its_schema(case, tokens):
    for token in tokens:
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
