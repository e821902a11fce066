"""Pages of a small demo, as its people read them: unique ids where charts and forms meet
(issue 14, item 12)."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from aides.models import Campaign
from iae_portal.users.models import User
from structures.models import Structure
from tests.html_checks import assert_unique_ids

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", structures=8, stdout=io.StringIO())


def as_demo(client, email):
    client.force_login(User.objects.get(email=email))
    return client


def test_chart_pages_have_unique_ids(demo, client):
    chef = as_demo(client, "chef@demo.iae.fr")
    pages = [reverse("clauses:bilan"), reverse("dla:bilan")]
    pages += [reverse("aides:campaign_dashboard", args=[c.uuid]) for c in Campaign.objects.all()]
    pages += [s.get_absolute_url() for s in Structure.objects.all()[:4]]
    for url in pages:
        response = chef.get(url)
        assert response.status_code == 200, url
        assert_unique_ids(response.content.decode())
