"""The DLA chargé de mission's journey in a real browser: logs a new accompaniment request
through the quick form, lands on the accompaniment's page, saves the shared diagnostic,
then reads the DLA bilan of the current year."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from dla.enums import AccompanimentState
from dla.models import Accompaniment
from tests.dla.factories import chargé, dla_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_chargé_logs_a_request_saves_the_diagnostic_and_reads_the_bilan(journey, structure_a):
    user = chargé("charge.dla@example.org", "54")
    today = timezone.localdate()

    charge = journey("charge-dla")
    charge.login(user)
    charge.check("accueil")
    charge.goto(reverse("dla:request"))
    page = charge.page
    page.locator("#id_dla").select_option(str(dla_of("54").pk))
    page.locator("#id_structures").fill(structure_a.siret)
    page.locator("#id_request_date").fill(today.isoformat())
    page.locator("#id_requester").select_option("structure")
    page.locator("#id_request_needs").fill("Consolider le modèle économique du chantier.")
    charge.check("nouvelle-demande")
    page.get_by_role("button", name="Enregistrer la demande").click()
    page.wait_for_url(re.compile(r"/dla/[0-9a-f-]{36}/$"))
    accompaniment = Accompaniment.objects.get()
    assert f"Demande enregistrée : accompagnement {accompaniment.ref}." in page.content()
    assert "Consolider le modèle économique du chantier." in page.content()
    charge.check("accompagnement-demande")
    assert list(accompaniment.structures.all()) == [structure_a]
    assert accompaniment.dla.department.code == "54"

    page.locator("#id_diagnostic-date").fill(today.isoformat())
    page.locator("#id_diagnostic-situation").fill(
        "Trésorerie tendue, conventionnement à renouveler."
    )
    page.locator("#id_diagnostic-objectives").fill("Consolider le modèle économique.")
    page.locator("#id_diagnostic-priorities").fill("Tableau de bord financier.")
    page.get_by_label("Salariés", exact=True).check()
    page.get_by_role("button", name="Enregistrer le diagnostic").click()
    page.wait_for_load_state("load")
    assert "Diagnostic partagé enregistré." in page.content()
    assert "Trésorerie tendue, conventionnement à renouveler." in page.content()
    charge.check("diagnostic-enregistre")
    accompaniment.refresh_from_db()
    assert accompaniment.state == AccompanimentState.DIAGNOSTIC
    assert accompaniment.diagnostic.priorities == "Tableau de bord financier."

    charge.goto(f"{reverse('dla:bilan')}?year={today.year}")
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == f"Bilan annuel SIAE des DLA — {today.year}"
    assert page.locator("#bilan-figures").is_visible()
    charge.check("bilan")
