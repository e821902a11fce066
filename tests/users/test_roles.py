"""Roles are sets of capabilities (``iae_portal.users.roles``): what each grants, to whom
(superusers, inactive accounts, anonymous visitors), and the home page's line per role."""

import pytest
from django.contrib.auth.models import AnonymousUser

from iae_portal.users import roles
from iae_portal.users.roles import Role
from structures.models import Region
from tests.structures.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "granted", "refused"),
    [
        (Role.ADMIN, {"admin"}, {"region.read", "structures.member"}),
        (
            Role.INSTRUCTEUR,
            {"region.read", "region.write", "dossiers.instruct"},
            {"dossiers.vote", "campaigns.manage", "schemes.manage", "journal.read", "admin"},
        ),
        (
            Role.CHEF_SERVICE,
            {"region.read", "region.write", "dossiers.vote", "campaigns.manage", "journal.read"},
            {"admin", "structures.member"},
        ),
        (Role.LECTEUR, {"region.read"}, {"region.write", "dossiers.instruct"}),
        (Role.SIAE, {"structures.member"}, {"region.read", "structures.directory"}),
        (Role.DLA, {"dla.member", "structures.directory"}, {"structures.member"}),
        (
            Role.FACILITATEUR,
            {"facilitator.member", "structures.directory"},
            {"dla.member", "region.read"},
        ),
    ],
)
def test_a_role_grants_its_capabilities_and_no_other(role, granted, refused):
    user = UserFactory(role=role)
    assert all(user.can(capability) for capability in granted)
    assert not any(user.can(capability) for capability in refused)
    assert roles.capabilities(user) == roles.CAPABILITIES[role]


def test_a_superuser_is_an_administrator_whatever_their_role():
    user = UserFactory(role=Role.SIAE, is_superuser=True)
    assert user.can("admin") and user.is_admin and user.can("structures.member")


def test_inactive_accounts_and_anonymous_visitors_can_nothing():
    inactive = UserFactory(role=Role.ADMIN, is_superuser=True, is_active=False)
    assert roles.capabilities(inactive) == frozenset() and not inactive.is_admin
    assert not roles.can(AnonymousUser(), "admin")


def test_an_unknown_capability_is_an_error_not_a_refusal():
    with pytest.raises(ValueError):
        UserFactory().can("region.reed")
    with pytest.raises(ValueError):
        roles.roles_with("region.reed")


def test_accounts_are_found_by_capability():
    assert roles.roles_with("region.write") == {Role.INSTRUCTEUR, Role.CHEF_SERVICE}
    assert roles.roles_with("region.read") == roles.REGIONAL_STAFF_ROLES
    assert Role.LECTEUR in roles.REGIONAL_STAFF_ROLES - roles.REGIONAL_WRITER_ROLES


def test_the_home_line_names_the_region_of_the_roles_that_have_one():
    grand_est = Region.objects.get(code="44")
    assert roles.home_lead(UserFactory(role=Role.LECTEUR, region=grand_est)) == (
        "Les chiffres clés de la région Grand Est, en lecture seule."
    )
    assert roles.home_lead(UserFactory(role=Role.INSTRUCTEUR)) == "Ce que vous avez à traiter."
    assert roles.home_lead(UserFactory(role=Role.SIAE, region=grand_est)) == (
        "Vos structures et leurs demandes d'aide."
    )


def test_a_new_role_needs_no_migration(monkeypatch):
    """The user model reads the roles' choices when asked: a role added to ``Role`` is
    accepted at once, and ``makemigrations`` finds nothing to write."""
    from io import StringIO

    from django.core.exceptions import ValidationError
    from django.core.management import call_command
    from django.db import models

    from iae_portal.users import roles
    from iae_portal.users.models import User

    members = [(role.name, (role.value, role.label)) for role in roles.Role]
    extended = models.TextChoices("Role", [*members, ("FINANCEUR", ("financeur", "Financeur"))])
    field = User._meta.get_field("role")
    with pytest.raises(ValidationError):
        field.clean("financeur", User())
    monkeypatch.setattr(roles, "Role", extended)
    assert field.clean("financeur", User()) == "financeur"
    out = StringIO()
    call_command("makemigrations", "users", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
