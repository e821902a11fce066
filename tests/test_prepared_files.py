"""Long work never blocks a request (issue 16, build 3): exports beyond
``IAE_EXPORT_IMMEDIATE_ROWS`` rows, the bilans' PDFs and the letters' archive are prepared
by a Celery task (eager here) while the request answers at once with the file's page, which
shows the progress and then a download link for its owner only, kept a day; a periodic
purge deletes expired files."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.conf import settings as django_settings
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from aides import prepared as aides_prepared
from dla import prepared as dla_prepared
from iae_portal.prepared import kinds, services
from iae_portal.prepared.models import PreparedFile, PreparedState
from iae_portal.prepared.tasks import purge_prepared_files
from iae_portal.users.enums import Role
from tests.structures.factories import StructureFactory, UserFactory

pytestmark = pytest.mark.django_db

EXPORT = reverse("structures:export", args=["csv"])


@pytest.fixture(autouse=True)
def _files_in_memory(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    settings.IAE_EXPORT_IMMEDIATE_ROWS = 3


@pytest.fixture
def structures():
    return [StructureFactory(name=f"Chantier {n}") for n in range(5)]


def ask(client, url, params=None, *, run=True):
    """GET an export; with ``run``, the task queued after commit runs (eagerly)."""
    with TestCase.captureOnCommitCallbacks(execute=run):
        return client.get(url, params or {})


def csv_rows(content):
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_a_small_export_is_the_answer_itself(client, instructeur, structures):
    client.force_login(instructeur)
    response = ask(client, EXPORT, {"q": "Chantier 1"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="structures-')
    assert not PreparedFile.objects.exists()


def test_a_big_export_is_prepared_while_the_request_answers_at_once(
    client, instructeur, structures
):
    client.force_login(instructeur)
    response = ask(client, EXPORT, {"sort": "name"}, run=False)
    # The request recorded the file and answered: nothing was written during it.
    assert response.status_code == 302
    prepared = PreparedFile.objects.get()
    assert response["Location"] == prepared.get_absolute_url()
    assert (prepared.owner, prepared.state, prepared.file.name) == (
        instructeur,
        PreparedState.PENDING,
        "",
    )
    page = client.get(prepared.get_absolute_url()).content.decode()
    assert "Export des structures (CSV)" in page and "En attente" in page
    # Without a script the page reloads itself; with one, progress.js follows the JSON.
    assert '<noscript><meta http-equiv="refresh"' in page and "js/progress.js" in page
    assert reverse("prepared:download", args=[prepared.uuid]) not in page
    progress = client.get(reverse("prepared:progress", args=[prepared.uuid])).json()
    assert progress["finished"] is False and progress["state"] == "pending"

    services.build(prepared.pk)  # what the worker does

    prepared.refresh_from_db()
    assert prepared.state == PreparedState.READY and (prepared.done, prepared.total) == (5, 5)
    assert prepared.expires_at - prepared.finished_at == datetime.timedelta(hours=24)
    page = client.get(prepared.get_absolute_url()).content.decode()
    assert "Fichier prêt" in page and "http-equiv" not in page
    assert f'href="{reverse("structures:list")}?sort=name">Retour' in page
    download = client.get(reverse("prepared:download", args=[prepared.uuid]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="structures-')
    rows = csv_rows(b"".join(download.streaming_content))
    assert [row[1] for row in rows[1:]] == [f"Chantier {n}" for n in range(5)]
    assert client.get(reverse("prepared:progress", args=[prepared.uuid])).json() == {
        "state": "ready",
        "state_label": "Prêt",
        "done": 5,
        "total": 5,
        "percent": 100,
        "finished": True,
    }


def test_the_prepared_export_holds_what_its_owner_sees_with_their_filters(
    client, grand_est, structures
):
    StructureFactory(name="Chantier parisien", department_id="75", postal_code="75011")
    region_bound = UserFactory(role=Role.INSTRUCTEUR, region=grand_est)
    client.force_login(region_bound)
    response = ask(client, reverse("structures:export", args=["xlsx"]), {"q": "Chantier"})
    prepared = PreparedFile.objects.get()
    assert response["Location"] == prepared.get_absolute_url()
    assert prepared.state == PreparedState.READY and prepared.total == 5
    download = client.get(reverse("prepared:download", args=[prepared.uuid]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    names = [row[1].value for row in book.active.iter_rows(min_row=2)]
    assert "Chantier parisien" not in names and len(names) == 5


def test_only_its_owner_opens_or_downloads_a_prepared_file(client, instructeur, structures):
    client.force_login(instructeur)
    ask(client, EXPORT)
    prepared = PreparedFile.objects.get()
    urls = [
        prepared.get_absolute_url(),
        reverse("prepared:progress", args=[prepared.uuid]),
        reverse("prepared:download", args=[prepared.uuid]),
    ]
    for url in urls:
        assert client.get(url).status_code == 200
    colleague = UserFactory(role=Role.INSTRUCTEUR, region=instructeur.region)
    admin = UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    for other in (colleague, admin):
        client.force_login(other)
        for url in urls:
            assert client.get(url).status_code == 404, (other, url)
        assert prepared.title not in client.get(reverse("prepared:list")).content.decode()
    client.logout()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/connexion/")


def test_the_same_export_asked_again_while_prepared_is_not_prepared_twice(
    client, instructeur, structures
):
    client.force_login(instructeur)
    first = ask(client, EXPORT, {"sort": "name"}, run=False)
    again = ask(client, EXPORT, {"sort": "name"}, run=False)
    assert first["Location"] == again["Location"] and PreparedFile.objects.count() == 1
    other = ask(client, EXPORT, {"sort": "-name"}, run=False)
    assert other["Location"] != first["Location"]
    # Once ready, asking again prepares the export afresh (its rows may have changed).
    for prepared in PreparedFile.objects.all():
        services.build(prepared.pk)
    assert ask(client, EXPORT, {"sort": "name"})["Location"] != first["Location"]


def test_a_file_stays_a_day_then_the_purge_deletes_it(client, instructeur, structures):
    client.force_login(instructeur)
    ask(client, EXPORT)
    prepared = PreparedFile.objects.get()
    name = prepared.file.name
    storage = prepared.file.storage
    assert storage.exists(name)
    assert purge_prepared_files() == 0
    PreparedFile.objects.filter(pk=prepared.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    for url in (prepared.get_absolute_url(), reverse("prepared:download", args=[prepared.uuid])):
        assert client.get(url).status_code == 404
    assert purge_prepared_files.delay().get() == 1
    assert not PreparedFile.objects.exists() and not storage.exists(name)


def test_the_purge_runs_periodically():
    schedule = django_settings.CELERY_BEAT_SCHEDULE
    assert any(
        entry["task"] == "iae_portal.prepared.tasks.purge_prepared_files"
        for entry in schedule.values()
    )


def test_a_builder_failing_says_so_in_french(client, instructeur, structures, monkeypatch):
    def broken(job, out):
        raise RuntimeError("disk full")

    monkeypatch.setitem(kinds._KINDS, "structures.export", kinds.Kind("structures.export", broken))
    client.force_login(instructeur)
    ask(client, EXPORT)
    prepared = PreparedFile.objects.get()
    assert prepared.state == PreparedState.FAILED
    assert prepared.failure.startswith("La préparation du fichier a échoué (RuntimeError)")
    page = client.get(prepared.get_absolute_url()).content.decode()
    assert "La préparation du fichier a échoué" in page
    assert client.get(reverse("prepared:download", args=[prepared.uuid])).status_code == 404


def test_the_queue_down_marks_the_file_failed(client, instructeur, structures, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionRefusedError

    monkeypatch.setattr(services, "enqueue", down)
    client.force_login(instructeur)
    ask(client, EXPORT)
    prepared = PreparedFile.objects.get()
    assert prepared.state == PreparedState.FAILED
    assert "La file de préparation est indisponible" in prepared.failure


def test_an_owner_who_lost_access_meanwhile_gets_no_file(
    client, instructeur, monkeypatch, settings
):
    """The builder asks the owner's rights when it runs, not when the file was asked."""
    # Through ``settings``, as the module's fixture sets it: undone by the same overrides
    # (monkeypatch's undo, run after them, wrote 3 into the worker's settings for good).
    settings.IAE_EXPORT_IMMEDIATE_ROWS = -1
    client.force_login(instructeur)
    ask(client, reverse("aides:queue_export", args=["csv"]), run=False)
    prepared = PreparedFile.objects.get()
    monkeypatch.setattr(aides_prepared.perms, "can_view_queue", lambda user: False)
    services.build(prepared.pk)
    prepared.refresh_from_db()
    assert prepared.state == PreparedState.FAILED
    assert prepared.failure == "Vous n'avez plus accès à la file d'instruction."


def test_my_files_lists_mine(client, instructeur, structures):
    client.force_login(instructeur)
    ask(client, EXPORT)
    page = client.get(reverse("prepared:list")).content.decode()
    assert "Export des structures (CSV)" in page and "Prêt" in page


# Where each kind the apps register is proved; a new kind fails until it is listed here.
KINDS = {
    "aides.queue_export": "tests/test_exports.py (prepared), above",
    "structures.export": "above, tests/test_exports.py (prepared)",
    "dla.bilan_pdf": "tests/dla/test_views.py, below",
    "aides.letters_archive": "tests/aides/test_batch.py, tests/aides/test_scheme_as_data.py",
    "cdiae.report": "tests/cdiae/test_page.py",
    "imports.run": "tests/structures/test_import_background.py",
}


def test_every_kind_of_prepared_file_is_proved_somewhere():
    assert set(kinds.registered()) == set(KINDS)


def test_the_bilan_pdf_is_never_rendered_during_the_request(client, instructeur, monkeypatch):
    rendered = []
    monkeypatch.setattr(dla_prepared, "html_to_pdf", lambda html: rendered.append(html) or b"%PDF")
    client.force_login(instructeur)
    year = timezone.localdate().year  # the default: no prestation yet
    response = ask(client, reverse("dla:bilan_pdf"), run=False)
    prepared = PreparedFile.objects.get()
    assert response["Location"] == prepared.get_absolute_url() and rendered == []
    assert prepared.title == f"Bilan DLA {year} (PDF)"
    services.build(prepared.pk)
    prepared.refresh_from_db()
    assert prepared.state == PreparedState.READY and len(rendered) == 1
    assert prepared.filename == f"bilan-dla-{year}.pdf"
