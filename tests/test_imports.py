"""The core's CSV import pipeline (``iae_portal.imports``): reading a file, and the upload
page and command an app gets by declaring an ``Importer``, shown here with a toy importer
that knows no domain app."""

import io
from dataclasses import dataclass, field

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import HttpResponse
from django.test import RequestFactory

from iae_portal.forms import CsvUploadField
from iae_portal.imports import (
    ImportCommand,
    Importer,
    ImportPlan,
    ImportRejected,
    ImportView,
    RowError,
    parse_date,
    read_records,
)
from iae_portal.users.enums import Role
from tests.structures.factories import UserFactory

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
