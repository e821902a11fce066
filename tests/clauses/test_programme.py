"""A buyer's yearly programme of planned purchases (issue 19, part 4): hours computed like a
lot's or typed, a purchase notified into a new or an existing contract, abandoned; who may
do what; the bilan's additional « programme » figures, scoped for a facilitator."""

import csv
import datetime
import html
import io
import random
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from clauses import demo, demo_matching, demo_programme, perms, services_programme
from clauses.bilan import clauses_bilan, programme_figures
from clauses.enums import PurchaseStatus
from clauses.models import Lot, Marche, PlannedPurchase
from clauses.services_programme import NewContract
from iae_portal.audit.models import AuditEntry
from iae_portal.users.enums import Role
from tests.structures.factories import UserFactory

from .factories import (
    BuyerFactory,
    FacilitatorFactory,
    FacilitatorMembershipFactory,
    LotFactory,
    MarcheFactory,
    PlannedPurchaseFactory,
)

pytestmark = pytest.mark.django_db
THIS_YEAR = timezone.localdate().year
FACTORS = {"labour_share": "50", "insertion_rate": "10"}  # × 0.05 / hourly cost


def text(response):
    return html.unescape(response.content.decode())


def form_data(buyer, **overrides):
    data = {
        "buyer": buyer.pk,
        "year": "2025",
        "object": "Réfection de la toiture",
        "type": "travaux",
        "activity_codes": ["43.91A"],
        "estimated_amount_ht": "1000",
        "launch_quarter": "2",
        "clause": "condition_execution",
        "method": "calcul",
        "hourly_cost": "20",
        **FACTORS,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def create(client, user, buyer, **overrides):
    client.force_login(user)
    return client.post(reverse("clauses:purchase_create"), form_data(buyer, **overrides))


@pytest.mark.parametrize(
    ("amount", "cost", "hours"),
    [
        ("1000", "20", 3),  # 2.5 exactly: half up
        ("1000", "21", 2),  # 2.38
        ("99990", "2000", 2),  # 2.49975: just under the half
        ("100010", "2000", 3),  # 2.50025
    ],
)
def test_hours_are_computed_like_a_lots(client, instructeur, amount, cost, hours):
    buyer = BuyerFactory()
    response = create(client, instructeur, buyer, estimated_amount_ht=amount, hourly_cost=cost)
    assert response.status_code == 302
    purchase = PlannedPurchase.objects.get()
    assert purchase.hours_planned == hours
    assert (purchase.labour_share, purchase.insertion_rate) == (Decimal("0.5"), Decimal("0.1"))
    # The same amount and factors on a lot give the same hours.
    lot = LotFactory(
        amount_ht=amount,
        labour_share=Decimal("0.5"),
        insertion_rate=Decimal("0.1"),
        hourly_cost=Decimal(cost),
    )
    assert lot.computed_hours() == hours
    assert response["Location"] == reverse("clauses:purchase_detail", args=[purchase.uuid])
    entry = AuditEntry.objects.get(action="clauses.purchase_create")
    assert entry.changes["hours_planned"] == [None, hours]


def test_empty_factors_take_the_buyers_defaults_and_missing_ones_are_refused(client, instructeur):
    buyer = BuyerFactory(
        labour_share=Decimal("0.4"), insertion_rate=Decimal("0.07"), hourly_cost=Decimal("35")
    )
    create(
        client,
        instructeur,
        buyer,
        estimated_amount_ht="100000",
        labour_share="",
        insertion_rate="",
        hourly_cost="",
    )
    assert PlannedPurchase.objects.get().hours_planned == 80
    bare = BuyerFactory()
    response = create(client, instructeur, bare, labour_share="", object="Sans facteurs")
    assert response.status_code == 200
    assert "l'acheteur n'a pas de valeur par défaut" in text(response)


def test_typed_hours_are_kept_and_no_clause_means_no_hours(client, instructeur):
    buyer = BuyerFactory()
    create(client, instructeur, buyer, method="saisie", hours="777")
    purchase = PlannedPurchase.objects.get()
    assert purchase.hours_planned == 777
    response = client.get(reverse("clauses:purchase_edit", args=[purchase.uuid]))
    assert response.context["form"].initial["method"] == "saisie"  # typed: shown as typed
    client.post(
        reverse("clauses:purchase_edit", args=[purchase.uuid]),
        form_data(buyer, clause="none", method="saisie", hours="50"),
    )
    purchase.refresh_from_db()
    assert (purchase.clause, purchase.hours_planned) == ("none", 0)
    assert AuditEntry.objects.filter(action="clauses.purchase_update").count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("year", "1999", "Saisissez une année entre 2000 et 2100."),
        ("year", "99999999999999999999", "Saisissez une année entre 2000 et 2100."),
        ("year", "deux mille", "Saisissez une année entre 2000 et 2100."),
        ("estimated_amount_ht", "-1", "supérieure ou égale à 0"),
        ("hourly_cost", "0", "strictement positif"),
        ("method", "saisie", "Saisissez le nombre d'heures prévues."),
    ],
)
def test_bad_input_gets_a_french_error(client, instructeur, field, value, message):
    response = create(client, instructeur, BuyerFactory(), **{field: value})
    assert response.status_code == 200
    assert message in text(response)
    assert not PlannedPurchase.objects.exists()


# -- Notified: a new contract, or an existing one ------------------------------------------


@pytest.fixture
def planned():
    """A computed purchase (1,000 € × 0.5 × 0.1 / 20 = 2.5 → 3 h) of a buyer, in 54."""
    buyer = BuyerFactory(name="Ville de Nancy")
    purchase = PlannedPurchaseFactory(
        buyer=buyer,
        estimated_amount_ht=1000,
        labour_share=Decimal("0.5"),
        insertion_rate=Decimal("0.1"),
        hourly_cost=Decimal("20"),
        hours_planned=3,
        activity_codes=["43.91A"],
        clause="marche_reserve",
        department_id="54",
    )
    return purchase


def notify(client, user, purchase, **data):
    client.force_login(user)
    return client.post(reverse("clauses:purchase_notify", args=[purchase.uuid]), data)


def test_notifying_creates_the_contract_and_its_lot(client, instructeur, planned):
    response = notify(
        client,
        instructeur,
        planned,
        mode="nouveau",
        ref="2025-TOIT-01",
        notification_date="2025-05-12",
        procedure="mapa",
        amount_ht="2000",
        lot_ref="",
    )
    assert response.status_code == 302
    planned.refresh_from_db()
    marche = Marche.objects.get(ref="2025-TOIT-01")
    assert planned.status == PurchaseStatus.NOTIFIE and planned.marche == marche
    assert (marche.buyer, marche.type, marche.department_id) == (planned.buyer, "travaux", "54")
    assert marche.notification_date == datetime.date(2025, 5, 12)
    lot = marche.lots.get()
    # Computed hours are computed again on the real amount: 2,000 × 0.05 / 20 = 5.
    assert (lot.ref, lot.object, lot.clause, lot.hours_required) == (
        "L1",
        planned.object,
        "marche_reserve",
        5,
    )
    assert lot.activity_codes == ["43.91A"] and lot.facilitator == planned.facilitator
    assert lot.offered_at is not None  # codes, a clause, no attributaire: offered to the SIAE
    assert (lot.labour_share, lot.hourly_cost) == (Decimal("0.5"), Decimal("20"))
    entry = AuditEntry.objects.get(action="clauses.purchase_notify")
    assert entry.changes == {"status": ["prevu", "notifie"], "marche": [None, "2025-TOIT-01"]}
    page = client.get(reverse("clauses:purchase_detail", args=[planned.uuid]))
    assert reverse("clauses:detail", args=[marche.uuid]) in text(page)


def test_typed_hours_pass_to_the_lot_as_they_are(planned, instructeur):
    planned.hours_planned = 40  # typed: not what the factors give
    planned.save()
    services_programme.purchase_notify(
        actor=instructeur,
        purchase=planned,
        contract=NewContract(
            ref="M-1",
            notification_date=datetime.date(2025, 6, 1),
            procedure="mapa",
            amount_ht=Decimal(900_000),
            attributaire_name="Entreprise A",
        ),
    )
    lot = Lot.objects.get(marche__ref="M-1")
    assert lot.hours_required == 40 and lot.offered_at is None  # awarded: not offered


def test_the_contract_of_a_notified_purchase_is_not_deleted_under_it(planned, instructeur):
    services_programme.purchase_notify(
        actor=instructeur,
        purchase=planned,
        contract=NewContract(
            ref="M-2",
            notification_date=datetime.date(2025, 6, 1),
            procedure="mapa",
            amount_ht=Decimal(900_000),
            attributaire_name="",
        ),
    )
    with pytest.raises(ProtectedError):
        Marche.objects.get(ref="M-2").delete()
    planned.refresh_from_db()
    assert planned.status == "notifie" and planned.marche.ref == "M-2"


def test_a_taken_reference_is_refused(client, instructeur, planned):
    MarcheFactory(ref="PRIS")
    response = notify(
        client,
        instructeur,
        planned,
        mode="nouveau",
        ref="PRIS",
        notification_date="2025-05-12",
        procedure="mapa",
        amount_ht="2000",
    )
    assert response.status_code == 200
    assert "« PRIS » est déjà celle d'un marché" in text(response)
    planned.refresh_from_db()
    assert planned.status == PurchaseStatus.PREVU


def test_notifying_attaches_a_free_contract_of_the_same_buyer_only(client, instructeur, planned):
    free = LotFactory(marche__buyer=planned.buyer, hours_required=120).marche
    taken = MarcheFactory(buyer=planned.buyer)
    PlannedPurchaseFactory(buyer=planned.buyer, status="notifie", marche=taken)
    elsewhere = MarcheFactory(buyer=BuyerFactory(name="Autre acheteur"))
    for marche in (taken, elsewhere):
        response = notify(client, instructeur, planned, mode="existant", marche=marche.pk)
        assert response.status_code == 200
        assert "Choisissez un marché de l'acheteur" in text(response)
        with pytest.raises(ValidationError):
            services_programme.purchase_notify(actor=instructeur, purchase=planned, marche=marche)
    planned.refresh_from_db()
    assert planned.status == PurchaseStatus.PREVU
    response = notify(client, instructeur, planned, mode="existant", marche=free.pk)
    assert response.status_code == 302
    planned.refresh_from_db()
    assert planned.marche == free and planned.status == PurchaseStatus.NOTIFIE
    assert free.lots.get().hours_required == 120  # its lots stay as they are


def test_a_notified_or_abandoned_purchase_is_no_longer_changed(client, instructeur, planned):
    client.force_login(instructeur)
    url = reverse("clauses:purchase_abandon", args=[planned.uuid])
    assert client.post(url, {"reason": "budget reporté"}).status_code == 302
    planned.refresh_from_db()
    assert planned.status == PurchaseStatus.ABANDONNE
    assert AuditEntry.objects.get(action="clauses.purchase_abandon").reason == "budget reporté"
    for name in ("purchase_edit", "purchase_notify"):
        assert client.get(reverse(f"clauses:{name}", args=[planned.uuid])).status_code == 403
    assert client.post(url).status_code == 403
    assert client.get(reverse("clauses:purchase_detail", args=[planned.uuid])).status_code == 200


# -- Who may --------------------------------------------------------------------------------


def test_who_may_read_and_change(client, planned, lecteur, director_a):
    mine = FacilitatorMembershipFactory(facilitator=planned.facilitator).user
    other = FacilitatorMembershipFactory().user
    detail = reverse("clauses:purchase_detail", args=[planned.uuid])
    edit = reverse("clauses:purchase_edit", args=[planned.uuid])
    answers = {
        lecteur: (200, 403),  # reads every purchase, writes none
        mine: (200, 200),
        other: (404, 404),
        director_a: (404, 404),
    }
    for user, (read, write) in answers.items():
        client.force_login(user)
        assert client.get(detail).status_code == read, user
        assert client.get(edit).status_code == write, user
    client.force_login(director_a)
    assert client.get(reverse("clauses:programme")).status_code == 403
    assert client.get(reverse("clauses:purchase_create")).status_code == 403
    client.force_login(lecteur)
    assert client.get(reverse("clauses:purchase_create")).status_code == 403
    with pytest.raises(PermissionDenied):
        services_programme.purchase_abandon(actor=lecteur, purchase=planned)


def test_a_facilitator_enters_purchases_for_their_facilitators_only(client, planned):
    membership = FacilitatorMembershipFactory()
    buyer = BuyerFactory()
    response = create(
        client, membership.user, buyer, facilitator=planned.facilitator.pk, object="Pas à moi"
    )
    assert response.status_code == 200
    assert "Facilitateur inconnu ou qui n'est pas le vôtre." in text(response)
    create(client, membership.user, buyer, facilitator=membership.facilitator.pk)
    purchase = PlannedPurchase.objects.get(created_by=membership.user)
    assert purchase.facilitator == membership.facilitator
    with pytest.raises(PermissionDenied):
        services_programme.purchase_create(
            actor=membership.user,
            data={**form_fields(purchase), "facilitator": planned.facilitator},
        )


def form_fields(purchase):
    return {name: getattr(purchase, name) for name in services_programme.FIELDS}


# -- The list -------------------------------------------------------------------------------


def test_the_list_shows_this_years_programme_with_its_totals(client, instructeur):
    buyer = BuyerFactory()
    marche = LotFactory(marche__buyer=buyer, hours_required=250).marche
    LotFactory(marche=marche, clause="none", hours_required=40)
    PlannedPurchaseFactory(
        buyer=buyer, year=THIS_YEAR, hours_planned=300, status="notifie", marche=marche
    )
    PlannedPurchaseFactory(buyer=buyer, year=THIS_YEAR, hours_planned=100, launch_quarter=4)
    PlannedPurchaseFactory(buyer=buyer, year=THIS_YEAR - 1, object="L'an dernier")
    client.force_login(instructeur)
    response = client.get(reverse("clauses:programme"))
    totals = response.context["totals"]
    assert (totals["purchases"], totals["hours_planned"], totals["hours_notified"]) == (2, 400, 250)
    assert [
        (q["label"], q["hours_planned"], q["hours_notified"]) for q in response.context["quarters"]
    ] == [
        ("2e trimestre", 300, 250),
        ("4e trimestre", 100, 0),
    ]
    assert "L'an dernier" not in text(response)
    every = client.get(reverse("clauses:programme"), {"year": "toutes"})
    assert every.context["page"].paginator.count == 3


@pytest.mark.parametrize("year", ["1999", "0", "-1", "99999999999999999999", "2o25"])
def test_a_year_out_of_range_is_the_filters_error(client, instructeur, year):
    client.force_login(instructeur)
    response = client.get(reverse("clauses:programme"), {"year": year})
    assert response.status_code == 200
    assert "Année inconnue : choisissez une année de la liste." in text(response)
    export = client.get(reverse("clauses:programme_export", args=["csv"]), {"year": year})
    assert export.status_code == 200


def test_the_export_has_the_lists_rows(client, instructeur, planned):
    client.force_login(instructeur)
    response = client.get(reverse("clauses:programme_export", args=["csv"]), {"year": "2025"})
    rows = list(csv.reader(io.StringIO(text(response)[1:]), delimiter=";"))
    assert rows[0][:4] == ["Année", "Trimestre de lancement", "Acheteur", "Objet"]
    assert rows[1][2:4] == ["Ville de Nancy", planned.object] and len(rows) == 2


def test_the_list_runs_a_fixed_number_of_queries(
    client, instructeur, django_assert_max_num_queries
):
    client.force_login(instructeur)

    def make(count):
        for _ in range(count):
            marche = LotFactory().marche
            PlannedPurchaseFactory(year=THIS_YEAR, status="notifie", marche=marche)

    make(2)
    with django_assert_max_num_queries(14) as small:
        client.get(reverse("clauses:programme"))
    make(20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("clauses:programme"))


# -- The bilan's additional figures ----------------------------------------------------------


@pytest.fixture
def programme_2025():
    """2025's programme: one purchase of facilitator A notified into a contract of 2025
    (lots with a clause: 250 h and 50 h, one without: 40 h), one of A still planned (200 h),
    one of B abandoned (100 h), one without clause; a 2024 purchase that does not count."""
    a, b = FacilitatorFactory(name="PLIE A"), FacilitatorFactory(name="Relais B")
    buyer = BuyerFactory(name="Région")
    day = datetime.date(2025, 6, 1)
    marche = LotFactory(
        marche__buyer=buyer, marche__notification_date=day, hours_required=250
    ).marche
    LotFactory(marche=marche, hours_required=50, facilitator=b)
    LotFactory(marche=marche, clause="none", hours_required=40)
    PlannedPurchaseFactory(
        buyer=buyer, facilitator=a, hours_planned=300, status="notifie", marche=marche
    )
    PlannedPurchaseFactory(buyer=buyer, facilitator=a, hours_planned=200)
    PlannedPurchaseFactory(buyer=buyer, facilitator=b, hours_planned=100, status="abandonne")
    PlannedPurchaseFactory(buyer=buyer, facilitator=b, clause="none", hours_planned=0)
    PlannedPurchaseFactory(buyer=buyer, facilitator=a, year=2024, hours_planned=999)
    return a, b


def test_the_bilan_adds_the_programmes_figures_and_keeps_its_keys(programme_2025):
    bilan = clauses_bilan(2025)
    assert list(bilan) == [
        "year",
        "by_type",
        "participants",
        "hours_by_modality",
        "hours_by_public",
        "programme",
    ]
    assert bilan["programme"] == {
        "purchases_planned": 4,
        "purchases_notified": 1,
        "purchases_abandoned": 1,
        "hours_planned": 600,
        "hours_notified": 300,
        "notified_share": 0.5,
    }
    # clauses.md's keys, as they were.
    assert bilan["by_type"]["travaux"] == {
        "marches": 1,
        "marches_with_clause": 1,
        "share_with_clause": 1.0,
        "hours_required": 300,
        "hours_realised": 0,
    }
    assert bilan["participants"] == 0 and bilan["hours_by_modality"] == {}
    # A year without planned purchases gives exactly clauses.md's keys.
    assert "programme" not in clauses_bilan(2030)
    assert programme_figures(2030)["notified_share"] == 0.0


def test_a_facilitators_bilan_counts_their_purchases(client, programme_2025):
    a, _ = programme_2025
    user = FacilitatorMembershipFactory(facilitator=a).user
    assert perms.bilan_purchases(user).count() == 3
    client.force_login(user)
    response = client.get(reverse("clauses:bilan"), {"year": 2025})
    assert response.context["bilan"]["programme"] == {
        "purchases_planned": 2,
        "purchases_notified": 1,
        "purchases_abandoned": 0,
        "hours_planned": 500,
        "hours_notified": 300,
        "notified_share": 0.6,
    }
    assert 'id="bilan-programme"' in text(response)
    rows = client.get(reverse("clauses:bilan_csv"), {"year": 2025}).content.decode()
    assert "Programme des achats — heures prévues;500" in rows
    # A bilan scoped by lots without purchases counts none.
    assert "programme" not in clauses_bilan(2025, lots=perms.bilan_lots(user))


def test_the_officers_bilan_counts_every_purchase(client, instructeur, programme_2025):
    client.force_login(instructeur)
    response = client.get(reverse("clauses:bilan"), {"year": 2025})
    assert response.context["bilan"] == clauses_bilan(2025)
    assert perms.bilan_purchases(instructeur) is None
    assert perms.bilan_purchases(UserFactory(role=Role.SIAE)).count() == 0


# -- The demo ---------------------------------------------------------------------------------


def test_the_demo_programmes_and_their_reset(django_assert_max_num_queries):
    today = datetime.date(2026, 11, 25)
    made = demo.seed(random.Random(3), structures=[], today=today)
    with django_assert_max_num_queries(2):
        purchases = demo_programme.seed(
            random.Random(4),
            made,
            today=today,
            factors=demo.FACTORS,
            object_codes=demo_matching.OBJECT_CODES,
            departments=demo.DEPARTMENTS,
        )
    last = [p for p in purchases if p.year == 2025]
    assert {p.status for p in last} == {"prevu", "notifie", "abandonne"}
    assert all(p.marche.buyer == p.buyer for p in last if p.marche)
    assert {p.status for p in purchases if p.year == 2026} == {"prevu", "abandonne"}
    assert any(p.facilitator == made.facilitators[0] for p in purchases if p.year == 2026)
    programme = clauses_bilan(2025)["programme"]
    assert programme["purchases_notified"] == demo_programme.NOTIFIED_LAST_YEAR
    assert programme["hours_notified"] > 0 and 0 < programme["notified_share"] < 2
    demo.reset()
    assert not PlannedPurchase.objects.exists() and not Marche.objects.exists()
