import pytest

pytestmark = pytest.mark.django_db


def test_a_client_over_its_rate_gets_429_with_retry_after(settings, make_token):
    from tests.api.fixtures import bearer

    settings.IAE_API_THROTTLE_RATE = "3/min"
    busy, quiet = bearer(make_token()[1]), bearer(make_token()[1])
    statuses = [busy.get("/api/v1/schemes/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = busy.get("/api/v1/schemes/")
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 60
    assert response.json()["errors"][0]["code"] == "throttled"
    # Counted per client: another client is not slowed down.
    assert quiet.get("/api/v1/schemes/").status_code == 200
