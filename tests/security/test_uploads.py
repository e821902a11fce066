"""Every upload of the portal is size-limited and checked by content, and a refused upload
writes nothing: supporting documents (aides) and the three CSV imports."""

import importlib
import pkgutil
from pathlib import Path

import pytest
from django import forms as django_forms
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework import serializers as drf_serializers

from aides import services
from aides.models import DossierDocument
from clauses.models import Marche
from dla.models import Accompaniment
from structures.models import Structure
from tests.aides.factories import CA_DATA, PDF, PNG, CampaignFactory

pytestmark = pytest.mark.django_db

# Every form or API serializer of the portal that takes a file, by module: a new one must be
# added here (and to the tests below) or this test fails.
UPLOAD_FORMS = {
    # DocumentFileForm: a document's replacement, through the same sniffing service
    # (tests/aides/test_document_replace.py).
    "aides.forms.applicant": {"DocumentForm", "DocumentFileForm"},
    # The API's document upload goes through the same service (aides.services.document_add,
    # which sniffs); its own tests live with the API.
    "aides.api.serializers": {"DocumentUploadSerializer"},
    # DLA deliverables, sniffed by iae_portal.uploads.sniff in dla.services (tests with dla).
    "dla.forms_steps": {"PrestationForm", "DeliverableForm"},
    "structures.forms": {"StructureImportForm"},
    "dla.forms": {"DlaImportForm"},
    "clauses.forms": {"ImportForm"},
    # A financing plan's line takes its justificatif through aides.services.documents (its
    # checks: tests/aides/test_financing_views.py); an opinion's attachments go through
    # iae_portal.uploads.uploaded in aides.services.opinions (tests/aides/test_opinions.py).
    "aides.forms.financing": {"LineForm"},
    "aides.forms.opinions": {"OpinionForm"},
    # The social utility reports' import (utilite.importer, through iae_portal.imports).
    "utilite.forms": {"ReportImportForm"},
    # A quarterly review's minutes, through iae_portal.uploads.uploaded in
    # clauses.services_agreements (tests/clauses/test_agreements.py).
    "clauses.forms_agreements": {"ReviewForm"},
}
IMPORT_PAGES = {  # url name: (extra fields, what an import would create)
    "structures:import": ({}, Structure),
    "dla:import": ({}, Accompaniment),
    "clauses:import": ({"kind": "marches"}, Marche),
}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def forms_with_a_file_field():
    """``{module: {class names}}`` of the forms and API serializers declaring a file field,
    found by importing every module of the apps."""
    found = {}
    own_apps = [
        config
        for config in apps.get_app_configs()
        if settings.BASE_DIR in Path(config.path).parents and "site-packages" not in config.path
    ]
    for config in own_apps:
        for module_info in pkgutil.walk_packages([config.path], f"{config.name}."):
            if ".migrations" in module_info.name:
                continue
            module = importlib.import_module(module_info.name)
            for name, value in vars(module).items():
                if getattr(value, "__module__", None) != module.__name__:
                    continue
                fields = getattr(value, "base_fields", None) or getattr(
                    value, "_declared_fields", None
                )
                if isinstance(value, type) and fields and _has_file_field(fields):
                    found.setdefault(module.__name__, set()).add(name)
    return found


def _has_file_field(fields):
    return any(
        isinstance(field, django_forms.FileField | drf_serializers.FileField)
        for field in fields.values()
    )


def test_every_upload_form_is_known_to_these_tests():
    assert forms_with_a_file_field() == UPLOAD_FORMS


@pytest.fixture
def bare_draft(director_a, structure_a):
    campaign = CampaignFactory()
    dossier = services.dossier_create(actor=director_a, structure=structure_a, campaign=campaign)
    return services.dossier_save_data(
        actor=director_a, dossier=dossier, expected_version=dossier.version, data=CA_DATA
    )


def pieces_url(dossier):
    return f"{reverse('aides:dossier_edit', args=[dossier.uuid])}?etape=pieces"


def oversized(name):
    return SimpleUploadedFile(name, b"0" * (settings.IAE_MAX_UPLOAD_REQUEST_SIZE + 1))


def test_an_oversized_request_is_refused_before_the_document_form(client, bare_draft, director_a):
    client.force_login(director_a)
    response = client.post(pieces_url(bare_draft), {"kind": "rib", "file": oversized("rib.pdf")})
    assert response.status_code == 400
    assert "Requête refusée" in response.content.decode()
    assert not DossierDocument.objects.exists()


@pytest.mark.parametrize("url_name", IMPORT_PAGES)
def test_an_oversized_request_is_refused_on_every_import_page(client, admin_user, url_name):
    extra, model = IMPORT_PAGES[url_name]
    before = model.objects.count()
    client.force_login(admin_user)
    response = client.post(reverse(url_name), {**extra, "file": oversized("gros.csv")})
    assert response.status_code == 400
    assert model.objects.count() == before


@pytest.mark.parametrize("url_name", IMPORT_PAGES)
def test_an_import_file_over_the_limit_gets_a_french_field_error(client, admin_user, url_name):
    extra, model = IMPORT_PAGES[url_name]
    before = model.objects.count()
    client.force_login(admin_user)
    big = SimpleUploadedFile("gros.csv", b"siret\n" + b"1" * settings.IAE_IMPORT_MAX_SIZE)
    response = client.post(reverse(url_name), {**extra, "file": big})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "Le fichier dépasse la taille maximale de 20 Mo."
    ]
    assert model.objects.count() == before


@pytest.mark.parametrize("url_name", IMPORT_PAGES)
@pytest.mark.parametrize("content", [PDF + bytes(range(256)), PNG], ids=["pdf", "png"])
def test_a_binary_file_sent_as_csv_is_reported_and_nothing_written(
    client, admin_user, url_name, content
):
    extra, model = IMPORT_PAGES[url_name]
    before = model.objects.count()
    client.force_login(admin_user)
    response = client.post(
        reverse(url_name), {**extra, "file": SimpleUploadedFile("donnees.csv", content)}
    )
    assert response.status_code == 200
    plan = response.context["plan"]
    assert plan.errors, "a binary file must be reported"
    # The report names a line and says why, in French.
    first = plan.errors[0]
    assert first.line >= 1 and ("UTF-8" in first.message or "colonne" in first.message)
    assert model.objects.count() == before
    # The confirmation refuses to write it either.
    response = client.post(reverse(url_name), {"token": response.context["token"]})
    assert model.objects.count() == before
