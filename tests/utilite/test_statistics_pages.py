"""The statistics pages (``utilite:statistics``, its exports, the missing reports' reminder):
the contract's worked example gives the bilan command's figures on the page and in the
exports; privacy; who reads which groups; the reminder; bad queries."""

import csv
import datetime
import html
import io
import json
import re

import openpyxl
import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from iae_portal.audit.models import AuditEntry
from iae_portal.users.enums import Role
from structures.models import Region
from tests.structures.factories import MembershipFactory, UserFactory, make_siret
from utilite.enums import ReportStatus
from utilite.presenters import REMIND_ACTION
from utilite.reminders import remind_missing_report

from .contract import EXAMPLE
from .factories import ReportFactory, siae, worked_example

pytestmark = pytest.mark.django_db
URL = reverse("utilite:statistics")
NBSP = "\u00a0"


def staff(region="27", role=Role.INSTRUCTEUR, email="instr@example.org"):
    return UserFactory(
        email=email, role=role, region=Region.objects.get(code=region) if region else None
    )


def client_for(client, user):
    client.force_login(user)
    return client


def bilan_json(*args):
    out = io.StringIO()
    call_command("utilite_sociale_bilan", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def row_of(html, code):
    """The cells' texts of the statistics table's row of ``code``."""
    found = re.search(rf'<tr id="stat-{code}">(.*?)</tr>', html, re.S)
    assert found, code
    cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", found.group(1), re.S)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells]


def french_share(value):
    return f"{value * 100:.1f}".replace(".", ",") + f"{NBSP}%"


def french_score(value):
    return f"{value:g}".replace(".", ",")


@pytest.fixture
def example():
    return worked_example()


def test_the_page_gives_the_bilan_commands_figures_for_the_worked_example(client, example):
    client_for(client, staff())
    response = client.get(URL, {"year": 2012, "department": "71"})
    assert response.status_code == 200
    html = response.content.decode()
    group = next(g for g in bilan_json("--year", "2012", "--department", "71")["groups"])
    assert (group["department"], group["kind"]) == ("71", "ALL")
    expected = EXAMPLE["out"]["group_71_all"]
    for code in ("exit_rate_durable", "exit_rate_dynamic", "self_financing_rate"):
        stats = group["indicators"][code]
        assert stats["median"] == expected[code]["median"]
        cells = row_of(html, code)
        assert cells[1:5] == [
            "3",
            french_share(stats["median"]),
            french_share(stats["q1"]),
            french_share(stats["q3"]),
        ], code
        assert cells[5].startswith(french_share(stats["pooled"]))
    assert row_of(html, "prospective")[1:5] == ["3", "1,3", "0,8", "1,9"]
    assert row_of(html, "exits_total")[5].startswith("110")
    # 30,0 %, not 0.3
    assert row_of(html, "self_financing_rate")[2] == f"30,0{NBSP}%"
    # Euros in French.
    median_resources = group["indicators"]["total_resources"]["median"]
    assert median_resources == 800000
    assert row_of(html, "total_resources")[2] == f"800{NBSP}000{NBSP}€"
    # D is missing, with no report.
    assert "Structure D" in html
    assert "Aucun bilan" in html


def test_a_group_under_three_reports_shows_its_count_only(client, example):
    client_for(client, staff())
    response = client.get(URL, {"year": 2012, "department": "71", "kind": "ACI"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "seul leur nombre est diffusé" in html
    for code in ("exit_rate_dynamic", "self_financing_rate", "prospective", "exits_total"):
        assert row_of(html, code)[1:] == ["2", "—", "—", "—", "—"], code
    assert "30,0" not in html and "800" + NBSP + "000" not in html


def test_a_region_bound_reader_gets_the_same_figures_for_their_region(client, example):
    client_for(client, staff())
    html = client.get(URL, {"year": 2012}).content.decode()
    # The région (Bourgogne-Franche-Comté) holds only the example's reports.
    assert "Région Bourgogne-Franche-Comté" in html
    assert row_of(html, "exit_rate_dynamic")[1:3] == ["3", f"66,7{NBSP}%"]


# -- Exports -----------------------------------------------------------------------------


def csv_rows(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


HEADINGS = [
    "Année",
    "Territoire",
    "Type de structure",
    "Indicateur",
    "Code",
    "Unité",
    "Nombre de valeurs (n)",
    "Médiane",
    "1er quartile",
    "3e quartile",
    "Total",
    "Taux global",
    "Part de oui",
]


def test_the_exports_give_the_figures_in_french_with_nothing_but_n_under_three(client, example):
    client_for(client, staff())
    query = {"year": 2012, "department": "71"}
    response = client.get(reverse("utilite:statistics_export", args=["csv"]), query)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('utilite-sociale-statistiques-2012-71.csv"')
    rows = csv_rows(response)
    assert rows[0] == HEADINGS
    by_key = {(r[2], r[4]): r for r in rows[1:]}
    everyone = by_key[("Tous les types de SIAE", "exit_rate_dynamic")]
    assert everyone[:7] == [
        "2012",
        "71 — Saône-et-Loire",
        "Tous les types de SIAE",
        "Taux de sorties dynamiques",
        "exit_rate_dynamic",
        "%",
        "3",
    ]
    assert everyone[7:] == ["66,7", "55,3", "66,9", "", "63,6", ""]
    assert by_key[("Tous les types de SIAE", "prospective")][7:10] == ["1,3", "0,8", "1,9"]
    assert by_key[("Tous les types de SIAE", "exits_total")][10] == "110"
    # The ACI group (2 reports): n only.
    aci = by_key[("ACI — Atelier et chantier d'insertion", "exit_rate_dynamic")]
    assert aci[6:] == ["2", "", "", "", "", "", ""]
    assert all(r[7:] == [""] * 6 for r in rows[1:] if r[2].startswith(("ACI", "AI ")))

    response = client.get(reverse("utilite:statistics_export", args=["xlsx"]), query)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert list(values[0]) == HEADINGS
    row = next(
        r for r in values if r[2] == "Tous les types de SIAE" and r[4] == "exit_rate_dynamic"
    )
    assert float(row[7]) == pytest.approx(66.7)
    aci = [r for r in values[1:] if r[2].startswith("ACI")]
    assert aci and all(r[7:] == (None,) * 6 for r in aci)


def test_the_missing_reports_export_neutralises_formulas(client, example):
    example["D"].name = '=HYPERLINK("http://evil.test";"Cliquez")'
    example["D"].save()
    client_for(client, staff())
    query = {"year": 2012, "department": "71"}
    rows = csv_rows(client.get(reverse("utilite:missing_export", args=["csv"]), query))
    assert rows[0] == [
        "SIRET",
        "Structure",
        "Type",
        "Département",
        "Statut du bilan",
        "Dernière relance",
    ]
    assert rows[1][:5] == [
        "71040000000018",
        '\'=HYPERLINK("http://evil.test";"Cliquez")',
        "EI",
        "71",
        "Aucun bilan",
    ]
    response = client.get(reverse("utilite:missing_export", args=["xlsx"]), query)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cell = sheet.cell(row=2, column=2)
    assert cell.data_type == "s" and cell.value.startswith("'=HYPERLINK")


# -- Who reads what ----------------------------------------------------------------------------


def test_a_director_reads_their_structures_groups_only(client, example):
    director = MembershipFactory(structure=example["A"], user__email="dir.a@example.org").user
    client_for(client, director)
    response = client.get(URL, {"year": 2012, "department": "71", "kind": "ACI"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "groupes de vos structures" in html
    # Never the list of missing structures nor the reminder.
    assert "Bilans manquants" not in html and "Structure D" not in html
    assert "Relancer" not in html
    # Their kind or all kinds, in their département or their région; nothing else.
    assert client.get(URL, {"year": 2012, "department": "71"}).status_code == 200
    assert client.get(URL, {"year": 2012}).status_code == 200
    assert client.get(URL, {"year": 2012, "kind": "EI"}).status_code == 400
    other = siae("21010000000016", "ACI", department="21")
    ReportFactory(structure=other, year=2012)
    assert client.get(URL, {"year": 2012, "department": "21"}).status_code == 404
    assert client.get(reverse("utilite:missing_export", args=["csv"])).status_code == 403
    response = client.post(reverse("utilite:remind", args=[example["D"].siret]), {"year": "2012"})
    assert response.status_code == 403
    # An employee of the structure reads the same groups (a documented decision).
    employee = MembershipFactory(
        structure=example["A"], role="salarie", user__email="sal.a@example.org"
    ).user
    client_for(client, employee)
    assert client.get(URL, {"year": 2012, "department": "71"}).status_code == 200


def test_staff_of_another_region_and_partners_are_refused(client, example):
    client_for(client, staff(region="44", email="ge@example.org"))
    assert client.get(URL, {"year": 2012, "department": "71"}).status_code == 404
    export = reverse("utilite:statistics_export", args=["csv"])
    assert client.get(export, {"year": 2012, "department": "71"}).status_code == 404
    # Their région holds none of the example: 2012 is no year of theirs.
    response = client.get(URL, {"year": 2012})
    assert response.status_code == 400 and "Structure D" not in response.content.decode()
    html = client.get(URL).content.decode()
    assert "Structure D" not in html and "0 bilan validé" in html
    response = client.post(reverse("utilite:remind", args=[example["D"].siret]), {"year": "2012"})
    assert response.status_code == 404
    client_for(client, UserFactory(email="ptn@example.org", role=Role.PARTENAIRE))
    assert client.get(URL).status_code == 403
    assert client.get(export).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302


# -- The reminder -------------------------------------------------------------------------------


def remind(client, structure, year="2012", **data):
    """The page the reminder leads back to, as its text (entities unescaped)."""
    response = client.post(
        reverse("utilite:remind", args=[structure.siret]), {"year": year, **data}, follow=True
    )
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_reminder_writes_once_to_the_structures_directors_and_once_a_day(client, example):
    d = example["D"]
    first = MembershipFactory(structure=d, user__email="dir1.d@example.org").user
    MembershipFactory(structure=d, user__email="dir2.d@example.org")
    MembershipFactory(structure=d, role="salarie", user__email="sal.d@example.org")
    MembershipFactory(structure=d, is_active=False, user__email="old.d@example.org")
    instructeur = staff()
    client_for(client, instructeur)
    assert "Relance envoyée à 2 directeurs" in remind(client, d, department="71")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["dir1.d@example.org", "dir2.d@example.org"]
    assert "bilan d'utilité sociale 2012" in message.subject
    assert "Structure D" in message.body and "pas encore été commencé" in message.body
    entries = AuditEntry.objects.filter(action=REMIND_ACTION, object_id=str(d.uuid))
    assert entries.count() == 1
    assert entries.get().actor == instructeur
    assert entries.get().changes == {"utilite_reminder_year": [None, 2012]}
    # The page says it was reminded today and offers no second button for it.
    page = html.unescape(client.get(URL, {"year": 2012, "department": "71"}).content.decode())
    assert "Relancée aujourd'hui" in page
    # Not twice the same day, whoever asks.
    client_for(client, staff(role=Role.CHEF_SERVICE, email="chef@example.org"))
    assert "déjà été relancée aujourd'hui" in remind(client, d)
    assert len(mail.outbox) == 1 and entries.count() == 1
    # The next day, again.
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    remind_missing_report(actor=first, structure=d, year=2012, today=tomorrow)
    assert len(mail.outbox) == 2 and entries.count() == 2


def test_no_reminder_for_a_report_no_longer_missing_nor_without_director(client, example):
    client_for(client, staff())
    assert "validé : il n'est plus attendu" in remind(client, example["A"])
    assert "aucun directeur actif" in remind(client, example["D"])
    assert mail.outbox == []
    assert not AuditEntry.objects.filter(action=REMIND_ACTION).exists()
    # Readers who do not write (élus) do not remind.
    client_for(client, staff(role=Role.LECTEUR, email="lec@example.org"))
    MembershipFactory(structure=example["D"], user__email="dir.d@example.org")
    assert (
        client.post(
            reverse("utilite:remind", args=[example["D"].siret]), {"year": "2012"}
        ).status_code
        == 403
    )
    assert mail.outbox == []


# -- Bad queries ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        {"year": "99999"},
        {"year": "abc"},
        {"department": "zz"},
        {"kind": "XX"},
        {"code": "nope"},
        {"year": "1" * 400},
    ],
)
def test_bad_queries_are_french_errors_never_500(client, example, query):
    client_for(client, staff())
    response = client.get(URL, {"year": 2012, "department": "71", **query})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ces statistiques n'existent pas" in html
    assert "Sélectionnez un choix valide" in html
    export = reverse("utilite:statistics_export", args=["csv"])
    assert client.get(export, {"year": 2012, **query}).status_code == 404


@pytest.mark.parametrize(
    "query",
    [{"year": "20\x0012"}, {"department": "7\x001"}, {"kind": "\x00"}, {"code": "x\x00"}],
)
def test_nul_bytes_are_refused_before_the_page(client, example, query):
    client_for(client, staff())
    for url in (URL, reverse("utilite:statistics_export", args=["xlsx"])):
        response = client.get(url, {"year": 2012, **query})
        assert response.status_code == 400
        assert "Requête refusée" in response.content.decode()


def test_a_bad_reminder_year_or_export_format_is_refused(client, example):
    client_for(client, staff())
    for year in ("", "abc", "99999", "\x00"):
        assert "Année du bilan à relancer invalide" in remind(client, example["D"], year=year)
    assert client.get("/utilite-sociale/statistiques/export.pdf").status_code == 404
    # A NUL byte or an unknown SIRET in the address: refused, never a 500.
    assert client.post("/utilite-sociale/statistiques/relancer/7104%00/").status_code in (400, 404)
    assert client.post("/utilite-sociale/statistiques/relancer/inconnu/").status_code == 404
    assert client.get("/utilite-sociale/bilans/7101%00/2012/radar/").status_code in (400, 404)
    assert client.get("/utilite-sociale/bilans/inconnu/99999/radar/").status_code == 404
    assert mail.outbox == []


# -- Queries ------------------------------------------------------------------------------------


def queries_for(client, query):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, query).status_code == 200
    return len(captured.captured_queries)


def test_the_page_makes_as_many_queries_whatever_the_number_of_reports(client, example):
    client_for(client, staff())
    query = {"year": 2012, "department": "71", "code": "prospective"}
    few = queries_for(client, query)
    for n in range(8):
        structure = siae(make_siret(500 + n), "ACI" if n % 2 else "EI")
        ReportFactory(structure=structure, year=2012)
        ReportFactory(structure=structure, year=2011)
        if n % 3 == 0:
            ReportFactory(
                structure=siae(make_siret(600 + n), "AI"), year=2012, status=ReportStatus.BROUILLON
            )
    assert queries_for(client, query) == few
