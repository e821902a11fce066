"""The upload page of a large structures file (``iae_portal.imports.ImportView``): its plan
and its import run as a task (a file prepared in the background) whose progress the page
follows; the report is the one a small file gets during the request."""

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from iae_portal.audit.models import AuditEntry
from iae_portal.imports import IMPORT_KIND
from iae_portal.prepared.models import PreparedFile, PreparedState
from structures.importers import StructuresImport
from structures.models import Structure
from tests.structures.factories import UserFactory
from tests.structures.test_import import csv_text, row

URL = reverse("structures:import")
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_threshold(settings):
    settings.IAE_IMPORT_IMMEDIATE_LINES = 2  # a file of three lines is "large"


def upload(client, text, run=True, **options):
    """POST the file; with ``run``, the task runs once the request commits."""
    with TestCase.captureOnCommitCallbacks(execute=run):
        response = client.post(
            URL, {"file": SimpleUploadedFile("grand.csv", text.encode()), **options}
        )
    assert response.status_code == 302 and response["Location"].startswith(f"{URL}?tache=")
    return response["Location"]


def confirm(client, token):
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(URL, {"token": token})
    assert response.status_code == 302 and response["Location"].startswith(f"{URL}?tache=")
    return response["Location"]


def test_a_large_file_is_planned_then_imported_by_tasks(client, admin_user):
    client.force_login(admin_user)
    text = csv_text(row(1), row(2), row(3, networks=""))
    page = client.get(upload(client, text))
    plan = page.context["plan"]
    # The same report as the file planned during the request.
    assert plan.summary == StructuresImport().plan(text.encode()).summary
    assert plan.summary.startswith("3 structures à créer")
    assert [item["line"] for item in plan.creates] == [2, 3, 4]
    assert "Confirmer l'import" in page.content.decode()
    assert not Structure.objects.exists()
    task = PreparedFile.objects.get(kind=IMPORT_KIND)
    assert task.state == PreparedState.READY and task.owner == admin_user
    assert task.done > 0 and task.percent == 100  # the reading reported its progress

    done = client.get(confirm(client, page.context["token"]))
    assert done.status_code == 302 and done["Location"] == reverse("structures:list")
    assert Structure.objects.count() == 3
    assert AuditEntry.objects.filter(action="structure.import").count() == 3
    assert [str(m) for m in get_messages(done.wsgi_request)] == [
        "Import terminé : 3 structures créées, 0 mise à jour, 0 inchangée, 0 ligne en erreur."
    ]


def test_a_bad_line_is_reported_by_its_number_and_nothing_is_written(client, admin_user):
    client.force_login(admin_user)
    text = csv_text(row(1), row(2, kind="XYZ"), row(3))
    page = client.get(upload(client, text))
    plan = page.context["plan"]
    synchronous = StructuresImport().plan(text.encode())
    assert [(e.line, e.field, e.message) for e in plan.errors] == [
        (e.line, e.field, e.message) for e in synchronous.errors
    ]
    assert plan.errors[0].line == 3 and "Type de structure inconnu" in plan.errors[0].message
    assert "Confirmer l'import" not in page.content.decode()
    # A confirmation forced anyway: the import task refuses the file, nothing is written.
    refused = client.get(confirm(client, page.context["token"]))
    assert refused.status_code == 200
    assert refused.context["plan"].errors[0].line == 3
    assert [str(m) for m in get_messages(refused.wsgi_request)] == [
        "Le fichier contient des erreurs : rien n'a été enregistré."
    ]
    assert not Structure.objects.exists()


def test_the_page_follows_the_task_until_it_is_done(client, admin_user):
    client.force_login(admin_user)
    location = upload(client, csv_text(row(1), row(2), row(3)), run=False)
    page = client.get(location)
    assert page.status_code == 200 and page.context["task"].state == PreparedState.PENDING
    body = page.content.decode()
    assert 'http-equiv="refresh"' in body and "traité en arrière-plan" in body
    assert "plan" not in page.context


def test_a_small_file_stays_in_the_request(client, admin_user, settings):
    settings.IAE_IMPORT_IMMEDIATE_LINES = 2000
    client.force_login(admin_user)
    response = client.post(
        URL, {"file": SimpleUploadedFile("petit.csv", csv_text(row(1)).encode())}
    )
    assert response.status_code == 200 and response.context["plan"].summary.startswith("1 ")
    assert not PreparedFile.objects.exists()


@pytest.mark.parametrize("tache", ["inconnue", "00000000-0000-0000-0000-000000000000", "\x00"])
def test_an_unknown_or_malformed_task_is_a_4xx(client, admin_user, tache):
    client.force_login(admin_user)
    assert client.get(URL, {"tache": tache}).status_code in (400, 404)


def test_someone_else_s_task_is_a_404(client, admin_user):
    client.force_login(admin_user)
    location = upload(client, csv_text(row(1), row(2), row(3)))
    other = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(other)
    assert client.get(location).status_code == 404
