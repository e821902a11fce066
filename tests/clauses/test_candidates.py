"""The SIAE able to answer a reserved lot: kind, territory (région by default), ranked
(``clauses.matching``: without codes on the lot, the département first, then its
neighbours, then the region; ties by SIRET); who may see the list; its query count. The
ranking itself: test_matching.py."""

import pytest
from django.urls import reverse

from structures.models import Department
from tests.structures.factories import StructureFactory

from .factories import FacilitatorFactory, FacilitatorMembershipFactory, LotFactory

pytestmark = pytest.mark.django_db


def dep(code):
    return Department.objects.get(code=code)


@pytest.fixture
def structures():
    def make(name, kind, code, activity):
        return StructureFactory(name=name, kind=kind, department=dep(code), activity=activity)

    return {
        "metz": make("Metz Intérim", "ETTI", "57", "Travail temporaire, nettoyage de locaux"),
        "nancy": make("Chantier de Nancy", "ACI", "54", "Espaces verts, maraîchage"),
        "paris": make("Paris Nettoyage", "EI", "75", "Nettoyage industriel"),
        "esat": make("ESAT de Metz", "ESAT", "57", "Nettoyage de locaux"),
        "asso": make("Association de Metz", "ASSOCIATION", "57", "Nettoyage"),
    }


@pytest.fixture
def reserved(structures):
    return LotFactory(clause="marche_reserve", marche__department=dep("57"), facilitator=None)


def names(client, user, lot, **params):
    client.force_login(user)
    response = client.get(reverse("clauses:lot_candidates", args=[lot.uuid]), params)
    assert response.status_code == 200
    return [row.candidate.name for row in response.context["page"].object_list]


def test_the_region_by_default_with_the_departement_first(client, instructeur, reserved):
    # Only SIAE kinds: neither the ESAT nor the association; Paris is outside the region.
    assert names(client, instructeur, reserved) == ["Metz Intérim", "Chantier de Nancy"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"territory": "departement"}, ["Metz Intérim"]),
        ({"territory": "tout"}, ["Metz Intérim", "Chantier de Nancy", "Paris Nettoyage"]),
        ({"kind": "ACI"}, ["Chantier de Nancy"]),
        ({"kind": ["ACI", "EI"], "territory": "tout"}, ["Chantier de Nancy", "Paris Nettoyage"]),
        # The free-text activity of the former list is ignored: activities are NAF codes.
        ({"activity": "boulangerie"}, ["Metz Intérim", "Chantier de Nancy"]),
    ],
)
def test_filters(client, admin_user, reserved, params, expected):
    assert names(client, admin_user, reserved, **params) == expected


def test_a_kind_the_lot_is_not_reserved_to_is_refused_in_french(client, admin_user, reserved):
    client.force_login(admin_user)
    response = client.get(
        reverse("clauses:lot_candidates", args=[reserved.uuid]),
        {"kind": "ESAT", "territory": "departement"},
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    # The valid filter still applies, the bad one falls back to every eligible kind.
    assert [r.candidate.name for r in response.context["page"].object_list] == ["Metz Intérim"]


def test_without_a_departement_the_facilitator_territory_places_the_lot(
    client, admin_user, structures
):
    facilitator = FacilitatorFactory()
    facilitator.departments.set([dep("54")])
    lot = LotFactory(clause="marche_reserve", facilitator=facilitator)
    assert names(client, admin_user, lot) == ["Chantier de Nancy", "Metz Intérim"]
    assert names(client, admin_user, lot, territory="departement") == ["Chantier de Nancy"]


def test_without_any_territory_every_siae_by_siret(client, admin_user, structures):
    lot = LotFactory(clause="marche_reserve", facilitator=None)
    everyone = [structures[k] for k in ("metz", "nancy", "paris")]
    assert names(client, admin_user, lot) == [
        s.name for s in sorted(everyone, key=lambda s: s.siret)
    ]


def test_staff_of_a_region_only_see_their_structures(client, instructeur, reserved):
    assert names(client, instructeur, reserved, territory="tout") == [
        "Metz Intérim",
        "Chantier de Nancy",
    ]


def test_only_reserved_lots_have_the_list(client, admin_user, structures):
    for clause in ("none", "condition_execution", "marche_insertion"):
        lot = LotFactory(clause=clause)
        client.force_login(admin_user)
        url = reverse("clauses:lot_candidates", args=[lot.uuid])
        assert client.get(url).status_code == 404, clause


def test_the_contract_page_links_reserved_lots_to_their_list(client, admin_user, reserved):
    other = LotFactory(marche=reserved.marche, clause="condition_execution")
    client.force_login(admin_user)
    content = client.get(reverse("clauses:detail", args=[reserved.marche.uuid])).content.decode()
    assert reverse("clauses:lot_candidates", args=[reserved.uuid]) in content
    assert reverse("clauses:lot_candidates", args=[other.uuid]) not in content
    assert "57 Moselle" in content


def test_facilitators_see_the_list_of_their_lots_only(client, structures):
    facilitator = FacilitatorFactory()
    user = FacilitatorMembershipFactory(facilitator=facilitator).user
    followed = LotFactory(clause="marche_reserve", facilitator=facilitator)
    other = LotFactory(clause="marche_reserve")
    client.force_login(user)
    assert client.get(reverse("clauses:lot_candidates", args=[followed.uuid])).status_code == 200
    assert client.get(reverse("clauses:lot_candidates", args=[other.uuid])).status_code == 404


@pytest.mark.parametrize("count", [3, 40])
def test_query_count_does_not_grow(client, django_assert_max_num_queries, count):
    facilitator = FacilitatorFactory()
    facilitator.departments.set([dep("54"), dep("57")])
    user = FacilitatorMembershipFactory(facilitator=facilitator).user
    lot = LotFactory(clause="marche_reserve", facilitator=facilitator)
    for n in range(count):
        StructureFactory(
            kind=("ETTI", "AI", "EI")[n % 3], department=dep(("54", "57", "67")[n % 3])
        )
    client.force_login(user)
    url = reverse("clauses:lot_candidates", args=[lot.uuid])
    with django_assert_max_num_queries(18):  # 17 and the ranked rows' département names
        response = client.get(url, {"per_page": 50, "territory": "tout"})
    assert len(response.context["page"].object_list) == count
