import re

import pytest
from django.urls import reverse

from dla import perms
from dla.models import Accompaniment, DlaMembership
from iae_portal.users.enums import Role
from structures.models import Membership
from tests.structures.factories import UserFactory

from .factories import AccompanimentFactory, PrestationFactory, chargé, dla_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def acc_54():
    return AccompanimentFactory(ref="ACC-54", dla=dla_of("54"))


@pytest.fixture
def acc_57():
    return AccompanimentFactory(ref="ACC-57", dla=dla_of("57"))


def test_chargé_sees_only_their_dla(acc_54, acc_57):
    user = chargé("x@example.org", "54")
    assert list(Accompaniment.objects.visible_to(user)) == [acc_54]
    assert perms.can_view_accompaniment(user, acc_54)
    assert not perms.can_view_accompaniment(user, acc_57)
    assert perms.can_edit_accompaniment(user, acc_54)
    assert not perms.can_edit_accompaniment(user, acc_57)
    assert perms.can_import(user)


def test_inactive_membership_sees_nothing(acc_54):
    user = chargé("x@example.org", "54")
    DlaMembership.objects.update(is_active=False)
    assert not Accompaniment.objects.visible_to(user).exists()
    assert not perms.can_import(user)


def test_staff_and_admin_read_all(acc_54, acc_57, instructeur, lecteur, admin_user):
    for user in (instructeur, lecteur, admin_user):
        assert set(Accompaniment.objects.visible_to(user)) == {acc_54, acc_57}
    assert not perms.can_edit_accompaniment(instructeur, acc_54)
    assert perms.can_import(instructeur)
    assert not perms.can_import(lecteur)


def test_others_see_nothing(acc_54, director_a):
    facilitator = UserFactory(role=Role.FACILITATEUR)
    for user in (director_a, facilitator):
        assert not Accompaniment.objects.visible_to(user).exists()
        assert not perms.can_use_dla_pages(user)
        assert not perms.can_import(user)


def test_detail_page_404_for_other_dla_and_director(client, acc_54, acc_57, director_a):
    client.force_login(chargé("x@example.org", "54"))
    assert client.get(acc_54.get_absolute_url()).status_code == 200
    assert client.get(acc_57.get_absolute_url()).status_code == 404
    client.force_login(director_a)
    assert client.get(acc_54.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("name", ["dla:list", "dla:bilan", "dla:bilan_csv", "dla:import"])
def test_pages_forbidden_to_director_and_anonymous_redirected(client, director_a, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    client.force_login(director_a)
    assert client.get(url).status_code == 403


def test_anonymous_detail_redirects(client, acc_54):
    assert client.get(acc_54.get_absolute_url()).status_code == 302


def test_detail_lists_prestations(client, acc_54, structure_a):
    PrestationFactory(accompaniment=acc_54, ref="PRE-X", beneficiaries=[structure_a])
    client.force_login(chargé("x@example.org", "54"))
    content = client.get(acc_54.get_absolute_url()).content.decode()
    assert "PRE-X" in content
    assert structure_a.name in content
    assert re.search(r"2.?100,00\s*€", content), re.findall(r".{12}€", content)


def test_structure_page_lists_visible_prestations(
    client, acc_54, acc_57, structure_a, structure_b, director_a, director_b
):
    PrestationFactory(accompaniment=acc_54, ref="PRE-54", beneficiaries=[structure_a])
    PrestationFactory(accompaniment=acc_57, ref="PRE-57", beneficiaries=[structure_a])
    url = structure_a.get_absolute_url()
    client.force_login(chargé("x@example.org", "54"))
    content = client.get(url).content.decode()
    assert "ACC-54" in content and "ACC-57" not in content
    # The director of a beneficiary sees all its accompaniments, whatever the DLA.
    client.force_login(director_a)
    content = client.get(url).content.decode()
    assert "ACC-54" in content and "ACC-57" in content
    # Another structure's director: nothing of structure A's accompaniments.
    client.force_login(director_b)
    content = client.get(structure_b.get_absolute_url()).content.decode()
    assert "Aucun accompagnement DLA" in content and "ACC-54" not in content
    assert client.get(url).status_code == 404


def test_director_reads_accompaniments_of_their_structures_only(
    acc_54, acc_57, structure_a, structure_b, director_a
):
    acc_54.structures.add(structure_a)  # named at the request
    PrestationFactory(accompaniment=acc_57, beneficiaries=[structure_b])
    assert list(Accompaniment.objects.visible_to(director_a)) == [acc_54]
    assert perms.can_view_accompaniment(director_a, acc_54)
    assert not perms.can_view_accompaniment(director_a, acc_57)
    assert not perms.can_edit_accompaniment(director_a, acc_54)
    assert not perms.can_use_dla_pages(director_a)
    # An employee (not a director) of the structure sees nothing.
    employee = UserFactory(email="salarie@example.org")
    Membership.objects.create(user=employee, structure=structure_a, role="salarie")
    assert not Accompaniment.objects.visible_to(employee).exists()
    # Nor a former director.
    Membership.objects.filter(user=director_a).update(is_active=False)
    assert not Accompaniment.objects.visible_to(director_a).exists()
