"""Lots offered to the SIAE (issue 19, part 3): a director of a matching structure sees the
lot and says « intéressé », the facilitator sees it, a director of a structure that does
not match gets 404; the daily e-mail, once a day, can be turned off; staff set a lot's
codes, shortlist and export; bad input is refused in French."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clauses import services_offers
from clauses.models import LotInterest, OfferSubscription, ShortlistEntry
from iae_portal.audit.models import AuditEntry
from structures.models import Department, StructureActivity
from tests.structures.factories import MembershipFactory, StructureFactory

from .factories import FacilitatorFactory, FacilitatorMembershipFactory, LotFactory

pytestmark = pytest.mark.django_db


def dep(code):
    return Department.objects.get(code=code)


def siae(name, code, naf_code, kind="ACI"):
    structure = StructureFactory(name=name, kind=kind, department=dep(code))
    StructureActivity.objects.create(structure=structure, naf_code=naf_code, is_main=True)
    return structure


@pytest.fixture
def world(admin_user):
    facilitator = FacilitatorFactory()
    lot = LotFactory(
        clause="marche_reserve",
        marche__department=dep("57"),
        facilitator=facilitator,
        attributaire_name="",
        attributaire_siret="",
    )
    services_offers.lot_set_codes(actor=admin_user, lot=lot, codes=["43.31Z"])
    lot.refresh_from_db()
    plasterer = siae("Plâtres de Nancy", "54", "43.31Z")  # neighbour, same trade
    cleaner = siae("Nettoyage de Metz", "57", "81.21Z")  # same département, other trade
    faraway = siae("Plâtres de Paris", "75", "43.31Z")  # same trade, another region
    return {
        "lot": lot,
        "facilitator": FacilitatorMembershipFactory(facilitator=facilitator).user,
        "plasterer": plasterer,
        "cleaner": cleaner,
        "faraway": faraway,
        "dA": MembershipFactory(structure=plasterer).user,
        "dB": MembershipFactory(structure=cleaner).user,
        "dZ": MembershipFactory(structure=faraway).user,
    }


def get(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(f"clauses:{name}", args=args), params)


def test_setting_codes_offers_the_lot_once_and_journals_it(world, admin_user):
    lot = world["lot"]
    assert lot.activity_codes == ["43.31Z"] and lot.offered_at is not None
    first = lot.offered_at
    lot = services_offers.lot_set_codes(actor=admin_user, lot=lot, codes=["43.31Z", "43.34Z"])
    assert lot.offered_at == first
    assert AuditEntry.objects.filter(action="clauses.lot_codes").count() == 2


def test_a_matching_director_sees_the_lot_and_says_interested(client, world):
    lot = world["lot"]
    response = get(client, world["dA"], "offers")
    assert response.status_code == 200
    assert lot.object in response.content.decode()
    assert get(client, world["dA"], "offer_detail", lot.uuid).status_code == 200
    response = client.post(
        reverse("clauses:offer_interest", args=[lot.uuid]),
        {"siret": world["plasterer"].siret, "action": "interesse"},
    )
    assert response.status_code == 302
    assert LotInterest.objects.filter(lot=lot, structure=world["plasterer"]).count() == 1
    # Twice changes nothing.
    client.post(
        reverse("clauses:offer_interest", args=[lot.uuid]),
        {"siret": world["plasterer"].siret, "action": "interesse"},
    )
    assert LotInterest.objects.filter(lot=lot, withdrawn_at=None).count() == 1
    # The facilitator sees who is interested, on the offer and on the candidates' page.
    content = get(client, world["facilitator"], "offer_detail", lot.uuid).content.decode()
    assert "Plâtres de Nancy" in content
    content = get(client, world["facilitator"], "lot_candidates", lot.uuid).content.decode()
    assert "Structures intéressées (1)" in content
    # Withdrawn: no longer shown.
    client.force_login(world["dA"])
    client.post(
        reverse("clauses:offer_interest", args=[lot.uuid]),
        {"siret": world["plasterer"].siret, "action": "retirer"},
    )
    assert not LotInterest.objects.filter(lot=lot, withdrawn_at=None).exists()


@pytest.mark.parametrize("director", ["dB", "dZ"])
def test_a_director_of_a_structure_that_does_not_match_does_not_see_it(client, world, director):
    lot = world["lot"]
    assert lot.object not in get(client, world[director], "offers").content.decode()
    assert get(client, world[director], "offer_detail", lot.uuid).status_code == 404
    client.force_login(world[director])
    response = client.post(
        reverse("clauses:offer_interest", args=[lot.uuid]),
        {"siret": world["plasterer"].siret, "action": "interesse"},
    )
    assert response.status_code == 404
    assert not LotInterest.objects.exists()


def test_a_director_cannot_say_interested_for_another_structure(client, world):
    other = MembershipFactory(structure=siae("Autre plâtrier", "57", "43.31Z")).user
    client.force_login(other)
    response = client.post(
        reverse("clauses:offer_interest", args=[world["lot"].uuid]),
        {"siret": world["plasterer"].siret, "action": "interesse"},
        follow=True,
    )
    assert "Structure inconnue pour ce lot." in response.content.decode()
    assert not LotInterest.objects.exists()


def test_a_lot_with_an_attributaire_is_no_longer_offered(client, world):
    lot = world["lot"]
    lot.attributaire_name = "BTP Lorraine"
    lot.save()
    assert get(client, world["dA"], "offer_detail", lot.uuid).status_code == 404


def test_others_get_no_offers_page(client, world, instructeur):
    assert get(client, instructeur, "offers").status_code == 403
    assert get(client, world["facilitator"], "offers").status_code == 403


# -- The daily e-mail ------------------------------------------------------------------------


def test_the_digest_goes_once_a_day_to_matching_directors(world, settings):
    now = timezone.now()
    assert services_offers.send_offer_digests(now=now) == 1
    assert [m.to for m in mail.outbox] == [[world["dA"].email]]
    body = mail.outbox[0].body
    assert world["lot"].object in body
    assert reverse("clauses:offer_detail", args=[world["lot"].uuid]) in body
    # Again the same day: nothing, even with a new lot.
    assert services_offers.send_offer_digests(now=now + datetime.timedelta(minutes=5)) == 0
    # The next day: nothing new, nothing sent.
    assert services_offers.send_offer_digests(now=now + datetime.timedelta(days=1)) == 0
    assert len(mail.outbox) == 1


def test_the_digest_can_be_turned_off(client, world):
    client.force_login(world["dA"])
    response = client.post(reverse("clauses:offer_subscription"), {"enabled": "0"})
    assert response.status_code == 302
    assert OfferSubscription.objects.get(user=world["dA"]).enabled is False
    assert services_offers.send_offer_digests() == 0
    assert mail.outbox == []
    assert "Recevoir un e-mail" in client.get(reverse("clauses:offers")).content.decode()


def test_bad_subscription_value_is_refused_in_french(client, world):
    client.force_login(world["dA"])
    response = client.post(reverse("clauses:offer_subscription"), {"enabled": "1\x00"}, follow=True)
    assert response.status_code == 200
    assert "Choix inconnu." in response.content.decode()


# -- Staff: codes, shortlist, export ---------------------------------------------------------


def test_staff_set_codes_and_bad_codes_are_refused_in_french(client, admin_user, world):
    client.force_login(admin_user)
    url = reverse("clauses:lot_codes", args=[world["lot"].uuid])
    assert client.get(url).status_code == 200
    for bad in ("99.99Z", "43.31Z\x00", "x" * 10_000, "4" * 400):
        response = client.post(url, {"codes": [bad]})
        assert response.status_code == 200, bad
        assert "Code NAF inconnu" in response.content.decode(), bad
    response = client.post(url, {"codes": ["4331z", "81.21Z"]})
    assert response.status_code == 302
    world["lot"].refresh_from_db()
    assert world["lot"].activity_codes == ["43.31Z", "81.21Z"]


def test_shortlist_and_export(client, admin_user, world):
    client.force_login(admin_user)
    lot = world["lot"]
    url = reverse("clauses:lot_shortlist", args=[lot.uuid])
    assert (
        client.post(url, {"siret": world["plasterer"].siret, "action": "ajouter"}).status_code
        == 302
    )
    assert ShortlistEntry.objects.filter(lot=lot, structure=world["plasterer"]).exists()
    # Not a candidate (an unknown SIRET, a NUL byte): a French message, nothing written.
    for siret in ("00000000000000", "1\x00"):
        response = client.post(url, {"siret": siret, "action": "ajouter"}, follow=True)
        assert "Structure inconnue pour ce lot." in response.content.decode()
    assert ShortlistEntry.objects.count() == 1
    response = client.get(reverse("clauses:lot_candidates_export", args=[lot.uuid, "csv"]))
    text = response.content.decode("utf-8-sig")
    assert "Plâtres de Nancy" in text and "Nettoyage de Metz" not in text
    response = client.get(
        reverse("clauses:lot_candidates_export", args=[lot.uuid, "csv"]), {"liste": "classement"}
    )
    text = response.content.decode("utf-8-sig")
    # The plasterer next door first, then the cleaner of the département (Paris: another region).
    assert text.index("Plâtres de Nancy") < text.index("Nettoyage de Metz")
    assert "Plâtres de Paris" not in text
    response = client.get(reverse("clauses:lot_candidates_export", args=[lot.uuid, "xlsx"]))
    assert response.status_code == 200
    client.post(url, {"siret": world["plasterer"].siret, "action": "retirer"})
    assert not ShortlistEntry.objects.exists()
    assert AuditEntry.objects.filter(action__startswith="clauses.shortlist").count() == 2


def test_ranked_page_shows_the_reasons(client, admin_user, world):
    content = get(client, admin_user, "lot_candidates", world["lot"].uuid).content.decode()
    assert "Activité : 43.31Z Travaux de plâtrerie (identique)" in content
    assert "Département voisin" in content


def _count_queries(client, user, url):
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, {"per_page": 100, "territory": "tout"}).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_of_the_ranked_list_is_constant(client, admin_user, world):
    url = reverse("clauses:lot_candidates", args=[world["lot"].uuid])
    client.force_login(admin_user)
    before = _count_queries(client, admin_user, url)
    for n in range(15):
        s = siae(f"Structure {n}", ("54", "57", "67")[n % 3], ("43.31Z", "81.21Z")[n % 2])
        services_offers.shortlist_add(actor=admin_user, lot=world["lot"], structure=s)
    assert _count_queries(client, admin_user, url) == before


def test_query_count_of_the_offers_page_does_not_grow_with_lots(client, world, admin_user):
    url = reverse("clauses:offers")
    before = _count_queries(client, world["dA"], url)
    for _n in range(5):
        lot = LotFactory(clause="marche_reserve", marche__department=dep("54"), facilitator=None)
        services_offers.lot_set_codes(actor=admin_user, lot=lot, codes=["43.31Z"])
    assert _count_queries(client, world["dA"], url) == before


def test_saying_interested_from_the_list_keeps_its_page(client, world, admin_user):
    # 26 lots matching the plasterer: two pages of 25.
    for _ in range(25):
        other = LotFactory(
            clause="marche_reserve",
            marche__department=dep("57"),
            attributaire_name="",
            attributaire_siret="",
        )
        services_offers.lot_set_codes(actor=admin_user, lot=other, codes=["43.31Z"])
    lot = world["lot"]  # the oldest offered: on page 2
    content = get(client, world["dA"], "offers", page=2).content.decode()
    assert str(lot.uuid) in content and 'name="page" value="2"' in content
    response = client.post(
        reverse("clauses:offer_interest", args=[lot.uuid]),
        {"siret": world["plasterer"].siret, "action": "interesse", "retour": "liste", "page": "2"},
    )
    assert response.status_code == 302 and response["Location"].endswith("?page=2")
    # A page that is not a number is dropped, never a 500.
    response = client.post(
        reverse("clauses:offer_interest", args=[lot.uuid]),
        {"siret": world["plasterer"].siret, "action": "retirer", "retour": "liste", "page": "x\0"},
    )
    assert response["Location"] == reverse("clauses:offers")


def test_candidates_and_interests_show_the_departments_names(client, world, admin_user):
    lot = world["lot"]
    client.force_login(world["dA"])
    client.post(
        reverse("clauses:offer_interest", args=[lot.uuid]),
        {"siret": world["plasterer"].siret, "action": "interesse"},
    )
    content = get(client, admin_user, "lot_candidates", lot.uuid).content.decode()
    assert "Meurthe-et-Moselle (54)" in content  # a ranked row
    assert "(Meurthe-et-Moselle, 54)" in content  # the interested structure
    content = get(client, world["facilitator"], "offer_detail", lot.uuid).content.decode()
    assert "(Meurthe-et-Moselle, 54)" in content
