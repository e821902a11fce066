"""Every uploaded file is scanned by clamd before anyone but its uploader may download it
(issue 16, build 2), here with a fake clamd speaking the protocol (tests/clamd.py);
``test_antivirus_clamd.py`` does the same with the real one (CI).

An infected file is refused with a French message and journalled; when clamd cannot be
reached the file waits « en cours d'analyse » (its uploader alone downloads it) and the
sweep scans it once clamd is back, or the upload is refused if so configured."""

import html
import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aides.models import DossierDocument, Notification
from aides.services.dossiers import missing_documents
from dla.models import Deliverable
from iae_portal import queue, uploads
from iae_portal.antivirus import ScanState
from iae_portal.audit.labels import action_label
from iae_portal.audit.services import audit_entries_for
from tests.aides.factories import PDF
from tests.api.fixtures import bearer
from tests.clamd import EICAR, EICAR_PDF
from tests.dla.factories import accompaniment_at, chargé
from tests.structures.factories import MembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]

INFECTED_TEXT = "l'antivirus y a détecté un contenu malveillant (Eicar-Test-Signature)"
UNAVAILABLE_TEXT = "L'analyse antivirus est momentanément indisponible"


@pytest.fixture
def dossier(upload_dossier):
    return upload_dossier


def upload_page(client, dossier, name, content, kind="rib"):
    url = f"{reverse('aides:dossier_edit', args=[dossier.uuid])}?etape=pieces"
    return client.post(url, {"kind": kind, "file": SimpleUploadedFile(name, content)})


def file_errors(response):
    return response.context["form"].errors["file"]


def infections(obj):
    return audit_entries_for(obj).filter(action="upload.infected")


def text(response):
    return html.unescape(response.content.decode())


# -- refused: infected ----------------------------------------------------------------------


@pytest.mark.parametrize("content", [EICAR, EICAR_PDF], ids=["eicar", "eicar-in-a-pdf"])
def test_eicar_is_refused_through_the_page_and_journalled(
    client, fake_clamd, dossier, director_a, content
):
    client.force_login(director_a)
    response = upload_page(client, dossier, "rib.pdf", content)
    assert response.status_code == 200
    assert INFECTED_TEXT in file_errors(response)[0]
    assert "Il n'a pas été enregistré" in file_errors(response)[0]
    assert not DossierDocument.objects.exists()
    assert fake_clamd.scanned == [content]
    entry = infections(dossier).get()
    assert entry.actor == director_a
    assert entry.changes == {
        "original_name": ["rib.pdf", None],
        "scan_signature": [None, "Eicar-Test-Signature"],
    }
    assert action_label(entry.action) == "Fichier infecté refusé par l'antivirus"


def test_eicar_is_refused_through_the_api_and_journalled(
    fake_clamd, dossier, structure_a, make_token
):
    api_client, token = make_token("write", structure=structure_a)
    url = f"/api/v1/dossiers/{dossier.uuid}/documents/"
    file = SimpleUploadedFile("rib.pdf", EICAR)
    response = bearer(token).post(url, {"kind": "rib", "file": file}, format="multipart")
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert (error["field"], error["code"]) == ("file", "infected")
    assert INFECTED_TEXT in error["message"]
    assert not DossierDocument.objects.exists()
    assert infections(dossier).get().actor == api_client.user


def test_an_infected_deliverable_is_refused_and_journalled_on_the_accompaniment(
    client, fake_clamd, structure_a
):
    user = chargé("charge54@example.org", "54")
    accompaniment = accompaniment_at("ingenierie", user, [structure_a])
    prestation = accompaniment.prestations.get()
    url = reverse("dla:step_deliverables", args=[accompaniment.uuid, prestation.uuid])
    client.force_login(user)
    files = [SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.pdf", EICAR_PDF)]
    response = client.post(url, {"files": files})
    assert response.status_code == 400
    errors = response.context["prestations"][0].deliverable_form.errors["files"]
    assert errors[0].startswith("b.pdf : Ce fichier a été refusé") and INFECTED_TEXT in errors[0]
    assert not Deliverable.objects.exists()  # nothing kept, the clean one neither
    assert infections(accompaniment).get().changes["original_name"] == ["b.pdf", None]


# -- clean ------------------------------------------------------------------------------------


def test_a_clean_pdf_passes_and_everyone_allowed_downloads_it(
    client, fake_clamd, dossier, director_a, instructeur
):
    client.force_login(director_a)
    assert upload_page(client, dossier, "rib.pdf", PDF).status_code == 302
    document = DossierDocument.objects.get()
    assert (document.scan_state, document.scanned_at is not None) == (ScanState.CLEAN, True)
    assert fake_clamd.scanned == [PDF]
    assert not infections(dossier).exists()
    client.force_login(instructeur)
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF


# -- clamd down: the file waits, then is scanned -----------------------------------------------


def test_clamd_down_leaves_the_file_waiting_for_its_uploader_alone_then_scanned(
    client, fake_clamd, dossier, director_a, structure_a, instructeur
):
    fake_clamd.stop()
    client.force_login(director_a)
    assert upload_page(client, dossier, "rib.pdf", PDF).status_code == 302
    document = DossierDocument.objects.get()
    assert document.scan_state == ScanState.PENDING
    url = document.get_absolute_url()
    page = client.get(reverse("aides:dossier_edit", args=[dossier.uuid]) + "?etape=pieces")
    assert "en cours d'analyse antivirus" in text(page)
    response = client.get(url)  # the uploader
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    colleague = MembershipFactory(structure=structure_a).user
    for someone in (instructeur, colleague):
        client.force_login(someone)
        response = client.get(url)
        assert response.status_code == 409
        assert "en cours d'analyse antivirus" in text(response)

    assert uploads.scan_waiting() == {}  # clamd still down: nothing changes
    document.refresh_from_db()
    assert document.scan_state == ScanState.PENDING

    fake_clamd.start()
    queue.enqueue("iae_portal.tasks.scan_waiting_uploads")  # what beat runs
    document.refresh_from_db()
    assert document.scan_state == ScanState.CLEAN and fake_clamd.scanned == [PDF]
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF


def test_a_file_left_waiting_is_queued_for_a_scan_after_the_commit(
    client, fake_clamd, dossier, director_a, django_capture_on_commit_callbacks
):
    fake_clamd.stop()
    client.force_login(director_a)
    with django_capture_on_commit_callbacks() as callbacks:
        upload_page(client, dossier, "rib.pdf", PDF)
    document = DossierDocument.objects.get()
    assert document.scan_state == ScanState.PENDING
    fake_clamd.start()
    for callback in callbacks:
        callback()  # queues iae_portal.tasks.scan_upload (eager here)
    document.refresh_from_db()
    assert document.scan_state == ScanState.CLEAN


def test_an_infected_file_found_later_is_deleted_journalled_and_told(
    client,
    fake_clamd,
    dossier,
    director_a,
    instructeur,
    django_capture_on_commit_callbacks,
):
    fake_clamd.stop()
    client.force_login(director_a)
    upload_page(client, dossier, "rib.pdf", EICAR_PDF)
    document = DossierDocument.objects.get()
    stored = document.file.name
    assert document.scan_state == ScanState.PENDING
    assert document.file.storage.exists(stored)  # kept, not lost
    fake_clamd.start()
    with django_capture_on_commit_callbacks(execute=True):
        assert uploads.scan_waiting() == {ScanState.INFECTED: 1}
    document.refresh_from_db()
    assert document.scan_state == ScanState.INFECTED
    assert document.scan_signature == "Eicar-Test-Signature"
    assert not document.file.storage.exists(stored)
    entry = infections(dossier).get()
    assert entry.actor is None and entry.actor_label == "système"
    for someone in (director_a, instructeur):
        client.force_login(someone)
        response = client.get(document.get_absolute_url())
        assert response.status_code == 410
        assert "contenu malveillant" in text(response)
    client.force_login(director_a)
    page = client.get(reverse("aides:dossier_edit", args=[dossier.uuid]) + "?etape=pieces")
    assert "refusé par l'antivirus, fichier supprimé" in text(page)
    assert "rib" in missing_documents(dossier)  # to be sent again
    # The director hears of it, on the portal and by e-mail, and so does the instructor.
    told = Notification.objects.filter(dossier=dossier, user=director_a).latest("pk")
    assert "retirée" in told.body and "malveillant" in told.body
    assert any(
        "malveillant" in message.body and director_a.email in message.to for message in mail.outbox
    )


def test_a_waiting_deliverable_is_for_its_uploader_alone(client, fake_clamd, structure_a):
    user = chargé("charge54@example.org", "54")
    accompaniment = accompaniment_at("ingenierie", user, [structure_a])
    prestation = accompaniment.prestations.get()
    colleague = chargé("autre54@example.org", "54")
    fake_clamd.stop()
    client.force_login(user)
    url = reverse("dla:step_deliverables", args=[accompaniment.uuid, prestation.uuid])
    assert client.post(url, {"files": SimpleUploadedFile("a.pdf", PDF)}).status_code == 302
    deliverable = Deliverable.objects.get()
    assert deliverable.scan_state == ScanState.PENDING
    assert "en cours d'analyse antivirus" in text(client.get(accompaniment.get_absolute_url()))
    assert client.get(deliverable.get_absolute_url()).status_code == 200
    client.force_login(colleague)
    assert client.get(deliverable.get_absolute_url()).status_code == 409
    fake_clamd.start()
    assert uploads.scan_waiting() == {ScanState.CLEAN: 1}
    assert client.get(deliverable.get_absolute_url()).status_code == 200


def test_an_infected_deliverable_found_later_is_told_to_the_dla(
    client, fake_clamd, structure_a, django_capture_on_commit_callbacks
):
    user = chargé("charge54@example.org", "54")
    colleague = chargé("autre54@example.org", "54")
    elsewhere = chargé("charge57@example.org", "57")
    accompaniment = accompaniment_at("ingenierie", user, [structure_a])
    prestation = accompaniment.prestations.get()
    fake_clamd.stop()
    client.force_login(user)
    url = reverse("dla:step_deliverables", args=[accompaniment.uuid, prestation.uuid])
    upload = SimpleUploadedFile("rapport.pdf", EICAR_PDF)
    assert client.post(url, {"files": upload}).status_code == 302
    fake_clamd.start()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert uploads.scan_waiting() == {ScanState.INFECTED: 1}
    told = {address for message in mail.outbox for address in message.to}
    assert told == {user.email, colleague.email}
    assert elsewhere.email not in told
    message = mail.outbox[0]
    assert accompaniment.ref in message.subject
    assert "« rapport.pdf »" in message.body and "malveillant" in message.body
    assert accompaniment.get_absolute_url() in message.body


def test_the_sweep_stops_while_clamd_is_down_and_loses_nothing(
    client, fake_clamd, dossier, director_a
):
    fake_clamd.stop()
    client.force_login(director_a)
    for kind in ("rib", "statuts"):
        upload_page(client, dossier, f"{kind}.pdf", PDF, kind=kind)
    assert uploads.scan_waiting() == {}
    assert set(DossierDocument.objects.values_list("scan_state", flat=True)) == {"pending"}
    fake_clamd.start()
    cache.add(uploads.SWEEP_LOCK, True)  # another sweep is running: this one does nothing
    assert uploads.scan_waiting() == {}
    cache.delete(uploads.SWEEP_LOCK)
    assert uploads.scan_waiting(limit=1) == {ScanState.CLEAN: 1}
    assert uploads.scan_waiting() == {ScanState.CLEAN: 1}
    assert set(DossierDocument.objects.values_list("scan_state", flat=True)) == {"clean"}


# -- configured to refuse instead ---------------------------------------------------------------


def test_clamd_down_refuses_the_upload_when_configured_so(
    client, fake_clamd, settings, dossier, director_a, structure_a, make_token
):
    settings.CLAMD_UNREACHABLE = "refuse"
    fake_clamd.stop()
    client.force_login(director_a)
    response = upload_page(client, dossier, "rib.pdf", PDF)
    assert response.status_code == 200
    assert UNAVAILABLE_TEXT in file_errors(response)[0]
    _, token = make_token("write", structure=structure_a)
    file = SimpleUploadedFile("rib.pdf", PDF)
    response = bearer(token).post(
        f"/api/v1/dossiers/{dossier.uuid}/documents/",
        {"kind": "rib", "file": file},
        format="multipart",
    )
    assert response.status_code == 503
    assert response.json()["errors"][0]["code"] == "scan_unavailable"
    assert not DossierDocument.objects.exists()


# -- scanning off (a developer's machine without clamd) ---------------------------------------


def test_scanning_off_keeps_files_unscanned_and_says_so_then_scans_them_once_on(
    client, fake_clamd, settings, dossier, director_a, instructeur, caplog, monkeypatch
):
    settings.IAE_SCAN_UPLOADS = False
    monkeypatch.setattr("iae_portal.antivirus._told_off", False)
    client.force_login(director_a)
    with caplog.at_level(logging.WARNING, logger="iae_portal.antivirus"):
        upload_page(client, dossier, "rib.pdf", PDF)
    assert "Uploads are NOT scanned for viruses" in caplog.text
    document = DossierDocument.objects.get()
    assert document.scan_state == ScanState.UNSCANNED and fake_clamd.scanned == []
    client.force_login(instructeur)
    assert client.get(document.get_absolute_url()).status_code == 200
    assert uploads.scan_waiting() == {}  # off: nothing scanned

    settings.IAE_SCAN_UPLOADS = True  # on: files never scanned wait for the sweep
    assert client.get(document.get_absolute_url()).status_code == 409
    assert uploads.scan_waiting() == {ScanState.CLEAN: 1}
    assert client.get(document.get_absolute_url()).status_code == 200


def _setting(name, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CLAMD_", "IAE_SCAN"))}
    code = (
        f"import django; django.setup(); from django.conf import settings; print(settings.{name})"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=django_settings.BASE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "iae_portal.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "t3st-Pr0duct10n-" + "kq8Zr2LmVw9XbN4c" * 4,
    "DJANGO_ALLOWED_HOSTS": "portail-iae.example.org",
}


def test_scanning_is_on_in_production_and_wherever_clamd_is_configured():
    assert _setting("IAE_SCAN_UPLOADS", DJANGO_DEBUG="1") == "False"
    assert _setting("IAE_SCAN_UPLOADS", DJANGO_DEBUG="1", CLAMD_HOST="clamav") == "True"
    assert _setting("IAE_SCAN_UPLOADS", DJANGO_DEBUG="1", CLAMD_SOCKET="/run/c.ctl") == "True"
    assert _setting("IAE_SCAN_UPLOADS", **PRODUCTION) == "True"  # unconfigured: files wait
    assert _setting("CELERY_BEAT_SCHEDULE['uploads-scan-waiting']['task']", DJANGO_DEBUG="1") == (
        "iae_portal.tasks.scan_waiting_uploads"
    )
