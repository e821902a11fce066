import datetime

import pytest

from clauses.bilan import breakdowns, clauses_bilan
from clauses.models import Buyer, HoursReport, Lot, Marche
from structures.models import Department
from tests.structures.factories import StructureFactory

from .factories import FacilitatorFactory, HoursReportFactory, LotFactory


def make_marches(count, start=0):
    buyer, _ = Buyer.objects.get_or_create(name="Région", kind="region")
    for n in range(start, start + count):
        marche = Marche.objects.create(
            ref=f"M{n}",
            buyer=buyer,
            notification_date=datetime.date(2011, 1 + n % 12, 1),
            type=("travaux", "services")[n % 2],
            amount_ht=1000,
        )
        lot = Lot.objects.create(
            marche=marche,
            ref="L1",
            object="x",
            procedure="mapa",
            amount_ht=500,
            clause="marche_reserve",
            hours_required=10,
        )
        HoursReport.objects.create(
            lot=lot,
            period=datetime.date(2011, 2, 1),
            participant_ref=f"P{n}",
            public_category="rsa",
            modality="formation",
            hours="2.5",
        )


@pytest.mark.django_db
def test_an_empty_year_has_the_three_types():
    bilan = clauses_bilan(2030)
    assert list(bilan["by_type"]) == ["travaux", "services", "fournitures"]
    assert bilan["by_type"]["services"] == {
        "marches": 0,
        "marches_with_clause": 0,
        "share_with_clause": 0.0,
        "hours_required": 0,
        "hours_realised": 0,
    }
    assert bilan["participants"] == 0 and bilan["hours_by_modality"] == {}


@pytest.mark.django_db
def test_hours_that_are_not_whole_stay_decimal():
    make_marches(1)
    bilan = clauses_bilan(2011)
    assert bilan["by_type"]["travaux"]["hours_realised"] == 2.5
    assert bilan["by_type"]["travaux"]["share_with_clause"] == 1.0


@pytest.mark.django_db
def test_the_bilan_runs_a_fixed_number_of_queries(django_assert_num_queries):
    # Six for clauses.md's figures, two for the programme of planned purchases.
    make_marches(3)
    with django_assert_num_queries(8):
        small = clauses_bilan(2011)
    make_marches(40, start=3)
    with django_assert_num_queries(8):
        large = clauses_bilan(2011)
    assert small["participants"] == 3 and large["participants"] == 43
    assert large["hours_by_public"] == {"rsa": 107.5}


@pytest.mark.django_db
def test_the_share_is_rounded_half_up_on_the_exact_quotient():
    # 1 contract with a clause of 16: 0.0625 exactly, which a float rounds to 0.062.
    make_marches(1)
    buyer = Buyer.objects.get()
    Marche.objects.bulk_create(
        Marche(
            ref=f"N{n}",
            buyer=buyer,
            notification_date=datetime.date(2011, 5, 1),
            type="travaux",
            amount_ht=1,
        )
        for n in range(15)
    )
    assert clauses_bilan(2011)["by_type"]["travaux"]["share_with_clause"] == 0.063


@pytest.fixture
def year_2011(db):
    """Two buyers, two facilitators (one covering 54 and 57), a lot without facilitator,
    hours through an ACI, an EI and without SIAE; a 2010 contract with 2011 hours."""
    plie = FacilitatorFactory(name="PLIE A")
    plie.departments.set(Department.objects.filter(code__in=["57", "54"]))
    relay = FacilitatorFactory(name="Relais B")
    aci, ei = StructureFactory(kind="ACI"), StructureFactory(kind="EI")
    day = datetime.date(2011, 4, 1)
    first = LotFactory(
        marche__buyer__name="Région",
        marche__notification_date=day,
        facilitator=plie,
        hours_required=100,
    )
    LotFactory(marche=first.marche, clause="none", facilitator=None, hours_required=40)
    second = LotFactory(
        marche__buyer__name="Ville",
        marche__notification_date=day,
        facilitator=relay,
        hours_required=50,
    )
    orphan = LotFactory(
        marche__buyer__name="Ville",
        marche__notification_date=day,
        facilitator=None,
        hours_required=7,
    )
    LotFactory(marche__buyer__name="Ville", marche__notification_date=day, clause="none")
    old = LotFactory(
        marche__buyer__name="Région", marche__notification_date=datetime.date(2010, 6, 1)
    )
    period = datetime.date(2011, 9, 1)
    for lot, ref, modality, siae, hours in [
        (first, "P1", "mise_a_disposition", aci, 30),
        (first, "P2", "embauche_directe", None, "12.5"),
        (second, "P1", "sous_traitance_siae", ei, 20),
        (second, "P3", "sous_traitance_siae", aci, 5),
        (orphan, "P4", "formation", None, 2),
        (old, "P9", "mise_a_disposition", aci, 99),
    ]:
        HoursReportFactory(
            lot=lot, period=period, participant_ref=ref, modality=modality, siae=siae, hours=hours
        )
    return plie, relay


@pytest.mark.django_db
def test_breakdowns_per_buyer_facilitator_and_siae_kind(year_2011):
    plie, relay = year_2011
    tables = breakdowns(2011)
    assert [
        (
            r["buyer"].name,
            r["marches"],
            r["marches_with_clause"],
            r["hours_required"],
            r["hours_realised"],
        )
        for r in tables["buyers"]
    ] == [("Région", 1, 1, 100, 42.5), ("Ville", 3, 2, 57, 27)]
    assert [
        (
            r["facilitator"],
            r["territory"],
            r["lots"],
            r["hours_required"],
            r["hours_realised"],
            r["participants"],
        )
        for r in tables["facilitators"]
    ] == [
        (plie, ["54", "57"], 1, 100, 42.5, 2),
        (relay, [], 1, 50, 25, 2),
        (None, [], 1, 7, 2, 1),
    ]
    assert [(r["kind"], r["siae"], r["hours"]) for r in tables["siae_kinds"]] == [
        ("ACI", 1, 35),
        ("EI", 1, 20),
        (None, 0, 14.5),
    ]
    # The tables add up to the bilan's figures.
    bilan = clauses_bilan(2011)
    realised = sum(row["hours_realised"] for row in bilan["by_type"].values())
    assert sum(r["hours_realised"] for r in tables["buyers"]) == realised == 69.5
    assert sum(r["hours_realised"] for r in tables["facilitators"]) == realised
    assert sum(r["hours"] for r in tables["siae_kinds"]) == realised
    assert sum(r["marches"] for r in tables["buyers"]) == sum(
        row["marches"] for row in bilan["by_type"].values()
    )


@pytest.mark.django_db
def test_breakdowns_run_a_fixed_number_of_queries(django_assert_max_num_queries):
    make_marches(3)
    with django_assert_max_num_queries(8):
        small = breakdowns(2011)
    make_marches(40, start=3)
    with django_assert_max_num_queries(8):
        large = breakdowns(2011)
    assert small["buyers"][0]["marches"] == 3 and large["buyers"][0]["marches"] == 43
