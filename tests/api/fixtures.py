"""Fixtures and helpers of API tests (loaded for the whole suite by tests/conftest.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from iae_portal.api.services import api_client_create
from structures.models import Department


@pytest.fixture
def make_token(db):
    """``make_token(scope, department=..., structure=..., dla=...)`` → (client, token)."""

    def make(scope="read", name=None, **restriction):
        if isinstance(restriction.get("department"), str):
            restriction["department"] = Department.objects.get(code=restriction["department"])
        make.count += 1
        return api_client_create(
            actor=None, name=name or f"Outil {make.count}", scope=scope, **restriction
        )

    make.count = 0
    return make


def bearer(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def read_api(make_token):
    return bearer(make_token("read")[1])


@pytest.fixture
def write_api(make_token):
    return bearer(make_token("write")[1])


def follow(api, url):
    """Every result of a list, following ``next``; returns (results, pages)."""
    results, pages = [], 0
    while url:
        response = api.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        results += body["results"]
        pages += 1
        url = body["next"]
    return results, pages


def queries_per_page_size(api, url, sizes=(10, 1000), before=None):
    """How many queries a page of ``url`` takes at each page size (the same for all, on a
    list that reads no row twice); ``before()`` runs before each."""
    counts = []
    for size in sizes:
        if before is not None:
            before()
        with CaptureQueriesContext(connection) as queries:
            response = api.get(f"{url}?page_size={size}")
        assert response.status_code == 200, response.content
        counts.append(len(queries))
    return counts


def dossier_for(structure, campaign=None):
    """A draft of ``structure``, created by one of its directors through the service."""
    from aides import services
    from tests.aides.factories import CampaignFactory
    from tests.structures.factories import MembershipFactory

    director = MembershipFactory(structure=structure).user
    return services.dossier_create(
        actor=director, structure=structure, campaign=campaign or CampaignFactory()
    )
