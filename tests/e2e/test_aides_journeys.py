"""The aid dossier's life in a real browser: a director creates and submits a dossier with
an uploaded PDF; an instructeur asks for a document, the director answers, the instructeur
gives the opinion, the chef de service records the commission's vote and downloads the
award letter, a valid PDF naming the dossier."""

import io
import re
import shutil
import subprocess

import pytest
from django.urls import reverse
from pypdf import PdfReader, PdfWriter

from aides.enums import DossierState as S
from aides.models import Dossier
from tests.aides.factories import move

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def pdf_file(name):
    """A real one-page PDF, as a browser would pick it from the disk."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return {"name": name, "mimeType": "application/pdf", "buffer": buffer.getvalue()}


def upload(page, kind, name):
    page.locator("#id_kind").select_option(kind)
    page.locator("#id_file").set_input_files(pdf_file(name))
    page.get_by_role("button", name="Ajouter la pièce").click()
    page.wait_for_load_state("load")


def fire(page, label, **fields):
    """Open the transition's panel on the dossier page, fill it, send it."""
    page.locator("summary", has_text=label).click()
    for selector, value in fields.items():
        field = page.locator(f"#id_{selector}")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    page.get_by_role("button", name=label).click()
    page.wait_for_load_state("load")


def test_director_creates_and_submits_a_dossier_with_a_pdf(
    journey, director_a, structure_a, campaign
):
    director = journey("directeur-depot")
    director.login(director_a)
    director.check("accueil")
    director.goto(reverse("aides:my_dossiers"))
    director.check("mes-dossiers")
    director.page.get_by_role("link", name="Déposer un dossier").click()
    director.page.get_by_label("Structure").select_option(structure_a.siret)
    director.page.get_by_label("Appel à candidatures").select_option(str(campaign.uuid))
    director.page.get_by_label("Intitulé du projet").fill("Équipe espaces verts")
    director.check("creation")
    director.page.get_by_role("button", name="Créer le dossier").click()
    director.page.wait_for_url(re.compile(r"etape=donnees"))
    page = director.page
    page.locator("#id_years").fill("4")
    page.locator("#id_members_count").fill("8")
    page.locator("#id_members_etp").fill("4")
    page.locator("#id_positions-0-role").select_option("chef_equipe")
    page.locator("#id_positions-0-etp").fill("1")
    page.locator("#id_positions-0-annual_cost").fill("35000")
    page.locator("#id_positions-0-contract").select_option("CDI")
    page.locator("#id_expenses-0-category").select_option("investissement")
    page.locator("#id_expenses-0-amount").fill("60000")
    page.get_by_role("button", name="Enregistrer et vérifier l'éligibilité").click()
    page.wait_for_load_state("load")
    assert "Éligible" in page.content()
    director.check("donnees-enregistrees")

    page.get_by_role("link", name="Continuer : pièces justificatives").click()
    page.wait_for_url(re.compile(r"etape=pieces"))
    director.check("pieces")
    for kind in campaign.scheme.required_documents:
        upload(page, kind, f"{kind}.pdf")
    assert "Toutes les pièces demandées sont fournies." in page.content()
    director.check("pieces-fournies")

    page.get_by_role("link", name="Continuer : vérification et dépôt").click()
    page.wait_for_url(re.compile(r"etape=depot"))
    director.check("depot")
    page.get_by_role("button", name="Déposer le dossier").click()
    page.wait_for_load_state("load")
    assert "Déposé, en attente d'instruction" in page.content()
    director.check("depose")

    dossier = Dossier.objects.get()
    assert dossier.state == S.DEPOSE and dossier.structure == structure_a
    assert dossier.documents.count() == len(campaign.scheme.required_documents)
    with dossier.documents.first().file.open("rb") as stored:
        assert stored.read(5) == b"%PDF-"


def test_request_answer_instruct_vote_and_award_letter(
    journey, draft, director_a, instructeur, chef_service, commission
):
    move(draft, director_a, "submit")
    documents = draft.documents.count()
    dossier_url = draft.get_absolute_url()

    staff = journey("instructeur")
    staff.login(instructeur)
    staff.goto(reverse("aides:queue"))
    staff.check("file-instruction")
    staff.page.get_by_role("link", name=draft.reference).click()
    staff.check("dossier-depose")
    fire(
        staff.page,
        "Demander un complément",
        **{"request_documents-comment": "Merci de joindre le budget prévisionnel signé."},
    )
    assert "Complément demandé" in staff.page.content()
    staff.check("complement-demande")

    director = journey("directeur-complement")
    director.login(director_a)
    director.goto(reverse("aides:my_dossiers"))
    director.page.get_by_role("link", name=f"Répondre : dossier {draft.reference}").click()
    assert "Merci de joindre le budget prévisionnel signé." in director.page.content()
    director.check("complement-a-fournir")
    other_kind = director.page.locator("#id_kind optgroup[label='Autres pièces'] option").first
    upload(director.page, other_kind.get_attribute("value"), "budget-signe.pdf")
    director.page.get_by_role("link", name="Continuer : vérification et dépôt").click()
    director.page.get_by_role("button", name="Renvoyer le dossier complété").click()
    director.page.wait_for_load_state("load")
    director.check("complement-renvoye")
    draft.refresh_from_db()
    assert draft.state == S.EN_INSTRUCTION and draft.documents.count() == documents + 1

    staff.goto(dossier_url)
    fire(staff.page, "Rendre l'avis d'instruction", **{"instruct-opinion": "favorable"})
    staff.check("instruit")
    draft.refresh_from_db()
    assert draft.state == S.INSTRUIT

    chef = journey("chef-de-service")
    chef.login(chef_service)
    chef.goto(dossier_url)
    fire(
        chef.page,
        "Enregistrer le vote de la commission",
        **{"vote-commission": str(commission.pk), "vote-deliberation_number": "CP-2026-118"},
    )
    chef.check("vote")
    draft.refresh_from_db()
    assert draft.state == S.VOTE and draft.voted_amount == draft.computation.total
    assert "CP-2026-118" in chef.page.content()

    with chef.page.expect_download() as download_info:
        chef.page.get_by_role("link", name=re.compile(r"notification.*\(PDF\)", re.I)).click()
    path = download_info.value.path()
    content = open(path, "rb").read()  # noqa: SIM115 (a temporary file of Playwright's)
    assert content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) >= 1
    text = " ".join(page.extract_text() for page in reader.pages)
    if shutil.which("pdftotext"):
        text += subprocess.run(
            ["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True
        ).stdout
    assert draft.reference in text and draft.structure.name in text
    assert "CP-2026-118" in text
