"""A report's radar (``presenters.radar_for``, ``utilite:report_radar``): its axis scores,
its structure's previous validated years, the medians of its kind in its département from
the bilan's statistics when three grids or more give them."""

import html
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from iae_portal.users.enums import Role
from structures.models import Region
from tests.structures.factories import MembershipFactory, UserFactory, make_siret
from utilite.enums import ReportStatus
from utilite.indicators import AXIS_CODES
from utilite.presenters import radar_for

from .factories import ReportFactory, full_grid, siae, worked_example

pytestmark = pytest.mark.django_db


def bilan_axes(year, department, kind):
    out = io.StringIO()
    call_command(
        "utilite_sociale_bilan", "--year", str(year), "--department", department, stdout=out
    )
    groups = json.loads(out.getvalue())["groups"]
    return next(g for g in groups if g["kind"] == kind)["axes"]


def series_named(radar):
    return [item["name"] for item in radar["chart"]["legend"]]


def test_the_radar_compares_the_year_with_earlier_years_and_the_medians_of_its_group():
    structures = worked_example()
    a = structures["A"]
    # A third ACI in the 71 for 2012: the group (71, ACI) has three grids.
    third = siae(make_siret(4242), "ACI")
    ReportFactory(structure=third, year=2012, grid_participants=3, grid_scores=full_grid(3))
    # A's earlier years: two validated with a grid are shown, the oldest and those without
    # grid or not validated are not.
    for year, status, grid in (
        (2011, ReportStatus.VALIDE, full_grid(1)),
        (2010, ReportStatus.VALIDE, {}),
        (2009, ReportStatus.VALIDE, full_grid(0)),
        (2008, ReportStatus.VALIDE, full_grid(3)),
    ):
        ReportFactory(structure=a, year=year, status=status, grid_participants=3, grid_scores=grid)
    report = a.social_reports.get(year=2012)
    radar = radar_for(report)
    names = series_named(radar)
    assert names[:3] == ["2012", "2011", "2009"]
    assert names[3] == "Médiane des ACI du département 71 (3 grilles validées)"
    assert radar["notes"] == []
    medians = bilan_axes(2012, "71", "ACI")
    rows = {row["code"]: row["values"] for row in radar["chart"]["rows"]}
    assert list(rows) == list(AXIS_CODES)
    for code in AXIS_CODES:
        expected = f"{medians[code]['median']:.2f}".rstrip("0")
        expected = expected + "0" if expected.endswith(".") else expected
        assert rows[code][3] == expected.replace(".", ","), code
    assert rows["prospective"][:3] == ["1,3", "1,0", "0,0"]


def test_under_three_grids_the_medians_are_not_drawn_and_it_is_said():
    structures = worked_example()
    radar = radar_for(structures["A"].social_reports.get(year=2012))
    assert len(radar["chart"]["legend"]) == 1
    assert radar["notes"] == [
        "La médiane des ACI du département 71 n'est pas montrée : moins de 3 grilles "
        "validées en 2012."
    ]


def test_a_report_without_grid_has_no_radar_and_a_draft_says_so():
    structure = siae(make_siret(4343), "ACI", year=2020)
    assert radar_for(ReportFactory(structure=structure, year=2020)) is None
    draft = ReportFactory(
        structure=structure,
        year=2021,
        status=ReportStatus.BROUILLON,
        grid_participants=3,
        grid_scores=full_grid(2),
    )
    assert series_named(radar_for(draft))[0] == "2021 (brouillon)"


def test_the_radar_page_is_for_those_who_read_the_report(client):
    structures = worked_example()
    a = structures["A"]
    url = reverse("utilite:report_radar", args=[a.siret, 2012])
    director = MembershipFactory(structure=a, user__email="dir.a@example.org").user
    client.force_login(director)
    response = client.get(url)
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Auto-évaluation DTS 2012 — Structure A" in page
    assert 'class="radar-wide"' in page and 'class="radar-compact"' in page
    assert "Sécurisation des parcours" in page
    # Another structure's director, staff of another region: 404.
    client.force_login(MembershipFactory(structure=structures["B"]).user)
    assert client.get(url).status_code == 404
    other = UserFactory(
        email="ge@example.org", role=Role.INSTRUCTEUR, region=Region.objects.get(code="44")
    )
    client.force_login(other)
    assert client.get(url).status_code == 404
    client.force_login(
        UserFactory(
            email="bfc@example.org", role=Role.LECTEUR, region=Region.objects.get(code="27")
        )
    )
    assert client.get(url).status_code == 200
    assert client.get(reverse("utilite:report_radar", args=[a.siret, 1999])).status_code == 404
