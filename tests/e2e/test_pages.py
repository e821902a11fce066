"""Pages outside the dossier journeys, each checked the same way (console, axe-core): the
public ones, and the staff's lists, structure page and audit journal."""

import pytest
from django.urls import reverse

from iae_portal.audit.services import audit_record

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_public_pages(journey, campaign):
    visitor = journey("public")
    for step, url in [
        ("connexion", reverse("login")),
        ("mot-de-passe-oublie", reverse("password_reset")),
        ("dispositifs", reverse("aides:scheme_list")),
        ("dispositif", campaign.scheme.get_absolute_url()),
        ("simulateur", reverse("aides:simulator")),
    ]:
        visitor.goto(url)
        visitor.check(step)


def test_staff_lists_structure_page_and_journal(journey, admin_user, structure_a, director_a):
    audit_record(
        actor=director_a,
        action="structure.update",
        obj=structure_a,
        changes={"name": ["Chantier", structure_a.name]},
        reason="nouveau nom",
    )
    admin = journey("administrateur")
    admin.login(admin_user)
    admin.check("accueil")
    admin.goto(reverse("structures:list"))
    admin.check("structures")
    admin.page.get_by_role("link", name=structure_a.name).click()
    admin.check("structure")
    admin.goto(reverse("aides:queue"))
    admin.check("file-instruction")
    admin.page.get_by_role("link", name="Journal").click()
    admin.page.locator("summary", has_text="Filtres").click()
    admin.page.get_by_label("Auteur (nom ou adresse e-mail)").fill("directeur.a")
    admin.page.get_by_role("button", name="Appliquer").click()
    admin.page.wait_for_load_state("load")
    assert "nouveau nom" in admin.page.content()
    admin.check("journal-filtre")
