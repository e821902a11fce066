"""The core's CSV import pipeline (``iae_portal.imports``): reading a file, and the upload
page and command an app gets by declaring an ``Importer``, shown here with a toy importer
that knows no domain app."""

import datetime
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from iae_portal.forms import CsvUploadField
from iae_portal.imports import (
    IMPORT_KIND,
    ImportCommand,
    Importer,
    ImportPlan,
    ImportRejected,
    ImportView,
    RowError,
    parse_date,
    read_records,
    visible_progress,
)
from iae_portal.prepared.models import PreparedFile
from iae_portal.prepared.services import Job
from iae_portal.users.enums import Role
from structures.models import Structure
from tests.structures.factories import StructureFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent

# -- Reading ----------------------------------------------------------------------------------


def test_records_are_numbered_as_a_spreadsheet_shows_them():
    text = 'Name , city,name\nA,"Nancy\nNord",ignored\n\nB\n'
    records, errors = read_records(text, ["name", "city"])
    assert errors == []
    # Columns lower-cased and stripped, the first of a repeated one; a short line reads "".
    assert records == [(2, {"name": "A", "city": "Nancy\nNord"}), (5, {"name": "B", "city": ""})]


def test_a_line_with_too_many_values_is_left_out():
    records, errors = read_records("name,city\nA,Metz\nB,Metz,de trop\nC,Toul\n", ["name"])
    assert [line for line, _ in records] == [2, 4]
    assert errors == [RowError(3, None, "La ligne compte 3 valeurs pour 2 colonnes.")]


@pytest.mark.parametrize(
    "source, message",
    [
        ("", "Le fichier est vide."),
        ("name,town\nA,Metz\n", "Colonne obligatoire manquante : city."),
        (b"name\n" + "é\n".encode("latin-1"), "n'est pas encodé en UTF-8"),
    ],
)
def test_an_unreadable_file_reads_nothing(source, message):
    records, errors = read_records(source, ["name", "city"])
    assert records == []
    assert len(errors) == 1 and message in errors[0].message


def test_a_semicolon_file_is_told_the_separator():
    _, errors = read_records("name;city\nA;Metz\n", ["name", "city"])
    assert errors[0].message == (
        "Colonnes obligatoires manquantes : name, city. "
        "Le séparateur de colonnes attendu est la virgule."
    )


def test_a_bom_is_accepted():
    records, _ = read_records("\ufeffname\nA\n".encode(), ["name"])
    assert records == [(2, {"name": "A"})]


def test_dates_are_written_year_first():
    assert str(parse_date("2026-02-28")[0]) == "2026-02-28"
    assert parse_date("28/02/2026") == (
        None,
        "Date invalide : « 28/02/2026 » (format attendu AAAA-MM-JJ).",
    )
    assert parse_date("2026-02-30")[0] is None


# -- A toy importer: one name per line, "bad" refused -----------------------------------------


@dataclass
class Names(ImportPlan):
    names: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    applied: bool = False

    @property
    def has_changes(self):
        return bool(self.names)

    @property
    def summary(self):
        return f"{len(self.names)} nom(s) {'importé(s)' if self.applied else 'à importer'}"


class NamesImport(Importer):
    """``partial``: the good lines are imported even if others are bad."""

    def __init__(self):
        self.applied = []

    def plan(self, content, *, user=None, partial=False):
        records, errors = read_records(content, ["name"])
        plan = Names(errors=errors)
        for line, values in records:
            if values["name"] == "bad":
                plan.errors.append(RowError(line, "name", "Nom refusé."))
            else:
                plan.names.append(values["name"])
        return plan

    def refuses(self, plan, *, partial=False):
        return bool(plan.errors) and not partial

    def apply(self, content, *, actor, name, user=None, partial=False):
        plan = self.plan(content, user=user)
        if self.refuses(plan, partial=partial):
            raise ImportRejected(plan)
        self.applied.append((plan.names, actor, name))
        plan.applied = True
        return plan


class NamesCommand(ImportCommand):
    dry_run = True

    def __init__(self, importer):
        super().__init__()
        self.importer = importer


def run(command, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command(command, *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_imports_a_file(tmp_path):
    importer, path = NamesImport(), tmp_path / "noms.csv"
    path.write_text("name\nAda\nGrace\n")
    out, err = run(NamesCommand(importer), path)
    assert (out, err) == ("2 nom(s) importé(s)\n", "")
    assert importer.applied == [(["Ada", "Grace"], None, "noms.csv")]


def test_the_command_refuses_a_file_with_errors(tmp_path):
    importer, path = NamesImport(), tmp_path / "noms.csv"
    path.write_text("name\nAda\nbad\n")
    with pytest.raises(CommandError, match="corrigez les lignes en erreur"):
        run(NamesCommand(importer), path)
    assert importer.applied == []


def test_the_command_reports_the_lines_in_error_and_simulates(tmp_path):
    path = tmp_path / "noms.csv"
    path.write_text("name\nAda\n")
    out, _ = run(NamesCommand(NamesImport()), path, "--dry-run")
    assert out == "1 nom(s) à importer\nSimulation (--dry-run) : rien n'a été enregistré.\n"
    path.write_text("name\nAda\nbad\n")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(NamesCommand(NamesImport()), str(path), stdout=io.StringIO(), stderr=err)
    assert err.getvalue() == "ligne 3 : name : Nom refusé.\n"


def test_the_command_names_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match=r"^Fichier introuvable : .*absent\.csv$"):
        run(NamesCommand(NamesImport()), tmp_path / "absent.csv")


# -- The upload page --------------------------------------------------------------------------


class NamesForm(forms.Form):
    file = CsvUploadField()
    partial = forms.BooleanField(required=False)


class NamesView(ImportView):
    form_class = NamesForm
    session_key = "names_import"
    success_url = "/noms/"
    allow = True

    def allowed(self, user):
        return self.allow

    def render(self, **context):
        self.request.rendered = context
        return HttpResponse("page")


def request(method, user, session=None, **data):
    factory = RequestFactory()
    made = factory.get("/import/") if method == "get" else factory.post("/import/", data)
    SessionMiddleware(lambda r: None).process_request(made)
    if session is not None:
        made.session.update(session)
    made._messages = FallbackStorage(made)
    made.user = user
    return made


@pytest.mark.django_db
def test_the_page_reports_then_imports_on_confirmation():
    importer, user = NamesImport(), UserFactory(role=Role.INSTRUCTEUR)
    view = NamesView.as_view(importer=importer, option_fields=("partial",))
    upload = SimpleUploadedFile("noms.csv", b"name\nAda\nbad\n")
    first = request("post", user, file=upload, partial="on")
    view(first)
    plan, token = first.rendered["plan"], first.rendered["token"]
    assert plan.names == ["Ada"] and plan.errors and first.rendered["partial"] is True
    assert importer.applied == []

    confirm = request("post", user, session=dict(first.session), token=token)
    response = view(confirm)
    assert response.status_code == 302 and response["Location"] == "/noms/"
    assert importer.applied == [(["Ada"], user, "noms.csv")]
    assert [str(m) for m in get_messages(confirm)] == ["Import terminé : 1 nom(s) importé(s)."]
    assert "names_import" not in confirm.session


@pytest.mark.django_db
def test_a_refused_confirmation_shows_the_report_again():
    importer, user = NamesImport(), UserFactory(role=Role.INSTRUCTEUR)
    view = NamesView.as_view(importer=importer)
    first = request("post", user, file=SimpleUploadedFile("noms.csv", b"name\nbad\n"))
    view(first)
    confirm = request("post", user, session=dict(first.session), token=first.rendered["token"])
    view(confirm)
    assert confirm.rendered["plan"].errors[0].line == 2
    assert importer.applied == []
    assert [str(m) for m in get_messages(confirm)] == [
        "Le fichier contient des erreurs : rien n'a été enregistré."
    ]


@pytest.mark.django_db
def test_an_expired_confirmation_comes_back_to_the_page():
    user = UserFactory(role=Role.INSTRUCTEUR)
    confirm = request("post", user, token="inconnu")
    response = NamesView.as_view(importer=NamesImport())(confirm)
    assert response.status_code == 302 and response["Location"] == "/import/"


@pytest.mark.django_db
def test_the_page_asks_the_app_who_may_import():
    from django.core.exceptions import PermissionDenied

    view = NamesView.as_view(importer=NamesImport(), allow=False)
    with pytest.raises(PermissionDenied):
        view(request("get", UserFactory(role=Role.INSTRUCTEUR)))


# -- The size of an import's file -------------------------------------------------------------


def upload(size):
    return SimpleUploadedFile("noms.csv", b"name\n" + b"x" * (size - 5), "text/csv")


def test_an_import_file_may_be_larger_than_5_mb():
    """A 50,000-line DLA file is 10.3 MB: the import forms take up to ``IAE_IMPORT_MAX_SIZE``."""
    assert NamesForm(files={"file": upload(11 * 1024 * 1024)}).is_valid()
    assert NamesForm(files={"file": upload(settings.IAE_IMPORT_MAX_SIZE)}).is_valid()


def test_an_import_file_over_the_limit_is_refused_naming_the_limit(settings):
    form = NamesForm(files={"file": upload(settings.IAE_IMPORT_MAX_SIZE + 1)})
    assert form.errors["file"] == ["Le fichier dépasse la taille maximale de 20 Mo."]

    settings.IAE_IMPORT_MAX_SIZE = 15 * 1024 * 1024 // 2
    form = NamesForm(files={"file": upload(8 * 1024 * 1024)})
    assert form.errors["file"] == ["Le fichier dépasse la taille maximale de 7,5 Mo."]


def clamd_megabytes(text, option):
    """``option``'s size in a clamd.conf written in MB (``StreamMaxLength 30M``)."""
    return int(re.search(rf"^{option}\s+(\d+)M\s*$", text, re.MULTILINE)[1])


def test_a_file_under_the_import_limit_is_not_refused_by_the_request_limit_nor_clamd():
    """The whole request (``IAE_MAX_UPLOAD_REQUEST_SIZE``) and clamd's INSTREAM
    (``StreamMaxLength``: the local clamd's, else its default of 25 MB, which
    docker-compose's image keeps) take a file of the import limit."""
    limit_mb = settings.IAE_IMPORT_MAX_SIZE / 2**20
    assert settings.IAE_IMPORT_MAX_SIZE < settings.IAE_MAX_UPLOAD_REQUEST_SIZE
    local = (ROOT / ".ci" / "clamav" / "start").read_text()
    assert clamd_megabytes(local, "StreamMaxLength") >= limit_mb
    assert clamd_megabytes(local, "MaxFileSize") >= limit_mb
    assert "StreamMaxLength" not in (ROOT / "docker-compose.yml").read_text()
    assert limit_mb <= 25  # clamd's default StreamMaxLength


# -- The progress of an import run as a task --------------------------------------------------


def a_task():
    return PreparedFile.objects.create(
        owner=UserFactory(),
        kind=IMPORT_KIND,
        key="k",
        title="Import",
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has one writer: the progress waits"
)
def test_the_progress_of_an_import_is_seen_while_its_transaction_runs():
    """All-or-nothing keeps the import's writes in one transaction; its progress is written
    through a connection of its own, so the page (another connection) sees it move."""
    task = a_task()
    table = PreparedFile._meta.db_table

    def seen_elsewhere():
        other = connections.create_connection(DEFAULT_DB_ALIAS)
        try:
            with other.cursor() as cursor:
                cursor.execute(f"SELECT done, total FROM {table} WHERE id = %s", [task.pk])
                return cursor.fetchone()
        finally:
            other.close()

    with visible_progress(Job(task)) as progress, transaction.atomic():
        progress(30, 100)
        assert seen_elsewhere() == (30, 100)
        StructureFactory()
        transaction.set_rollback(True)
    assert not Structure.objects.exists()


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite's way")
def test_elsewhere_the_progress_is_the_jobs_own():
    task = a_task()
    job = Job(task)
    with visible_progress(job) as progress:
        progress(30, 100)
    task.refresh_from_db()
    assert (task.done, task.total) == (30, 100)
