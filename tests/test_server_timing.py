"""``Server-Timing`` (iae_portal.server_timing): off by default, on for the load benchmark,
where it counts the request's queries."""

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from tests.structures.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_no_header_by_default():
    assert "Server-Timing" not in Client().get("/connexion/").headers


@override_settings(IAE_SERVER_TIMING=True)
def test_the_header_gives_times_and_the_queries_sent():
    client = Client()
    client.force_login(UserFactory(role="admin", email="admin@example.org"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    parts = dict(part.strip().split(";", 1) for part in response["Server-Timing"].split(","))
    assert set(parts) == {"app", "cpu", "db", "q"}
    for name in ("app", "cpu", "db"):
        assert float(parts[name].removeprefix("dur=")) >= 0
    assert int(parts["q"].removeprefix("desc=")) == len(queries) > 0
