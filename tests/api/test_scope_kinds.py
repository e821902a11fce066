"""The kinds of API client restriction come from the apps (``iae_portal.api.scope_kinds``):
``api_token`` and ``api_client_create`` take whatever kind is registered, and a client tied
by a field whose kind no app registered fails instead of seeing everything."""

from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from iae_portal.api import scope_kinds
from iae_portal.api.models import ApiClient
from iae_portal.api.services import api_client_create
from structures.models import Department

pytestmark = pytest.mark.django_db


@pytest.fixture
def kinds():
    """The registry as the apps filled it, restored after the test."""
    saved = dict(scope_kinds._KINDS)
    yield scope_kinds
    scope_kinds._KINDS.clear()
    scope_kinds._KINDS.update(saved)


def create_help(capsys):
    with pytest.raises(SystemExit):
        call_command("api_token", "create", "--help")
    return capsys.readouterr().out


def test_the_apps_register_the_four_kinds_in_option_order():
    assert [kind.option for kind in scope_kinds.kinds()] == [
        "--department",
        "--structure",
        "--dla",
        "--facilitator",
    ]
    assert [kind.name for kind in scope_kinds.restrictions()] == ["department", "structure", "dla"]


def test_a_kind_registered_by_an_app_is_an_option_of_api_token(kinds, capsys):
    found = {}
    kinds.register(
        "network",
        metavar="NOM",
        help="un seul réseau (test)",
        noun="réseau",
        find=lambda value: found.get(value),
        label=lambda network: f"réseau {network}",
        order=50,
    )
    assert "--network NOM" in create_help(capsys)
    assert "un seul réseau (test)" in create_help(capsys)
    with pytest.raises(CommandError) as missing:
        call_command(
            "api_token", "create", "--name", "Outil", "--scope", "read", "--network",
            "Chantier École", stdout=StringIO(),
        )  # fmt: skip
    assert str(missing.value) == "--network : Chantier École introuvable."
    with pytest.raises(ValueError) as two:
        api_client_create(
            actor=None, name="Outil", scope="read", department=Department.objects.first(),
            network="Chantier École",
        )  # fmt: skip
    assert str(two.value) == (
        "Une seule restriction : département, structure, DLA, facilitateur ou réseau."
    )
    kinds.unregister("network")
    assert "--network" not in create_help(capsys)
    with pytest.raises(TypeError, match="network"):
        api_client_create(actor=None, name="Outil", scope="read", network="Chantier École")


def test_a_client_of_a_kind_no_app_registered_fails_closed(kinds):
    client, _ = api_client_create(
        actor=None, name="Outil 54", scope="read", department=Department.objects.get(pk="54")
    )
    client = ApiClient.objects.get(pk=client.pk)
    assert client.restriction == ("department", "54")
    assert client.restriction_label == "département 54"
    assert client.user.region_id == Department.objects.get(pk="54").region_id
    kinds.unregister("department")
    with pytest.raises(ImproperlyConfigured, match="department"):
        client.restriction  # noqa: B018
