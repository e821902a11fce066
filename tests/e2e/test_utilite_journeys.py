"""The yearly social utility report in a real browser: a director fills it step by step (the
yearly figures taken, the shares shown as they type), submits it; an instructeur sends it
back with a comment; the director reads it, corrects and submits again; the instructeur
validates it and the director finds it read-only."""

from decimal import Decimal

import pytest
from django.utils import timezone

from iae_portal.users.enums import Role
from structures.models import Region
from tests.structures.factories import FiguresFactory, MembershipFactory, UserFactory
from tests.utilite.factories import siae
from utilite.enums import ReportStatus
from utilite.models import SocialReport

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
YEAR = timezone.localdate().year - 1


def fill(page, **values):
    for name, value in values.items():
        page.locator(f"#id_{name}").fill(value)


def save_and_continue(page):
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.wait_for_load_state("load")


def test_director_fills_submits_is_sent_back_corrects_and_is_validated(journey):
    structure = siae("71010000000011", "ACI", year=YEAR, name="Chantier des Coteaux")
    FiguresFactory(
        structure=structure,
        year=YEAR,
        hours_worked=30000,
        turnover=Decimal("300000.00"),
        total_resources=Decimal("1000000.00"),
        public_subsidies=Decimal("700000.00"),
        insertion_headcount=50,
    )
    director_user = MembershipFactory(structure=structure, user__email="dir.e2e@example.org").user
    staff_user = UserFactory(
        email="instr.e2e@example.org", role=Role.INSTRUCTEUR, region=Region.objects.get(code="27")
    )

    director = journey("directeur-bilan")
    director.login(director_user)
    director.goto("/utilite-sociale/mes-bilans/")
    director.check("mes bilans")
    director.page.get_by_role("link", name=f"Remplir le bilan {YEAR}").click()
    director.page.wait_for_load_state("load")
    page = director.page
    # The yearly figures are taken, the shares shown at once.
    assert "repris des chiffres annuels" in page.content()
    assert page.locator("output[data-share]").first.text_content() == "30,0\u00a0%"
    fill(page, wages_paid="400 000", local_purchases="20000", activities_created="1")
    director.check("activité")
    save_and_continue(page)

    # Parcours: the shares follow the typing (the small script), then the server's.
    fill(page, women="20")
    assert page.locator("output[data-share]").first.text_content() == "40,0\u00a0%"
    fill(
        page,
        trained_employees="10",
        training_hours="300",
        qualifications="2",
        exits_total="10",
        exits_cdi="2",
        exits_cdd_6m="1",
        exits_creation="0",
        exits_fonction_publique="0",
        exits_cdd_court="2",
        exits_contrat_aide="1",
        exits_formation="1",
        exits_autre_siae="0",
        exits_autres="3",
    )
    director.check("parcours")
    save_and_continue(page)
    fill(page, territorial_bodies="3", service_users="120")
    save_and_continue(page)
    page.locator("#id_participation_level_2").check()
    save_and_continue(page)
    page.locator("#id_cooperation_level_1").check()
    save_and_continue(page)
    page.locator("#id_environmental_certification_1").check()
    save_and_continue(page)
    director.check("grille")
    save_and_continue(page)  # the grid is optional: left empty
    director.check("récapitulatif")
    assert "30,0\u00a0%" in page.locator("main").inner_text()
    page.get_by_role("button", name=f"Soumettre le bilan {YEAR}").click()
    page.wait_for_load_state("load")
    director.check("soumis")
    report = SocialReport.objects.get(structure=structure, year=YEAR)
    assert report.status == ReportStatus.SOUMIS
    assert (report.total_resources, report.public_funding, report.women) == (1000000, 700000, 20)

    instructeur = journey("instructeur-bilan")
    instructeur.login(staff_user)
    instructeur.goto(f"/structures/{structure.siret}/")
    instructeur.page.get_by_role("link", name="Examiner le bilan").click()
    instructeur.page.wait_for_load_state("load")
    instructeur.check("examen")
    instructeur.page.locator("#id_staff_comment").fill("Les sorties en CDI semblent sous-estimées.")
    instructeur.page.get_by_role("button", name="Renvoyer pour correction").click()
    instructeur.page.wait_for_load_state("load")
    instructeur.check("renvoyé")
    report.refresh_from_db()
    assert report.status == ReportStatus.A_CORRIGER

    director.goto("/utilite-sociale/mes-bilans/")
    page.get_by_role("link", name=f"Corriger le bilan {YEAR}").click()
    page.wait_for_load_state("load")
    assert "Les sorties en CDI semblent sous-estimées." in page.content()
    director.check("à corriger")
    page.get_by_role("link", name="2. Parcours").click()
    page.wait_for_load_state("load")
    fill(page, exits_cdi="3", exits_autres="2")
    save_and_continue(page)
    director.goto(f"/utilite-sociale/bilans/{structure.siret}/{YEAR}/")
    director.check("corrigé")
    page.get_by_role("button", name=f"Soumettre le bilan {YEAR}").click()
    page.wait_for_load_state("load")
    report.refresh_from_db()
    assert (report.status, report.exits_cdi) == (ReportStatus.SOUMIS, 3)

    instructeur.goto(f"/utilite-sociale/bilans/{structure.siret}/{YEAR}/")
    instructeur.page.get_by_role("button", name="Valider").click()
    instructeur.page.wait_for_load_state("load")
    instructeur.check("validé")
    report.refresh_from_db()
    assert report.status == ReportStatus.VALIDE

    director.goto(f"/utilite-sociale/bilans/{structure.siret}/{YEAR}/")
    assert "lecture seule" in page.content()
    assert page.get_by_role("button", name=f"Soumettre le bilan {YEAR}").count() == 0
    director.check("validé, lecture seule")
