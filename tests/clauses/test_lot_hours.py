"""The hours a lot requires, computed (clauses.md: amount × labour share × insertion rate /
hourly cost, rounded to the hour) or typed, by the clause officer."""

import html
from decimal import Decimal

import pytest
from django.urls import reverse

from iae_portal.audit.models import AuditEntry

from .factories import LotFactory

pytestmark = pytest.mark.django_db


def post(client, user, lot, **data):
    client.force_login(user)
    return client.post(reverse("clauses:lot_hours", args=[lot.uuid]), data)


@pytest.mark.parametrize(
    ("amount", "cost", "hours"),
    [
        ("1000", "20", 3),  # 2.5 exactly: half up
        ("1000", "21", 2),  # 2.38
        ("99990", "2000", 2),  # 2.49975: just under the half
        ("100010", "2000", 3),  # 2.50025
    ],
)
def test_computed_hours_round_to_the_hour_half_up(client, instructeur, amount, cost, hours):
    lot = LotFactory(amount_ht=amount, hours_required=0)
    response = post(
        client,
        instructeur,
        lot,
        method="calcul",
        labour_share="50",
        insertion_rate="10",
        hourly_cost=cost,
    )
    assert response.status_code == 302
    lot.refresh_from_db()
    assert lot.hours_required == hours
    assert (lot.labour_share, lot.insertion_rate) == (Decimal("0.5"), Decimal("0.1"))


def test_empty_factors_take_the_buyers_defaults(client, instructeur):
    lot = LotFactory(
        amount_ht=100_000,
        marche__buyer__labour_share=Decimal("0.4"),
        marche__buyer__insertion_rate=Decimal("0.07"),
        marche__buyer__hourly_cost=Decimal("35"),
    )
    post(client, instructeur, lot, method="calcul")
    lot.refresh_from_db()
    assert lot.hours_required == 80 and lot.labour_share is None
    # The lot's own rate wins over the buyer's: 100,000 × 0.4 × 0.1 / 35 = 114.3.
    post(client, instructeur, lot, method="calcul", insertion_rate="10")
    lot.refresh_from_db()
    assert lot.hours_required == 114 and lot.insertion_rate == Decimal("0.1")


def test_a_missing_factor_without_default_is_refused_in_french(client, instructeur):
    lot = LotFactory(hours_required=100)
    response = post(client, instructeur, lot, method="calcul", labour_share="40")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "l'acheteur n'a pas de valeur par défaut" in errors["insertion_rate"][0]
    lot.refresh_from_db()
    assert lot.hours_required == 100 and not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"method": "saisie"}, "Saisissez le nombre d'heures exigées"),
        ({"method": "saisie", "hours": "-3"}, "supérieure ou égale à 0"),
        (
            {"method": "calcul", "labour_share": "140", "insertion_rate": "7", "hourly_cost": "35"},
            "inférieure ou égale à 100",
        ),
        (
            {"method": "calcul", "labour_share": "40", "insertion_rate": "7", "hourly_cost": "0"},
            "strictement positif",
        ),
    ],
)
def test_bad_values_are_refused_in_french(client, instructeur, data, message):
    lot = LotFactory(hours_required=100)
    response = post(client, instructeur, lot, **data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in error for field_errors in errors.values() for error in field_errors)
    lot.refresh_from_db()
    assert lot.hours_required == 100


def test_typed_hours_and_the_audit_entry(client, chef_service):
    lot = LotFactory(hours_required=100)
    post(client, chef_service, lot, method="saisie", hours="250")
    lot.refresh_from_db()
    assert lot.hours_required == 250
    entry = AuditEntry.objects.get(action="clauses.lot_hours")
    assert entry.actor == chef_service and entry.object_id == str(lot.uuid)
    assert entry.changes == {"hours_required": [100, 250]} and entry.reason == "heures saisies"


def test_a_lot_without_clause_has_no_hours_to_set(client, instructeur):
    lot = LotFactory(clause="none", hours_required=0)
    assert post(client, instructeur, lot, method="saisie", hours="5").status_code == 403


def test_the_contract_page_links_to_the_form_for_writers_only(client, instructeur, lecteur):
    lot = LotFactory()
    url = reverse("clauses:lot_hours", args=[lot.uuid])
    for user, shown in ((instructeur, True), (lecteur, False)):
        client.force_login(user)
        content = client.get(reverse("clauses:detail", args=[lot.marche.uuid])).content.decode()
        assert (url in content) is shown


def test_the_buyers_defaults_are_shown_in_french(client, instructeur):
    lot = LotFactory(
        marche__buyer__labour_share=Decimal("0.4"),
        marche__buyer__insertion_rate=Decimal("0.075"),
        marche__buyer__hourly_cost=Decimal("1032.5"),
    )
    client.force_login(instructeur)
    page = client.get(reverse("clauses:lot_hours", args=[lot.uuid])).content.decode()
    page = html.unescape(page)
    assert "valeur de l'acheteur (1\u00a0032,50\u00a0€)" in page
    assert "valeur de l'acheteur (7,5\u00a0%)" in page
    assert "valeur de l'acheteur (40\u00a0%)" in page
