"""A scheme of an existing rule kind is data (issue 15, item 4): the chef de service creates
it in the browser with its own name, documents and parameters, and at once a visitor
simulates it, the chef opens a call, a director files a dossier, the instructeur instructs
it, the campaign's batch computes it, the commission votes it and its award letter names
it. Every step goes page by page through the forms the users fill (``page_forms``), with
no service called for a step under test and no code or migration for the scheme."""

import datetime
import html
import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from aides.enums import DossierState as S
from aides.models import AidScheme, Batch, BatchState, Campaign, Dossier
from tests.aides.factories import PDF
from tests.aides.page_forms import link, submit
from tests.prepared_files import download

pytestmark = pytest.mark.django_db

CODE = "ge-reemploi-siae"
NAME = "Réemploi et tri dans les SIAE"
# Rate 50 % (default 40 %), waste sorting 90 % (default 80 %), cap 40 000 € (default
# 200 000 €): the simulation below gives 40 000 €, where the kind's defaults give 36 000 €.
PARAMETERS = {"param-rate": "0,5", "param-waste_sorting_rate": "0,9", "param-cap": "40000"}
EXPENSES = {
    "expenses-0-category": "materiel",
    "expenses-0-amount": "30000",
    "expenses-1-category": "immobilier",
    "expenses-1-amount": "40000",
    "expenses-2-category": "materiel",
    "expenses-2-amount": "10000",
    "expenses-2-waste_sorting": "on",
}
DOCUMENTS = ["statuts", "rib", "plan_financement"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def text(response):
    return html.unescape(response.content.decode())


def as_user(user):
    client = Client()
    client.force_login(user)
    return client


def pdf_text(content):
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_a_scheme_created_in_the_browser_works_end_to_end(
    chef_service, instructeur, director_a, structure_a, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    assert not AidScheme.objects.filter(code=CODE).exists()

    # 1. The chef de service creates the scheme from the catalogue.
    chef = as_user(chef_service)
    catalogue = chef.get(reverse("aides:scheme_list"))
    page = chef.get(link(catalogue.content, "Nouveau dispositif"))
    texts = {
        "code": CODE,
        "name": NAME,
        "origin_region": "Grand Est",
        "rule_kind": "investissement_siae",
        "description": "Matériel de réemploi et de tri des déchets des SIAE.",
        "legal_basis_reference": "CP-2026-310",
        "legal_basis_date": (today - datetime.timedelta(days=60)).isoformat(),
        "required_documents": DOCUMENTS,
        "budget_envelope": "250000",
    }
    page = submit(chef, page, "Continuer : les paramètres", texts)
    assert page.context["parameters"]["rate"].value() == "0,40"  # the kind's default
    page = submit(chef, page, "Créer le dispositif", PARAMETERS, follow=True)
    scheme = AidScheme.objects.get(code=CODE)
    assert page.redirect_chain[-1][0] == scheme.get_absolute_url()
    shown = text(page)
    assert NAME in shown and "50 %" in shown and "40\u202f000 €" in shown
    assert "Plan de financement" in shown

    # 2. A visitor finds it in the catalogue and simulates it with its own parameters.
    visitor = Client()
    catalogue = visitor.get(reverse("aides:scheme_list"), {"region": "44"})
    assert NAME in text(catalogue)
    page = visitor.get(link(catalogue.content, NAME))
    page = visitor.get(link(page.content, "Simuler cette aide"))
    result = submit(visitor, page, "Calculer", {"kind": "ACI", "cofinancing": "on", **EXPENSES})
    assert result.context["result"]["eligible"] is True
    assert result.context["result"]["total"] == "40000.00"
    shown = text(result)
    assert "Éligible — 40\xa0000,00 €" in shown
    assert "90 % de 10\u202f000 €" in shown and "plafond 40\u202f000 €" in shown

    # 3. The chef opens a call on it with the campaign form.
    page = chef.get(scheme.get_absolute_url())
    page = chef.get(link(page.content, "Ouvrir un appel à candidatures"))
    page = submit(
        chef,
        page,
        "Créer l'appel à candidatures",
        {
            "scheme": CODE,
            "name": "Réemploi 2026",
            "opens_on": (today - datetime.timedelta(days=30)).isoformat(),
            "closes_on": (today + datetime.timedelta(days=30)).isoformat(),
            "budget_envelope": "250000",
            "commission_1": (today - datetime.timedelta(days=7)).isoformat(),
        },
        follow=True,
    )
    campaign = Campaign.objects.get(scheme=scheme)
    assert page.status_code == 200 and "Réemploi 2026" in text(page)

    # 4. A director files a dossier on it, with the scheme's documents.
    director = as_user(director_a)
    page = director.get(reverse("aides:my_dossiers"))
    page = director.get(link(page.content, "Déposer un dossier"))
    page = submit(
        director,
        page,
        "Créer le dossier",
        {"structure": structure_a.siret, "campaign": str(campaign.uuid), "title": "Recyclerie"},
        follow=True,
    )
    dossier = Dossier.objects.get(campaign=campaign)
    assert "kind" not in page.context["form"].fields  # the structure (an ACI) gives it
    page = submit(
        director,
        page,
        "Enregistrer et vérifier l'éligibilité",
        {"cofinancing": "on", **EXPENSES},
        follow=True,
    )
    assert "Éligible — 40\xa0000,00 €" in text(page)
    page = director.get(link(page.content, "Continuer : pièces justificatives"))
    for kind in DOCUMENTS:
        upload = io.BytesIO(PDF)
        upload.name = f"{kind}.pdf"
        page = submit(director, page, "Ajouter la pièce", {"kind": kind, "file": upload})
        page = director.get(page["Location"])
    page = director.get(link(page.content, "Continuer : vérification et dépôt"))
    with django_capture_on_commit_callbacks(execute=True):
        submit(director, page, "Déposer le dossier")
    dossier.refresh_from_db()
    assert dossier.state == S.DEPOSE and dossier.requested_amount == Decimal("40000.00")
    assert sorted(dossier.documents.values_list("kind", flat=True)) == sorted(DOCUMENTS)

    # 5. The instructeur starts the instruction from the queue.
    staff = as_user(instructeur)
    queue = staff.get(reverse("aides:queue"))
    page = staff.get(link(queue.content, dossier.reference))
    with django_capture_on_commit_callbacks(execute=True):
        submit(staff, page, "Commencer l'instruction")
    dossier.refresh_from_db()
    assert dossier.state == S.EN_INSTRUCTION

    # 6. The chef runs the campaign's batch: the amount computed with the scheme's version 1.
    page = chef.get(reverse("aides:campaign_batches", args=[campaign.uuid]))
    with django_capture_on_commit_callbacks(execute=True):
        started = submit(chef, page, "Lancer le calcul")
    batch = Batch.objects.get(campaign=campaign, commission=None)
    assert started["Location"] == reverse("aides:batch_detail", args=[batch.uuid])
    batch.refresh_from_db()
    assert (batch.state, batch.done, batch.errors) == (BatchState.DONE, 1, 0)
    assert batch.version == scheme.current_version and batch.total_amount == Decimal("40000")
    dossier.refresh_from_db()
    assert dossier.computation.total == Decimal("40000.00")
    assert dossier.computation.version.number == 1

    # 7. The instructeur gives the opinion, at the computed amount.
    page = staff.get(dossier.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        submit(staff, page, "Rendre l'avis d'instruction", {"instruct-opinion": "favorable"})
    dossier.refresh_from_db()
    assert dossier.state == S.INSTRUIT and dossier.proposed_amount == Decimal("40000.00")

    # 8. The chef records the commission's vote.
    commission = campaign.commissions.get()
    page = chef.get(dossier.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        submit(
            chef,
            page,
            "Enregistrer le vote de la commission",
            {"vote-commission": str(commission.pk), "vote-deliberation_number": "CP-2026-411"},
        )
    dossier.refresh_from_db()
    assert dossier.state == S.VOTE and dossier.voted_amount == Decimal("40000.00")

    # 9. Its award letter names the new scheme, one by one and in the commission's batch.
    page = chef.get(dossier.get_absolute_url())
    letter = chef.get(link(page.content, "Lettre de notification (PDF)"))
    assert letter.status_code == 200 and letter.content.startswith(b"%PDF")
    words = " ".join(pdf_text(letter.content).split())
    assert NAME in words and "CP-2026-411" in words and dossier.reference in words
    page = chef.get(reverse("aides:campaign_batches", args=[campaign.uuid]))
    with django_capture_on_commit_callbacks(execute=True):
        submit(chef, page, "Produire les courriers", {"commission": str(commission.pk)})
    letters = Batch.objects.get(campaign=campaign, commission=commission)
    assert letters.state == BatchState.DONE and letters.done == 1
    # The archive of the letters is prepared in the background, then downloaded.
    page = chef.get(reverse("aides:batch_detail", args=[letters.uuid]))
    _, archive = download(
        chef, link(page.content, "Préparer l'archive de tous les courriers (ZIP)")
    )
    with zipfile.ZipFile(io.BytesIO(archive)) as content:
        notification = content.read(f"notification-{dossier.reference}.pdf")
    assert notification.startswith(b"%PDF") and NAME in " ".join(pdf_text(notification).split())
    assert re.search(r"40\s?000,00", " ".join(pdf_text(notification).split()))
