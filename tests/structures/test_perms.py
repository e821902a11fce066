"""The predicates and the visibility querysets of structures/perms.py must agree."""

import itertools

import pytest

from iae_portal.users.enums import Role
from structures import perms
from structures.models import Department, Structure
from tests.structures.factories import MembershipFactory, StructureFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(grand_est):
    nancy = StructureFactory(name="Nancy ACI")
    metz = StructureFactory(name="Metz EI", kind="EI", department=Department.objects.get(code="57"))
    paris = StructureFactory(
        name="Paris AI", kind="AI", department=Department.objects.get(code="75")
    )
    director = MembershipFactory(structure=nancy).user
    former = MembershipFactory(structure=metz, is_active=False).user
    salarie = MembershipFactory(structure=metz, role="salarie").user
    users = {
        "anonymous": None,
        "admin": UserFactory(role=Role.ADMIN),
        "instructeur": UserFactory(role=Role.INSTRUCTEUR, region=grand_est),
        "instructeur_national": UserFactory(role=Role.INSTRUCTEUR),
        "chef": UserFactory(role=Role.CHEF_SERVICE, region=grand_est),
        "lecteur": UserFactory(role=Role.LECTEUR, region=grand_est),
        "director_nancy": director,
        "former_member_metz": former,
        "salarie_metz": salarie,
        "dla": UserFactory(role=Role.DLA),
        "facilitateur": UserFactory(role=Role.FACILITATEUR),
        "inactive_instructeur": UserFactory(role=Role.INSTRUCTEUR, is_active=False),
    }
    return {"structures": {"nancy": nancy, "metz": metz, "paris": paris}, "users": users}


# Expected (view, edit) for each user and structure: the table decides.
EXPECTED = {
    "anonymous": {"nancy": "--", "metz": "--", "paris": "--"},
    "admin": {"nancy": "VE", "metz": "VE", "paris": "VE"},
    "instructeur": {"nancy": "VE", "metz": "VE", "paris": "--"},
    "instructeur_national": {"nancy": "VE", "metz": "VE", "paris": "VE"},
    "chef": {"nancy": "VE", "metz": "VE", "paris": "--"},
    "lecteur": {"nancy": "V-", "metz": "V-", "paris": "--"},
    "director_nancy": {"nancy": "VE", "metz": "--", "paris": "--"},
    "former_member_metz": {"nancy": "--", "metz": "--", "paris": "--"},
    "salarie_metz": {"nancy": "--", "metz": "V-", "paris": "--"},
    "dla": {"nancy": "V-", "metz": "V-", "paris": "V-"},
    "facilitateur": {"nancy": "V-", "metz": "V-", "paris": "V-"},
    "inactive_instructeur": {"nancy": "--", "metz": "--", "paris": "--"},
}


def as_user(user):
    from django.contrib.auth.models import AnonymousUser

    return user or AnonymousUser()


def test_permission_table(world):
    checked = 0
    for (user_key, user), (s_key, structure) in itertools.product(
        world["users"].items(), world["structures"].items()
    ):
        user = as_user(user)
        expected = EXPECTED[user_key][s_key]
        actual = ("V" if perms.can_view_structure(user, structure) else "-") + (
            "E" if perms.can_edit_structure(user, structure) else "-"
        )
        assert actual == expected, f"{user_key} on {s_key}"
        visible = perms.visible_structures(user).filter(pk=structure.pk).exists()
        assert visible == (expected[0] == "V"), f"queryset disagrees for {user_key} on {s_key}"
        checked += 1
    assert checked == len(EXPECTED) * 3


def test_members_are_hidden_from_directory_readers(world):
    nancy = world["structures"]["nancy"]
    assert not perms.can_view_members(world["users"]["dla"], nancy)
    assert perms.can_view_members(world["users"]["director_nancy"], nancy)
    assert perms.can_manage_members(world["users"]["director_nancy"], nancy)
    assert not perms.can_manage_members(world["users"]["lecteur"], nancy)


def test_only_regional_writers_and_admins_create_and_import(world):
    allowed = {k for k, u in world["users"].items() if u and perms.can_import_structures(u)}
    assert allowed == {"admin", "instructeur", "instructeur_national", "chef"}


def test_directed_structures_are_the_active_directorships(world):
    """``directed_structure_ids``: the structures of a person's active director memberships
    (the main menu's « Marchés à saisir », the applicant's lists), which
    ``member_reach(user, directors=True)`` reaches; none for who does not act for
    structures."""
    structures, users = world["structures"], world["users"]
    MembershipFactory(user=users["director_nancy"], structure=structures["metz"], role="salarie")
    expected = {"director_nancy": {structures["nancy"].pk}}
    for name, user in users.items():
        user = as_user(user)
        found = perms.directed_structure_ids(user)
        assert found == expected.get(name, set()), name
        reach = perms.member_reach(user, directors=True)
        if not reach.nothing:
            assert found == set(reach.filter(Structure.objects.all()).values_list("pk", flat=True))
