"""Concurrent upserts by ``external_id`` (issue 16, finding 5): eight clients' requests with
the same ``external_id`` and SIRET, released together, give one 201 and 200s (or 409s),
never a 500, and one structure.

The race runs on PostgreSQL (the CI's database), each request in its own thread with its own
connection; on SQLite one writer at a time cannot race."""

import threading

import pytest
from django.db import connection

from iae_portal.api.models import ExternalRef
from iae_portal.api.services import api_client_create
from structures.models import Structure
from tests.api.fixtures import bearer
from tests.structures.factories import make_siret

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a real race needs concurrent connections: PostgreSQL (as in the CI), not "
    "SQLite, which lets one writer at a time",
)
RACERS = 8


def post_together(token, payload):
    barrier = threading.Barrier(RACERS, timeout=10)
    outcomes = [None] * RACERS

    def run(index):
        api = bearer(token)
        api.raise_request_exception = False  # a 500 is an outcome, not the thread's end
        try:
            barrier.wait()
            response = api.post("/api/v1/structures/", payload, format="json")
            outcomes[index] = (response.status_code, response.json())
        finally:
            connection.close()  # this thread's connection

    threads = [threading.Thread(target=run, args=(index,)) for index in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a racer is stuck"
    return outcomes


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_posts_with_one_external_id_create_one_structure(settings):
    settings.IAE_API_THROTTLE_RATE = "100000/min"
    _, token = api_client_create(actor=None, name="CRM", scope="write")
    for round in range(3):  # a race may go one way by chance: three of them
        external_id = f"crm-{round}"
        payload = {
            "external_id": external_id,
            "siret": make_siret(4200 + round),
            "name": "Chantier de la Meurthe",
            "kind": "ACI",
            "legal_form": "association",
            "department": "54",
        }
        outcomes = post_together(token, payload)
        statuses = sorted(status for status, _ in outcomes)
        assert statuses.count(201) == 1, outcomes
        assert set(statuses) <= {200, 201, 409}, outcomes
        assert Structure.objects.filter(siret=payload["siret"]).count() == 1
        assert ExternalRef.objects.filter(external_id=external_id).count() == 1
        created = next(body for status, body in outcomes if status == 201)
        for status, body in outcomes:
            if status == 200:
                assert body["uuid"] == created["uuid"] and body["external_id"] == external_id
            elif status == 409:
                assert set(body["errors"][0]) == {"field", "code", "message"}
