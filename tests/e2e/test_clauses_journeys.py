"""The facilitator's journey in a real browser: from the contract's page to the hours form
of the lot they follow, two lines entered at once, and the realised hours back on the
contract's page."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from clauses.models import HoursReport
from iae_portal.users.enums import Role
from tests.clauses.factories import FacilitatorMembershipFactory, LotFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def fill_line(page, index, *, participant, public, modality, hours, siret=""):
    prefix = f"#id_lines-{index}-"
    page.locator(f"{prefix}participant_ref").fill(participant)
    page.locator(f"{prefix}public_category").select_option(public)
    page.locator(f"{prefix}modality").select_option(modality)
    page.locator(f"{prefix}siae_siret").fill(siret)
    page.locator(f"{prefix}hours").fill(hours)


def test_facilitator_reports_two_lines_and_sees_the_realised_hours(journey, structure_a):
    membership = FacilitatorMembershipFactory(
        user__email="facilitateur@example.org", user__role=Role.FACILITATEUR
    )
    lot = LotFactory(facilitator=membership.facilitator, hours_required=100)

    facilitator = journey("facilitateur")
    facilitator.login(membership.user)
    facilitator.check("accueil")
    facilitator.goto(reverse("clauses:detail", args=[lot.marche.uuid]))
    page = facilitator.page
    progress = page.locator(f"label[for='progress-{lot.uuid}']")
    assert progress.inner_text().startswith("Heures réalisées : 0 sur 100 exigées")
    facilitator.check("marche-avant")
    page.get_by_role("link", name="Déclarer des heures").click()
    page.wait_for_url(re.compile(r"/heures/$"))
    facilitator.check("declaration-vide")
    page.get_by_label("Mois").fill("2025-04")
    fill_line(page, 0, participant="P-0001", public="rsa", modality="embauche_directe", hours="35")
    fill_line(
        page,
        1,
        participant="P-0002",
        public="deld",
        modality="sous_traitance_siae",
        siret=structure_a.siret,
        hours="12.5",
    )
    facilitator.check("declaration-remplie")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(rf"/clauses/{lot.marche.uuid}/$"))
    assert "Heures enregistrées" in page.content()
    assert progress.inner_text().startswith("Heures réalisées : 47,50 sur 100 exigées (48 %")
    facilitator.check("marche-apres")

    reports = HoursReport.objects.filter(lot=lot).order_by("participant_ref")
    assert [(r.participant_ref, r.modality, r.siae, r.hours) for r in reports] == [
        ("P-0001", "embauche_directe", None, Decimal("35")),
        ("P-0002", "sous_traitance_siae", structure_a, Decimal("12.5")),
    ]
