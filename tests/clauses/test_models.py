from decimal import Decimal

import pytest
from django.db import IntegrityError

from clauses.models import Buyer, HoursReport, Lot, Marche, hours_from_amount


@pytest.mark.parametrize(
    ("amount", "labour", "rate", "cost", "hours"),
    [
        (Decimal("100000"), Decimal("0.4"), Decimal("0.07"), Decimal("35"), 80),
        (Decimal("1000"), Decimal("0.5"), Decimal("0.1"), Decimal("20"), 3),  # 2.5 → 3
        (Decimal("1000"), Decimal("0.5"), Decimal("0.1"), Decimal("21"), 2),  # 2.38 → 2
        ("0", "0.4", "0.07", "35", 0),
    ],
)
def test_hours_from_amount_rounds_half_up(amount, labour, rate, cost, hours):
    assert hours_from_amount(amount, labour, rate, cost) == hours


def test_hours_from_amount_refuses_a_null_cost():
    with pytest.raises(ValueError, match="coût horaire"):
        hours_from_amount(1000, "0.5", "0.1", 0)


@pytest.fixture
def marche(db):
    buyer = Buyer.objects.create(name="Région", kind="region")
    return Marche.objects.create(
        ref="M1", buyer=buyer, notification_date="2011-01-01", type="travaux", amount_ht=10
    )


def test_negative_amounts_are_refused_by_the_database(marche):
    with pytest.raises(IntegrityError):
        Lot.objects.create(
            marche=marche, ref="L1", object="x", procedure="mapa", amount_ht=-1, clause="none"
        )


def test_a_report_without_siae_is_unique(marche):
    lot = Lot.objects.create(
        marche=marche, ref="L1", object="x", procedure="mapa", amount_ht=1, clause="marche_reserve"
    )
    values = {
        "lot": lot,
        "period": "2011-01-01",
        "participant_ref": "P1",
        "public_category": "rsa",
        "modality": "embauche_directe",
        "hours": 1,
    }
    HoursReport.objects.create(**values)
    with pytest.raises(IntegrityError):
        HoursReport.objects.create(**values)


@pytest.mark.parametrize(
    "factors",
    [{"labour_share": "1.5"}, {"insertion_rate": "-0.1"}, {"hourly_cost": "0"}],
)
def test_hours_factors_are_checked_by_the_database(db, factors):
    with pytest.raises(IntegrityError):
        Buyer.objects.create(name="Acheteur", kind="commune", **factors)


def test_a_lot_with_hours_cannot_lose_its_clause(marche):
    from django.core.exceptions import ValidationError

    lot = Lot.objects.create(
        marche=marche, ref="L1", object="x", procedure="mapa", amount_ht=1, clause="marche_reserve"
    )
    lot.clause = "none"
    lot.full_clean()  # no hours yet: allowed
    HoursReport.objects.create(
        lot=lot,
        period="2011-01-01",
        participant_ref="P1",
        public_category="rsa",
        modality="embauche_directe",
        hours=1,
    )
    with pytest.raises(ValidationError, match="heures déclarées"):
        lot.full_clean()
