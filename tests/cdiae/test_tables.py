"""Each table of the CDIAE report against the page or bilan its figures come from: the
structures list, the campaign dashboard and the instruction queue, ``dla_bilan`` and
``clauses_bilan`` over the same territory."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from clauses.bilan import clauses_bilan
from clauses.cdiae import scope_lots, scope_purchases
from dla.bilan import dla_bilan
from iae_portal.cdiae import registry
from iae_portal.cdiae.report import build_report
from structures.models import Structure
from tests.cdiae.conftest import YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture
def moselle(world):
    return registry.resolve_scope("department", "57")


@pytest.fixture
def grand_est_scope(world):
    return registry.resolve_scope("region", "44")


def table(scope, key, year=YEAR):
    tables = {t.key: t for t in registry.tables()}
    return tables[key].compute(scope, year)


def test_the_tables_in_their_order():
    assert [t.key for t in registry.tables()] == [
        "structures_by_kind",
        "aid_by_scheme",
        "financing_by_funder",
        "dla_bilan",
        "clauses_bilan",
        "structures_without_aid",
        "partner_opinions",
        "social_utility",
    ]


def test_scopes_resolve_and_refuse_what_is_not_a_code(world):
    moselle = registry.resolve_scope("department", "57")
    assert (moselle.name, moselle.region_code, moselle.departments) == ("Moselle", "44", ("57",))
    assert moselle.label == "Moselle (57)"
    region = registry.resolve_scope("region", "44")
    assert region.label == "Région Grand Est" and len(region.departments) == 10
    assert "57" in region.departments and "75" not in region.departments
    for kind, code in [
        ("department", "zz"),
        ("department", "5\x007"),
        ("region", "99"),
        ("department", "9" * 40),
        ("county", "57"),
        ("department", ""),
    ]:
        assert registry.resolve_scope(kind, code) is None


def test_structures_by_kind_equal_the_structures_list(client, world, moselle, instructeur):
    result = table(moselle, "structures_by_kind")
    rows = {row["kind"]: row for row in result.rows}
    assert list(rows) == ["ACI", "AI", "EI", "ETTI", "EITI", "GEIQ", "RQ"]
    client.force_login(instructeur)
    for kind, row in rows.items():
        page = client.get(reverse("structures:list"), {"kind": kind, "department": "57"})
        assert row["structures"] == page.context["page"].paginator.count, kind
    assert result.totals["structures"] == 4  # the association is not an SIAE
    aci, ei, ai = rows["ACI"], rows["EI"], rows["AI"]
    assert (aci["conventioned"], aci["new"], aci["closed"]) == (1, 0, 0)
    assert (ei["conventioned"], ei["new"], ei["closed"]) == (1, 1, 0)
    assert (ai["conventioned"], ai["new"], ai["closed"]) == (1, 0, 1)
    assert rows["ETTI"]["conventioned"] == 0
    # The yearly figures of 2026 only, summed as the structures' pages show them.
    assert (aci["figures"], aci["insertion_headcount"], aci["insertion_etp"]) == (
        1,
        40,
        Decimal("25.50"),
    )
    assert result.totals["insertion_headcount"] == 52
    assert result.totals["insertion_etp"] == Decimal("35.50")
    assert result.totals["permanent_headcount"] == 9
    assert result.totals["permanent_etp"] == Decimal("7.75")


def test_a_convention_in_force_at_the_end_of_the_year_as_the_list_filter_sees_it(world, moselle):
    # The list's « conventionnement en cours » on 31 December counts the conventioned that
    # did not leave during the year.
    rows = {row["kind"]: row for row in table(moselle, "structures_by_kind").rows}
    active = (
        Structure.objects.siae()
        .in_department("57")
        .with_active_convention(day=datetime.date(YEAR, 12, 31))
    )
    assert active.count() == sum(row["conventioned"] - row["closed"] for row in rows.values())


def test_aid_by_scheme_equals_the_campaign_dashboard_of_the_region(
    client, world, grand_est_scope, instructeur
):
    result = table(grand_est_scope, "aid_by_scheme")
    client.force_login(instructeur)  # staff of Grand Est: Paris's dossier is not theirs
    figures = client.get(world.campaign.get_absolute_url()).context["figures"]
    drafts = {code: count for code, _, count in figures["states"]}["brouillon"]
    (row,) = result.rows
    assert row["campaigns"] == 1
    assert row["dossiers"] == result.totals["dossiers"] == figures["total"] - drafts == 5
    for name in ("requested", "voted", "paid"):
        assert row[name] == result.totals[name] == figures["amounts"][name], name
    assert result.totals["voted"] == Decimal("50000.00")
    assert result.totals["structures"] == 4


def test_aid_by_scheme_of_a_department_equals_the_queue_filtered_on_it(
    client, world, moselle, instructeur
):
    result = table(moselle, "aid_by_scheme")
    client.force_login(instructeur)
    page = client.get(
        reverse("aides:queue"),
        {"campaign": str(world.campaign.uuid), "department": "57", "closed": "on"},
    )
    assert result.totals["dossiers"] == page.context["page"].paginator.count == 4
    assert result.totals["requested"] == Decimal("81000.00")  # not the withdrawn, not the draft
    assert result.totals["voted"] == Decimal("40000.00")
    assert result.totals["paid"] == Decimal("20000.00")
    assert result.totals["structures"] == 3  # the EI filed twice


def test_financing_by_funder(world, moselle, grand_est_scope):
    result = table(moselle, "financing_by_funder")
    rows = {row["funder"]: row for row in result.rows}
    assert list(rows) == ["region", "etat_aide_poste", "departement", "fondation", "fonds_propres"]
    assert rows["region"]["granted"] == Decimal("40000.00")  # voted
    assert rows["etat_aide_poste"]["granted"] == Decimal("30000.00")
    assert rows["departement"]["requested"] == Decimal("20000.00")
    assert rows["fondation"]["refused"] == Decimal("5000.00")
    assert rows["fondation"]["counted"] == 0
    assert result.totals["counted"] == Decimal("95000.00")
    assert result.details == {"plans": 1, "total_cost": "100000.00"}
    region = {row["funder"]: row for row in table(grand_est_scope, "financing_by_funder").rows}
    assert region["departement"]["plans"] == 2
    assert region["departement"]["counted"] == Decimal("30000.00")


def test_dla_bilan_is_the_commands(world, moselle, grand_est_scope):
    result = table(moselle, "dla_bilan")
    assert result.details == dla_bilan(YEAR, departments=["57"])
    assert result.details["prestations"] == 1
    figures = {row["key"]: row for row in result.rows}
    assert figures["prestations"]["value"] == 1 and figures["prestations"]["kind"] == "count"
    assert figures["mode_shares.individuelle"]["kind"] == "share"
    region = table(grand_est_scope, "dla_bilan")
    assert region.details == dla_bilan(YEAR, departments=list(grand_est_scope.departments))
    assert region.details["prestations"] == 2


def test_clauses_bilan_is_the_commands_over_the_lots_of_the_territory(world, moselle):
    result = table(moselle, "clauses_bilan")
    assert result.details == clauses_bilan(
        YEAR, lots=scope_lots(moselle), purchases=scope_purchases(moselle)
    )
    travaux = result.details["by_type"]["travaux"]
    assert (travaux["marches"], travaux["hours_required"], travaux["hours_realised"]) == (
        1,
        300,
        127.5,
    )
    figures = {row["key"]: row for row in result.rows}
    assert figures["by_type.travaux.hours_realised"]["kind"] == "hours"
    assert figures["participants"]["value"] == 2


def test_structures_without_aid_for_three_years(world, moselle):
    result = table(moselle, "structures_without_aid")
    rows = {row["name"]: row for row in result.rows}
    # The ACI was voted an aid in 2026, the AI in 2025; the EI was refused; the ETTI only
    # has a draft; the association is not an SIAE.
    assert list(rows) == ["Entreprise de Thionville", "Intérim de Sarreguemines"]
    assert rows["Entreprise de Thionville"]["dossiers"] == 2
    assert rows["Intérim de Sarreguemines"]["dossiers"] == 0
    assert result.details == {"structures": 2, "first_year": YEAR - 2, "last_year": YEAR}
    # Four years later, the AI's aid of 2025 is out of the window.
    later = {row["name"]: row for row in table(moselle, "structures_without_aid", YEAR + 3).rows}
    assert later["Association de Forbach"]["last_aid_year"] == str(YEAR - 1)


def test_partner_opinions_count_the_latest_opinion_of_each_request(world, moselle):
    result = table(moselle, "partner_opinions")
    (row,) = result.rows
    assert row["organisation"] == "DDETS de la Moselle"
    assert row["requests"] == 2
    assert (row["favorable"], row["favorable_reserves"], row["opinions"]) == (1, 0, 1)
    assert table(registry.resolve_scope("department", "54"), "partner_opinions").rows == []


def test_the_report_reports_its_progress(world, moselle):
    seen = []
    report = build_report(moselle, YEAR, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(n, 9) for n in range(9)]
    assert len(report.parts) == 8


def test_a_report_of_an_empty_year_has_every_table_with_nothing_in_it(world, moselle):
    report = build_report(moselle, 2001)
    assert len(report.parts) == 8
    for table_, result in report.parts:
        if table_.key in ("structures_by_kind", "structures_without_aid"):
            continue  # the directory's structures are there whatever the year
        assert not any((result.totals or {}).values()), table_.key
