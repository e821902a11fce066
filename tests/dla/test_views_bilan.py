"""The DLA bilan as people read it (dla/views.py, the bilan's part): the year never written
as a number in the page, its links and its files, and French labels in the CSV the page
offers; the ``dla_bilan`` command keeps dla.md's keys."""

import csv
import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.prepared_files import download
from tests.structures.factories import StructureFactory

from .factories import AccompanimentFactory, PrestationFactory, chargé, dla_of

pytestmark = pytest.mark.django_db

GROUPED_YEAR = re.compile(r"\b2[\s\u00a0\u202f]0\d\d\b")
CODE = re.compile(r"\b[a-z]+(?:[_.][a-z]+)+\b")


@pytest.fixture
def year_2026():
    """Three prestations of 2026 in 54 (two individual, one collective) for an ACI and an
    EI, one of 2025; the DLA of 57 has none."""
    dla_of("57")
    aci, ei = StructureFactory(kind="ACI"), StructureFactory(kind="EI")
    for n, (mode, theme, year) in enumerate(
        [
            ("individuelle", "strategie_consolidation", 2026),
            ("individuelle", "ressources_humaines", 2026),
            ("collective", "mutualisation", 2026),
            ("individuelle", "juridique", 2025),
        ]
    ):
        PrestationFactory(
            accompaniment=AccompanimentFactory(dla=dla_of("54")),
            mode=mode,
            theme=theme,
            prescriber="reseau_iae" if n == 0 else "structure",
            start_date=datetime.date(year, 2, 1),
            end_date=datetime.date(year, 6, 1),
            beneficiaries=[aci, ei] if n == 2 else [aci],
        )


def rows(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_the_page_and_its_links_write_the_year_as_a_year(client, instructeur, year_2026):
    client.force_login(instructeur)
    content = client.get(reverse("dla:bilan"), {"year": 2026}).content.decode()
    assert not GROUPED_YEAR.search(content)
    links = [
        h.replace("&amp;", "&")
        for h in re.findall(r'href="(/dla/bilan\.(?:csv|pdf)[^"]*)"', content)
    ]
    assert len(links) == 2 and all("year=2026" in link for link in links)
    response = client.get(links[0])
    assert 'filename="bilan-dla-2026.csv"' in response["Content-Disposition"]
    assert dict(rows(response)[1:])["Année"] == "2026"


def test_the_csv_of_the_page_has_french_labels(client, instructeur, year_2026):
    client.force_login(instructeur)
    response = client.get(reverse("dla:bilan_csv"), {"year": 2026, "department": "54"})
    assert 'filename="bilan-dla-2026-54.csv"' in response["Content-Disposition"]
    table = rows(response)
    assert table[0] == ["Indicateur", "Valeur"]
    values = dict(table[1:])
    assert values["Département"] == "54 — Meurthe-et-Moselle"
    assert values["Prestations avec au moins une SIAE bénéficiaire"] == "3"
    assert values["SIAE bénéficiaires"] == "2"
    assert values["Part des prestations individuelles (%)"] == "66,7"
    assert values["Part des SIAE bénéficiaires par type — Entreprise d'insertion (%)"] == "50"
    assert values["Thèmes des prestations individuelles — Stratégie de consolidation (%)"] == "50"
    assert values["Thèmes des prestations collectives — Mutualisation (%)"] == "100"
    assert values["Prestations individuelles prescrites par un réseau (%)"] == "50"
    assert "Salariés en insertion des SIAE bénéficiaires" in values
    for row in table:
        for cell in row:
            assert not CODE.search(cell), cell


def test_the_command_keeps_dla_md_keys(year_2026):
    out = io.StringIO()
    call_command("dla_bilan", year=2026, format="csv", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "key,value"
    assert "siae_beneficiaries,2" in lines and "mode_shares.individuelle,0.667" in lines
    assert "themes.collective.mutualisation,1.0" in lines


def test_a_chargés_files_name_their_dla(client, year_2026):
    client.force_login(chargé("dla.57@example.org", "57"))
    response = client.get(reverse("dla:bilan_csv"), {"year": 2026})
    assert 'filename="bilan-dla-2026-57.csv"' in response["Content-Disposition"]
    values = dict(rows(response)[1:])
    assert values["Département"] == "57 — Moselle"
    assert values["Prestations avec au moins une SIAE bénéficiaire"] == "0"
    page = client.get(reverse("dla:bilan"), {"year": 2026}).content.decode()
    assert "DLA du département 57" in page
    response, _ = download(client, reverse("dla:bilan_pdf"), {"year": 2026})
    assert 'filename="bilan-dla-2026-57.pdf"' in response["Content-Disposition"]
