"""The API of the clauses' matching and programme (issue 19, part 6): structures' declared
activities, lots' NAF codes, planned purchases and interests, by scope, with
``updated_since`` and the deletions feed."""

from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from clauses import services_offers
from clauses.models import LotInterest, PlannedPurchase
from structures.models import Department, StructureActivity
from structures.services_activities import activities_set
from tests.api.fixtures import bearer, follow, queries_per_page_size
from tests.structures.factories import MembershipFactory, StructureFactory, UserFactory

from .factories import BuyerFactory, FacilitatorFactory, LotFactory

pytestmark = pytest.mark.django_db
ACTIVITIES = "/api/v1/structure-activities/"
PURCHASES = "/api/v1/clauses/achats-prevus/"
INTERESTS = "/api/v1/clauses/interets/"


def deletions(api, kind):
    return [d for d in follow(api, "/api/v1/deletions/")[0] if d["type"] == kind]


@pytest.fixture
def admin_user():
    return UserFactory(role="admin", email="admin@example.org")


@pytest.fixture
def plasterers():
    """A plasterer in Meurthe-et-Moselle (main activity 43.31Z, also painting 43.34Z) and a
    cleaner in Moselle."""
    nancy = StructureFactory(name="Plâtres de Nancy", kind="EI")
    metz = StructureFactory(
        name="Propreté de Metz", kind="EI", department=Department.objects.get(code="57")
    )
    StructureActivity.objects.create(structure=nancy, naf_code="43.31Z", is_main=True)
    StructureActivity.objects.create(structure=nancy, naf_code="43.34Z")
    StructureActivity.objects.create(structure=metz, naf_code="81.21Z", is_main=True)
    return nancy, metz


def test_activities_follow_the_structures_scope_with_labels(make_token, plasterers):
    nancy, metz = plasterers
    api_54 = bearer(make_token("read", department="54")[1])
    rows = follow(api_54, ACTIVITIES)[0]
    assert {(r["siret"], r["code"], r["main"]) for r in rows} == {
        (nancy.siret, "43.31Z", True),
        (nancy.siret, "43.34Z", False),
    }
    assert {r["label"] for r in rows} == {"Travaux de plâtrerie", "Travaux de peinture et vitrerie"}
    other = StructureActivity.objects.get(structure=metz)
    assert api_54.get(f"{ACTIVITIES}{other.uuid}/").status_code == 404
    read_api = bearer(make_token("read")[1])
    assert len(follow(read_api, ACTIVITIES)[0]) == 3
    # A group of the nomenclature gives every sous-classe it holds.
    assert {r["code"] for r in follow(read_api, f"{ACTIVITIES}?code=43.3")[0]} == {
        "43.31Z",
        "43.34Z",
    }
    assert [r["code"] for r in follow(read_api, f"{ACTIVITIES}?main=true&department=57")[0]] == [
        "81.21Z"
    ]
    assert [r["code"] for r in follow(read_api, f"{ACTIVITIES}?structure={metz.siret}")[0]] == [
        "81.21Z"
    ]


def test_a_kept_activity_keeps_its_uuid_and_a_removed_one_is_a_deletion(
    make_token, plasterers, admin_user
):
    nancy, _ = plasterers
    read_api = bearer(make_token("read")[1])
    plaster = StructureActivity.objects.get(structure=nancy, naf_code="43.31Z")
    painting = StructureActivity.objects.get(structure=nancy, naf_code="43.34Z")
    since = timezone.now().isoformat().replace("+", "%2B")
    # Painting becomes the main activity, plastering is dropped, roofing (43.91A) added.
    assert activities_set(actor=admin_user, structure=nancy, codes=["43.91A"], main="43.34Z")
    changed = follow(read_api, f"{ACTIVITIES}?updated_since={since}")[0]
    assert {(r["uuid"], r["code"], r["main"]) for r in changed} == {
        (str(painting.uuid), "43.34Z", True),
        (str(StructureActivity.objects.get(naf_code="43.91A").uuid), "43.91A", False),
    }
    gone = deletions(read_api, "structure_activity")
    assert [d["id"] for d in gone] == [str(plaster.uuid)]
    # A client of Moselle never saw Nancy's activities: not their deletions either.
    assert deletions(bearer(make_token("read", department="57")[1]), "structure_activity") == []
    assert deletions(bearer(make_token("read", department="54")[1]), "structure_activity")


def test_lots_give_their_naf_codes_and_when_they_were_offered(read_api):
    lot = LotFactory(clause="marche_reserve", attributaire_name="", attributaire_siret="")
    assert read_api.get(f"/api/v1/clauses/lots/{lot.uuid}/").json()["activity_codes"] == []
    admin = UserFactory(role="admin", email="admin@example.org")
    services_offers.lot_set_codes(actor=admin, lot=lot, codes=["43.31Z", "43.34Z"])
    body = read_api.get(f"/api/v1/clauses/lots/{lot.uuid}/").json()
    assert body["activity_codes"] == ["43.31Z", "43.34Z"]
    assert body["offered_at"] is not None


@pytest.fixture
def programme():
    """A PLIE covering 54 with a planned purchase without département (so in 54 through the
    PLIE), and a purchase of the Moselle département executed in 57 without facilitator."""
    plie = FacilitatorFactory(name="PLIE du Grand Nancy")
    plie.departments.add("54")
    nancy = PlannedPurchase.objects.create(
        buyer=BuyerFactory(name="Ville de Nancy", kind="commune"),
        year=2027,
        object="Réfection des écoles",
        type="travaux",
        activity_codes=["43.31Z"],
        estimated_amount_ht=Decimal("250000.00"),
        launch_quarter=2,
        clause="condition_execution",
        hours_planned=875,
        facilitator=plie,
    )
    metz = PlannedPurchase.objects.create(
        buyer=BuyerFactory(name="Département de la Moselle", kind="departement"),
        year=2026,
        object="Entretien des collèges",
        type="services",
        estimated_amount_ht=Decimal("120000.00"),
        launch_quarter=4,
        clause="marche_reserve",
        hours_planned=1200,
        department=Department.objects.get(code="57"),
        status="abandonne",
    )
    return plie, nancy, metz


def test_planned_purchases_by_scope_and_filters(make_token, programme):
    plie, nancy, metz = programme
    read_api = bearer(make_token("read")[1])
    rows = {r["uuid"]: r for r in follow(read_api, PURCHASES)[0]}
    assert set(rows) == {str(nancy.uuid), str(metz.uuid)}
    row = rows[str(nancy.uuid)]
    assert (row["buyer"], row["year"], row["launch_quarter"], row["hours_planned"]) == (
        "Ville de Nancy",
        2027,
        2,
        875,
    )
    assert (row["estimated_amount_ht"], row["status"], row["marche"]) == (
        "250000.00",
        "prevu",
        None,
    )
    api_54 = bearer(make_token("read", department="54")[1])
    assert [r["uuid"] for r in follow(api_54, PURCHASES)[0]] == [str(nancy.uuid)]
    assert api_54.get(f"{PURCHASES}{metz.uuid}/").status_code == 404
    plie_api = bearer(make_token("read", facilitator=plie)[1])
    assert [r["uuid"] for r in follow(plie_api, PURCHASES)[0]] == [str(nancy.uuid)]
    for query, expected in (
        ("year=2026", {metz}),
        ("status=abandonne", {metz}),
        ("status=prevu&status=notifie", {nancy}),
        ("department=57", {metz}),
        ("department=54", {nancy}),
        ("clause=marche_reserve", {metz}),
        ("buyer_kind=commune", {nancy}),
    ):
        found = {r["uuid"] for r in follow(read_api, f"{PURCHASES}?{query}")[0]}
        assert found == {str(p.uuid) for p in expected}, query


@pytest.mark.parametrize(
    "query", ["year=12345", "year=abc", "year=%00", "status=inconnu", "department=" + "9" * 50]
)
def test_bad_purchase_filters_are_400_naming_the_parameter(read_api, programme, query):
    response = read_api.get(f"{PURCHASES}?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.content.decode()


def test_people_see_the_purchases_of_their_facilitators_only(programme):
    plie, nancy, _ = programme
    member = UserFactory(role="facilitateur", email="plie@example.org")
    plie.memberships.create(user=member)
    api = APIClient()
    api.force_authenticate(member)
    assert [r["uuid"] for r in follow(api, PURCHASES)[0]] == [str(nancy.uuid)]
    director = MembershipFactory(structure=StructureFactory()).user
    api.force_authenticate(director)
    assert follow(api, PURCHASES)[0] == []


def test_a_deleted_purchase_reaches_those_who_saw_it(make_token, programme):
    plie, nancy, metz = programme
    PlannedPurchase.objects.filter(pk__in=[nancy.pk, metz.pk]).delete()
    assert {d["id"] for d in deletions(bearer(make_token("read")[1]), "achat_prevu")} == {
        str(nancy.uuid),
        str(metz.uuid),
    }
    plie_feed = deletions(bearer(make_token("read", facilitator=plie)[1]), "achat_prevu")
    assert [d["id"] for d in plie_feed] == [str(nancy.uuid)]
    feed_57 = deletions(bearer(make_token("read", department="57")[1]), "achat_prevu")
    assert [d["id"] for d in feed_57] == [str(metz.uuid)]


@pytest.fixture
def offered():
    """Lot offered in 54 (its PLIE's territory), the plasterer interested then withdrawn and
    interested again, a Moselle structure interested in a lot of 57."""
    plie = FacilitatorFactory(name="PLIE du Grand Nancy")
    plie.departments.add("54")
    lot = LotFactory(facilitator=plie, clause="marche_reserve", activity_codes=["43.31Z"])
    other = LotFactory(
        clause="marche_reserve",
        marche__department=Department.objects.get(code="57"),
        activity_codes=["81.21Z"],
    )
    nancy = StructureFactory(name="Plâtres de Nancy", kind="EI")
    metz = StructureFactory(kind="EI", department=Department.objects.get(code="57"))
    first = LotInterest.objects.create(lot=lot, structure=nancy, withdrawn_at=timezone.now())
    again = LotInterest.objects.create(lot=lot, structure=nancy)
    moselle = LotInterest.objects.create(lot=other, structure=metz)
    return plie, lot, nancy, first, again, moselle


def test_interests_by_scope_and_filters(make_token, offered):
    plie, lot, nancy, first, again, moselle = offered
    read_api = bearer(make_token("read")[1])
    assert {r["uuid"] for r in follow(read_api, INTERESTS)[0]} == {
        str(first.uuid),
        str(again.uuid),
        str(moselle.uuid),
    }
    assert [r["uuid"] for r in follow(read_api, f"{INTERESTS}?open=true&lot={lot.uuid}")[0]] == [
        str(again.uuid)
    ]
    withdrawn = follow(read_api, f"{INTERESTS}?open=false")[0]
    assert [(r["uuid"], r["siret"]) for r in withdrawn] == [(str(first.uuid), nancy.siret)]
    assert withdrawn[0]["withdrawn_at"] is not None
    # The structure's client in writing (one of its directors) reads its interests, its
    # reading client (an employee) none, as on the pages; a client of 57 those of lots there.
    assert follow(bearer(make_token("read", structure=nancy)[1]), INTERESTS)[0] == []
    structure_api = bearer(make_token("write", structure=nancy)[1])
    assert {r["uuid"] for r in follow(structure_api, INTERESTS)[0]} == {
        str(first.uuid),
        str(again.uuid),
    }
    api_57 = bearer(make_token("read", department="57")[1])
    assert [r["uuid"] for r in follow(api_57, INTERESTS)[0]] == [str(moselle.uuid)]
    plie_api = bearer(make_token("read", facilitator=plie)[1])
    assert {r["uuid"] for r in follow(plie_api, INTERESTS)[0]} == {
        str(first.uuid),
        str(again.uuid),
    }
    assert plie_api.get(f"{INTERESTS}{moselle.uuid}/").status_code == 404


def test_a_withdrawn_interest_shows_in_updated_since(make_token, offered):
    _, lot, nancy, _, again, _ = offered
    StructureActivity.objects.create(structure=nancy, naf_code="43.31Z", is_main=True)
    lot.offered_at = timezone.now()
    lot.attributaire_name = lot.attributaire_siret = ""
    lot.save()
    director = MembershipFactory(structure=nancy).user
    read_api = bearer(make_token("read")[1])
    since = timezone.now().isoformat().replace("+", "%2B")
    assert follow(read_api, f"{INTERESTS}?updated_since={since}")[0] == []
    assert services_offers.interest_withdraw(actor=director, lot=lot, structure=nancy)
    changed = follow(read_api, f"{INTERESTS}?updated_since={since}")[0]
    assert [(r["uuid"], r["withdrawn_at"] is not None) for r in changed] == [
        (str(again.uuid), True)
    ]


def test_a_deleted_lot_takes_its_interests_into_the_deletions_feed(make_token, offered):
    plie, lot, nancy, first, again, _ = offered
    lot.delete()
    structure_feed = deletions(bearer(make_token("write", structure=nancy)[1]), "interet_lot")
    assert {d["id"] for d in structure_feed} == {str(first.uuid), str(again.uuid)}
    plie_feed = deletions(bearer(make_token("read", facilitator=plie)[1]), "interet_lot")
    assert {d["id"] for d in plie_feed} == {str(first.uuid), str(again.uuid)}
    assert deletions(bearer(make_token("read", department="57")[1]), "interet_lot") == []


@pytest.mark.parametrize("url", [ACTIVITIES, PURCHASES, INTERESTS])
def test_list_query_count_does_not_depend_on_page_size(make_token, plasterers, programme, url):
    plie, _, _ = programme
    for n in range(12):
        structure = StructureFactory(kind="EI")
        StructureActivity.objects.create(structure=structure, naf_code="43.31Z", is_main=True)
        lot = LotFactory(facilitator=plie, clause="marche_reserve", activity_codes=["43.31Z"])
        LotInterest.objects.create(lot=lot, structure=structure)
        PlannedPurchase.objects.create(
            buyer=BuyerFactory(),
            year=2027,
            object=f"Achat {n}",
            type="travaux",
            estimated_amount_ht=Decimal(1000 * n),
            launch_quarter=1 + n % 4,
            clause="condition_execution",
            facilitator=plie,
        )
    for api in (bearer(make_token("read")[1]), bearer(make_token("read", department="54")[1])):
        api.get(url)  # the first request records the client's last use
        small, large = queries_per_page_size(api, url)
        assert small == large
