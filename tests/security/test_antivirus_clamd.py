"""The antivirus with the real ClamAV daemon (issue 16, build 2): EICAR is refused through
the page and the API, a clean PDF passes, clamd down leaves the file waiting, not lost, and
scanned when clamd is back. CI starts clamd with the repository's EICAR signature
(``.ci/clamav/start``) and requires these tests; elsewhere they skip without clamd."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aides.models import DossierDocument
from iae_portal import uploads
from iae_portal.antivirus import ScanState
from iae_portal.audit.services import audit_entries_for
from tests.aides.factories import PDF
from tests.api.fixtures import bearer
from tests.clamd import EICAR, EICAR_PDF, unreachable_socket

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]


@pytest.fixture
def dossier(upload_dossier):
    return upload_dossier


def upload_page(client, dossier, content, kind="rib"):
    url = f"{reverse('aides:dossier_edit', args=[dossier.uuid])}?etape=pieces"
    file = SimpleUploadedFile(f"{kind}.pdf", content)
    return client.post(url, {"kind": kind, "file": file})


def test_eicar_is_refused_through_the_page(client, real_clamd, dossier, director_a):
    client.force_login(director_a)
    response = upload_page(client, dossier, EICAR)
    assert response.status_code == 200
    error = response.context["form"].errors["file"][0]
    assert "l'antivirus y a détecté un contenu malveillant (Eicar" in error
    assert not DossierDocument.objects.exists()
    assert audit_entries_for(dossier).filter(action="upload.infected").count() == 1


def test_eicar_is_refused_through_the_api(real_clamd, dossier, structure_a, make_token):
    _, token = make_token("write", structure=structure_a)
    response = bearer(token).post(
        f"/api/v1/dossiers/{dossier.uuid}/documents/",
        {"kind": "rib", "file": SimpleUploadedFile("rib.pdf", EICAR)},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "infected"
    assert not DossierDocument.objects.exists()


def test_a_clean_pdf_passes(client, real_clamd, dossier, director_a, instructeur):
    client.force_login(director_a)
    assert upload_page(client, dossier, PDF).status_code == 302
    document = DossierDocument.objects.get()
    assert document.scan_state == ScanState.CLEAN
    client.force_login(instructeur)
    assert client.get(document.get_absolute_url()).status_code == 200


def test_clamd_down_leaves_files_waiting_then_scanned_when_it_is_back(
    client, real_clamd, settings, dossier, director_a, instructeur
):
    settings.CLAMD_SOCKET = unreachable_socket()
    client.force_login(director_a)
    assert upload_page(client, dossier, PDF, kind="rib").status_code == 302
    assert upload_page(client, dossier, EICAR_PDF, kind="statuts").status_code == 302
    assert set(DossierDocument.objects.values_list("scan_state", flat=True)) == {"pending"}
    clean = DossierDocument.objects.get(kind="rib")
    client.force_login(instructeur)
    assert client.get(clean.get_absolute_url()).status_code == 409

    settings.CLAMD_SOCKET = real_clamd
    assert uploads.scan_waiting() == {ScanState.CLEAN: 1, ScanState.INFECTED: 1}
    assert client.get(clean.get_absolute_url()).status_code == 200
    infected = DossierDocument.objects.get(kind="statuts")
    assert infected.scan_state == ScanState.INFECTED
    assert infected.scan_signature.startswith("Eicar")
    assert client.get(infected.get_absolute_url()).status_code == 410
