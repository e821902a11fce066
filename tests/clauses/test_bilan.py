import datetime

import pytest

from clauses.bilan import clauses_bilan
from clauses.models import Buyer, HoursReport, Lot, Marche


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
    make_marches(3)
    with django_assert_num_queries(6):
        small = clauses_bilan(2011)
    make_marches(40, start=3)
    with django_assert_num_queries(6):
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
