import pytest
from django.core.cache import cache

# The API's fixtures live in tests/api/fixtures.py, loaded for the whole suite
# (tests/conftest.py) since the apps' test_api.py modules use them too.


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    # Throttle counts live in the cache, which outlives a test's transaction.
    cache.clear()
    yield
    cache.clear()
