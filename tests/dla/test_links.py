"""Every link a page shows answers for its reader: no link to a structure, an accompaniment
or a deliverable the reader may not open (issue 14, item 7)."""

import re
from html.parser import HTMLParser

import pytest

from dla import services
from tests.structures.factories import StructureFactory

from .factories import DIAGNOSTIC, PLAN, chargé, open_accompaniment, prestation_values

pytestmark = pytest.mark.django_db


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href and href.startswith("/"):
            self.hrefs.append(href.split("#")[0])


def links(content):
    parser = _Links()
    parser.feed(content)
    return sorted({href for href in parser.hrefs if href})


def assert_every_link_answers(client, url):
    content = client.get(url).content.decode()
    broken = {href: client.get(href).status_code for href in links(content)}
    assert {href: status for href, status in broken.items() if status >= 400} == {}
    return content


@pytest.fixture
def collective(structure_a, structure_b):
    """A collective accompaniment: director A's structure and B, which A may not see."""
    user = chargé("charge54@example.org", "54")
    other = StructureFactory(name="Régie C")
    accompaniment = open_accompaniment(user, [structure_a, structure_b])
    services.accompaniment_diagnose(actor=user, accompaniment=accompaniment, **DIAGNOSTIC)
    services.accompaniment_plan(actor=user, accompaniment=accompaniment, **PLAN)
    services.accompaniment_add_prestation(
        actor=user,
        accompaniment=accompaniment,
        beneficiaries=[structure_a, structure_b, other],
        **prestation_values(mode="collective"),
    )
    return accompaniment


def test_a_director_reaches_a_collective_accompaniment_without_broken_links(
    client, director_a, structure_a, structure_b, collective
):
    client.force_login(director_a)
    content = assert_every_link_answers(client, structure_a.get_absolute_url())
    assert collective.get_absolute_url() in content
    content = assert_every_link_answers(client, collective.get_absolute_url())
    # The other beneficiaries are named, without a link.
    assert "Entreprise B" in content and "Régie C" in content
    assert structure_b.get_absolute_url() not in content
    assert structure_a.get_absolute_url() in content


def test_staff_see_the_structures_of_another_region_by_name_only(
    client, instructeur, collective, structure_a, structure_b
):
    from structures.models import Department

    structure_b.department = Department.objects.get(code="75")  # Île-de-France
    structure_b.save()
    client.force_login(instructeur)  # Grand Est: reads DLA 54, not the Paris structure
    content = assert_every_link_answers(client, collective.get_absolute_url())
    assert "Entreprise B" in content and structure_b.get_absolute_url() not in content
    assert structure_a.get_absolute_url() in content


def test_the_breadcrumb_links_to_the_list_only_for_its_readers(client, director_a, collective):
    client.force_login(director_a)
    content = client.get(collective.get_absolute_url()).content.decode()
    assert not re.search(r'href="/dla/"', content)
