"""An upload's name follows its sniffed type (issue 16, finding 8): ``evil.html`` with a PDF
header is stored and served as ``evil.pdf``, ``shell.php`` with a PNG header as
``shell.png``; the download says the sniffed type and ``nosniff``."""

import importlib

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aides import services
from aides.models import DossierDocument
from dla.models import Deliverable
from iae_portal.uploads import name_for_type
from tests.aides.factories import PDF, PNG
from tests.api.fixtures import bearer
from tests.dla.factories import accompaniment_at, chargé

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


@pytest.fixture
def dossier(upload_dossier):
    return upload_dossier


def download(client, document):
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(
    ("sent", "content", "kept", "content_type"),
    [
        ("evil.html", PDF, "evil.pdf", "application/pdf"),
        ("shell.php", PNG, "shell.png", "image/png"),
        ("photo.exe", JPEG, "photo.jpg", "image/jpeg"),
        ("Mon RIB.pdf", PDF, "Mon RIB.pdf", "application/pdf"),
    ],
)
def test_a_page_upload_is_stored_and_served_under_the_extension_of_its_type(
    client, dossier, director_a, instructeur, sent, content, kept, content_type
):
    client.force_login(director_a)
    url = f"{reverse('aides:dossier_edit', args=[dossier.uuid])}?etape=pieces"
    response = client.post(url, {"kind": "rib", "file": SimpleUploadedFile(sent, content)})
    assert response.status_code == 302
    document = DossierDocument.objects.get()
    assert document.original_name == kept
    assert document.file.name.endswith(kept[kept.rindex(".") :])  # the random name on disk
    client.force_login(instructeur)
    response = download(client, document)
    assert response["Content-Disposition"] == f'attachment; filename="{kept}"'
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == content


def test_an_api_upload_is_named_after_its_type(dossier, structure_a, make_token):
    _, token = make_token("write", structure=structure_a)
    file = SimpleUploadedFile("evil.html", PDF)
    response = bearer(token).post(
        f"/api/v1/dossiers/{dossier.uuid}/documents/",
        {"kind": "rib", "file": file},
        format="multipart",
    )
    assert response.status_code == 201
    assert (response.json()["original_name"], response.json()["content_type"]) == (
        "evil.pdf",
        "application/pdf",
    )


def test_a_deliverable_is_named_after_its_type(client, structure_a):
    user = chargé("charge54@example.org", "54")
    accompaniment = accompaniment_at("ingenierie", user, [structure_a])
    prestation = accompaniment.prestations.get()
    url = reverse("dla:step_deliverables", args=[accompaniment.uuid, prestation.uuid])
    client.force_login(user)
    response = client.post(url, {"files": SimpleUploadedFile("shell.php", PNG)})
    assert response.status_code == 302
    deliverable = Deliverable.objects.get()
    assert deliverable.original_name == "shell.png"
    response = download(client, deliverable)
    assert response["Content-Disposition"] == 'attachment; filename="shell.png"'
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_row_kept_before_is_served_and_renamed_after_its_type(client, dossier, director_a):
    document = services.document_add(
        actor=director_a, dossier=dossier, kind="rib", upload=SimpleUploadedFile("a.pdf", PDF)
    )
    DossierDocument.objects.filter(pk=document.pk).update(original_name="ancien.html")
    client.force_login(director_a)
    response = download(client, DossierDocument.objects.get())
    assert response["Content-Disposition"] == 'attachment; filename="ancien.pdf"'
    migration = importlib.import_module("aides.migrations.0010_document_scan_state")
    migration.rename(apps, None, model_name="dossierdocument")
    assert DossierDocument.objects.get().original_name == "ancien.pdf"


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("evil.html", "application/pdf", "evil.pdf"),
        ("evil.pdf.html", "application/pdf", "evil.pdf.pdf"),
        ("RAPPORT.PDF", "application/pdf", "RAPPORT.PDF"),
        ("photo.JPEG", "image/jpeg", "photo.JPEG"),
        ("photo.png", "image/jpeg", "photo.jpg"),
        ("sans-extension", "image/png", "sans-extension.png"),
        (".htaccess", "application/pdf", "htaccess.pdf"),
        ("...", "application/pdf", "document.pdf"),
        ("x" * 300 + ".html", "application/pdf", "x" * 251 + ".pdf"),
    ],
)
def test_name_for_type(name, content_type, expected):
    assert name_for_type(name, content_type) == expected
    assert len(name_for_type(name, content_type)) <= 255
