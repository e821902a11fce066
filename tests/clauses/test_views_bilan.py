"""The clauses bilan as people read it (clauses/views_bilan.py): the year never written as a
number, French labels on the page and in the CSV files it offers, and the facilitator's
bilan of the lots and départements they cover. The machine contracts (the command, the API)
keep clauses.md's keys."""

import csv
import datetime
import io
import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from clauses import perms
from clauses.bilan import clauses_bilan
from iae_portal.users.enums import Role
from structures.models import Department

from .factories import (
    FacilitatorFactory,
    FacilitatorMembershipFactory,
    HoursReportFactory,
    LotFactory,
)

pytestmark = pytest.mark.django_db

GROUPED_YEAR = re.compile(r"\b2[\s\u00a0\u202f]0\d\d\b")
# A code as the machine contracts write it: ``hours_by_public``, ``by_type.travaux``.
CODE = re.compile(r"\b[a-z]+(?:[_.][a-z]+)+\b")


def day(year):
    return datetime.date(year, 3, 1)


@pytest.fixture
def two_years():
    """Two contracts of 2025, one of 2026 (with 7 hours), hours of each public."""
    for ref in ("A", "B"):
        lot = LotFactory(marche__ref=f"M25-{ref}", marche__notification_date=day(2025))
        HoursReportFactory(lot=lot, public_category="deld", hours=10)
        HoursReportFactory(lot=lot, public_category="jeune_sans_qualification", hours=5)
    lot = LotFactory(marche__ref="M26", marche__notification_date=day(2026))
    HoursReportFactory(lot=lot, public_category="rsa", hours=7, period=datetime.date(2026, 4, 1))


def page(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("clauses:bilan"), params)
    assert response.status_code == 200
    return response.content.decode()


def hrefs(content, path):
    return [
        h.replace("&amp;", "&") for h in re.findall(rf'href="({re.escape(path)}[^"]*)"', content)
    ]


def rows(response):
    """The CSV a person downloads: for French Excel (BOM, ``;``)."""
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


# -- The year (issue 14, item 1)


def test_the_2026_bilan_says_2026_and_its_csv_is_2026s(client, instructeur, two_years):
    content = page(client, instructeur, year=2026)
    assert "Bilan des clauses sociales 2026" in content
    assert not GROUPED_YEAR.search(content), GROUPED_YEAR.search(content).group(0)
    links = hrefs(content, reverse("clauses:bilan_csv"))
    assert len(links) == 4 and all("year=2026" in link for link in links)
    response = client.get(links[0])
    assert 'filename="bilan-clauses-2026.csv"' in response["Content-Disposition"]
    figures = dict(rows(response)[1:])
    assert figures["Année"] == "2026"
    assert figures["Travaux — marchés notifiés"] == "1"
    assert figures["Travaux — heures réalisées"] == "7"


def test_a_year_that_is_not_one_answers_404(client, instructeur, two_years):
    client.force_login(instructeur)
    for name in ("clauses:bilan", "clauses:bilan_csv"):
        assert client.get(reverse(name), {"year": "2\u202f026"}).status_code == 404
        assert client.get(reverse(name), {"year": "99999"}).status_code == 404
    # Without a year: the latest year with contracts.
    assert "Bilan des clauses sociales 2026" in page(client, instructeur)


# -- French labels (issue 14, item 6)


def test_publics_are_shown_by_their_french_names(client, instructeur, two_years):
    content = page(client, instructeur, year=2025)
    assert "Demandeur d&#x27;emploi de longue durée" in content
    assert "Jeune sans qualification" in content
    for code in ("deld", "jeune_sans_qualification", "<code>"):
        assert code not in content


def test_the_csv_files_of_the_page_have_french_labels(client, instructeur, structure_a):
    lot = LotFactory(
        marche__buyer__name="Métropole du Grand Nancy",
        marche__buyer__kind="epci",
        marche__notification_date=day(2025),
        facilitator=FacilitatorFactory(name="PLIE du Grand Nancy"),
    )
    lot.facilitator.departments.set(Department.objects.filter(code__in=["54", "57"]))
    HoursReportFactory(lot=lot, modality="mise_a_disposition", siae=structure_a, hours="16.5")
    HoursReportFactory(lot=lot, modality="formation", public_category="senior", hours=4)
    client.force_login(instructeur)
    url = reverse("clauses:bilan_csv")
    figures = rows(client.get(url, {"year": 2025}))
    assert figures[0] == ["Indicateur", "Valeur"]
    values = dict(figures[1:])
    assert values["Travaux — part des marchés avec clause (%)"] == "100"
    assert values["Travaux — heures réalisées"] == "20,5"
    assert values["Heures par modalité — Mise à disposition (ETTI, AI)"] == "16,5"
    assert values["Heures par public — Senior"] == "4"
    assert values["Participants distincts"] == "2"
    tables = {
        name: rows(client.get(url, {"year": 2025, "tableau": name}))
        for name in ("acheteurs", "facilitateurs", "siae")
    }
    assert tables["acheteurs"] == [
        ["Acheteur", "Type d'acheteur", "Marchés", "Marchés avec clause", "Heures exigées", "Heures réalisées"],
        ["Métropole du Grand Nancy", "EPCI", "1", "1", "100", "20,5"],
    ]  # fmt: skip
    assert tables["facilitateurs"][1] == ["PLIE du Grand Nancy", "54, 57", "1", "100", "20,5", "2"]
    assert tables["siae"][1:] == [
        ["Atelier et chantier d'insertion", "1", "16,5"],
        ["Sans SIAE", "0", "4"],
    ]
    for table in [figures, *tables.values()]:
        for row in table:
            for cell in row:
                assert not CODE.search(cell), cell


def test_the_command_and_the_api_keep_clauses_md_keys(client, instructeur, two_years):
    out = io.StringIO()
    call_command("clauses_bilan", year=2025, format="csv", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "key,value" and "by_type.travaux.hours_realised,30" in lines
    assert "hours_by_public.jeune_sans_qualification,10" in lines
    client.force_login(instructeur)
    answer = client.get("/api/v1/clauses/bilan/", {"year": 2025}).json()
    assert answer == json.loads(json.dumps(clauses_bilan(2025)))
    assert answer["hours_by_public"] == {"deld": 20, "jeune_sans_qualification": 10}


# -- Facilitators (issue 14, item 16)


@pytest.fixture
def territory():
    """PLIE covers 54. Lots of 2025: ``own`` (PLIE's, executed in 57), ``local`` (another
    relay's, executed in 54), ``unplaced`` (a relay covering 54, no execution département),
    ``away`` (another relay's, executed in 88): the PLIE's bilan has the first three."""
    plie = FacilitatorFactory(name="PLIE du Grand Nancy")
    plie.departments.set(Department.objects.filter(code="54"))
    relay = FacilitatorFactory(name="Relais lorrain")
    relay.departments.set(Department.objects.filter(code__in=["54", "88"]))
    other = FacilitatorFactory(name="Relais vosgien")
    user = FacilitatorMembershipFactory(facilitator=plie, user__role=Role.FACILITATEUR).user

    def lot(facilitator, department, hours, marche_type="travaux"):
        made = LotFactory(
            facilitator=facilitator,
            marche__notification_date=day(2025),
            marche__type=marche_type,
            marche__department=Department.objects.get(code=department) if department else None,
        )
        HoursReportFactory(lot=made, hours=hours)
        return made

    lots = {
        "own": lot(plie, "57", 10),
        "local": lot(relay, "54", 20, "services"),
        "unplaced": lot(relay, None, 40),
        "away": lot(other, "88", 80),
    }
    return user, lots


def test_a_facilitator_gets_the_bilan_of_their_lots_and_departements(client, territory):
    user, lots = territory
    scope = perms.bilan_lots(user)
    assert set(scope) == {lots["own"], lots["local"], lots["unplaced"]}
    client.force_login(user)
    response = client.get(reverse("clauses:bilan"), {"year": 2025})
    assert response.status_code == 200
    bilan = response.context["bilan"]
    assert bilan == clauses_bilan(2025, lots=scope)
    assert bilan["by_type"]["travaux"]["marches"] == 2
    assert bilan["by_type"]["travaux"]["hours_realised"] == 50
    assert bilan["by_type"]["services"]["hours_realised"] == 20
    assert bilan["participants"] == 3
    content = response.content.decode()
    assert "PLIE du Grand Nancy" in content and "54 Meurthe-et-Moselle" in content
    assert "Relais vosgien" not in content
    figures = dict(rows(client.get(reverse("clauses:bilan_csv"), {"year": 2025}))[1:])
    assert figures["Travaux — heures réalisées"] == "50"
    facilitators = rows(
        client.get(reverse("clauses:bilan_csv"), {"year": 2025, "tableau": "facilitateurs"})
    )
    assert [row[0] for row in facilitators[1:]] == ["PLIE du Grand Nancy", "Relais lorrain"]
    # The API gives them the same figures, with the command's keys.
    answer = client.get("/api/v1/clauses/bilan/", {"year": 2025})
    assert answer.status_code == 200 and answer.json() == json.loads(json.dumps(bilan))
    # Their list of contracts offers the bilan.
    assert reverse("clauses:bilan") in client.get(reverse("clauses:list")).content.decode()


def test_the_clause_officer_still_gets_every_lot(client, instructeur, territory):
    assert perms.bilan_lots(instructeur) is None
    content = page(client, instructeur, year=2025)
    assert "Relais vosgien" in content


def test_a_facilitator_without_a_membership_and_a_director_get_nothing(
    client, director_a, territory
):
    user, _ = territory
    user.facilitator_memberships.update(is_active=False)
    client.force_login(user)
    response = client.get(reverse("clauses:bilan"), {"year": 2025})
    assert response.status_code == 200
    assert response.context["bilan"]["participants"] == 0
    client.force_login(director_a)
    for name in ("clauses:bilan", "clauses:bilan_csv"):
        assert client.get(reverse(name), {"year": 2025}).status_code == 403
