"""The dossier page and the queue show no action their reader may not take: every form on
them, posted by that reader, is answered, never refused (issue 14, item 12)."""

import re
from html import unescape

import pytest
from django.urls import reverse

from tests.aides.factories import move
from tests.structures.factories import MembershipFactory

pytestmark = pytest.mark.django_db

FORM = re.compile(r'<form method="post" action="([^"]+)"(.*?)</form>', re.S)
FIELD = re.compile(r'<(?:input|textarea|select)[^>]*name="([^"]+)"(?:[^>]*value="([^"]*)")?')


def forms(page):
    """``[(action, {name: value})]`` of the page's POST forms, filled as a person would
    (a message for text areas, the hidden version as given)."""
    found = []
    for action, body in FORM.findall(page):
        data = {}
        for name, value in FIELD.findall(body):
            if name == "csrfmiddlewaretoken":
                continue
            data[name] = unescape(value) or "Texte saisi"
        if action != reverse("logout"):  # the header's, on every page
            found.append((unescape(action), data))
    return found


@pytest.fixture
def employee(structure_a):
    return MembershipFactory(structure=structure_a, role="salarie").user


@pytest.fixture
def people(director_a, employee, instructeur, chef_service, lecteur):
    return {
        "directeur": director_a,
        "salarié": employee,
        "instructeur": instructeur,
        "chef": chef_service,
        "élu": lecteur,
    }


@pytest.fixture
def dossiers(draft, director_a, instructeur, chef_service, commission):
    """The same dossier seen at three moments: a draft, instructed, notified."""

    def at(stage):
        if stage in ("instruit", "notifié"):
            move(draft, director_a, "submit")
            move(draft, instructeur, "start_instruction")
            move(draft, instructeur, "instruct", opinion="favorable")
        if stage == "notifié":
            move(draft, chef_service, "vote", commission=commission, deliberation_number="CP-1")
            move(draft, instructeur, "notify")
        return draft

    return at


@pytest.mark.parametrize("role", ["directeur", "salarié", "instructeur", "chef", "élu"])
@pytest.mark.parametrize("stage", ["brouillon", "instruit", "notifié"])
def test_every_form_of_the_dossier_page_is_one_its_reader_may_use(
    client, people, dossiers, stage, role
):
    dossier = dossiers(stage)
    client.force_login(people[role])
    page = client.get(dossier.get_absolute_url()).content.decode()
    for action, data in forms(page):
        response = client.post(action, data)
        assert response.status_code != 403, action
        dossier.refresh_from_db()


def test_readers_see_no_message_form(client, dossiers, lecteur, employee):
    dossier = dossiers("instruit")
    for reader in (lecteur, employee):
        client.force_login(reader)
        page = client.get(dossier.get_absolute_url()).content.decode()
        assert reverse("aides:dossier_comment", args=[dossier.uuid]) not in page
        assert forms(page) == []


def test_the_queue_offers_the_elu_nothing_to_post(client, dossiers, lecteur):
    dossiers("instruit")
    client.force_login(lecteur)
    page = client.get(reverse("aides:queue")).content.decode()
    assert forms(page) == [] and 'name="action"' not in page
