from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from iae_portal.api.models import ApiClient
from iae_portal.api.services import client_for_token
from iae_portal.audit.models import AuditEntry
from structures.models import Membership
from tests.api.fixtures import bearer
from tests.structures.factories import StructureFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/structures/"


def test_no_token_is_401_with_bearer_challenge():
    response = APIClient().get(URL)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json()["errors"][0]["code"] == "not_authenticated"


@pytest.mark.parametrize("header", ["Bearer iae_wrong", "Bearer", "Bearer a b", "Bearer \u00e9"])
def test_bad_token_is_401(header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(URL)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert set(response.json()["errors"][0]) == {"field", "code", "message"}


def test_command_prints_the_token_alone_on_its_last_line_and_stores_its_hash():
    out = StringIO()
    call_command("api_token", "create", "--name", "CRM réseau", "--scope", "read", stdout=out)
    token = out.getvalue().strip().splitlines()[-1]
    client = ApiClient.objects.get(name="CRM réseau")
    assert token not in client.token_hash and client.token_hash != token
    assert bearer(token).get(URL).status_code == 200
    client.refresh_from_db()
    assert client.last_used_at is not None
    assert AuditEntry.objects.filter(
        action="api_client.create", object_id=str(client.uuid)
    ).exists()


def test_command_restrictions_and_errors():
    structure = StructureFactory()
    out = StringIO()
    call_command(
        "api_token", "create", "--name", "Dir", "--scope", "write", "--structure", structure.siret,
        stdout=out,
    )  # fmt: skip
    client = ApiClient.objects.get(name="Dir")
    assert client.structure == structure
    assert Membership.objects.get(user=client.user).role == "directeur"
    with pytest.raises(CommandError, match="--department"):
        call_command("api_token", "create", "--name", "X", "--scope", "read", "--department", "00")
    with pytest.raises(CommandError, match="déjà"):
        call_command("api_token", "create", "--name", "Dir", "--scope", "read")
    listing = StringIO()
    call_command("api_token", "list", stdout=listing)
    assert "Dir" in listing.getvalue() and "structure " + structure.siret in listing.getvalue()


def test_revoked_token_is_refused_and_revocation_audited(make_token):
    client, token = make_token("read", name="Ancien outil")
    api = bearer(token)
    assert api.get(URL).status_code == 200
    call_command(
        "api_token", "revoke", "Ancien outil", "--reason", "fin du contrat", stdout=StringIO()
    )
    assert api.get(URL).status_code == 401
    entry = AuditEntry.objects.get(action="api_client.revoke", object_id=str(client.uuid))
    assert entry.reason == "fin du contrat"
    with pytest.raises(CommandError):
        call_command("api_token", "revoke", "inconnu")


def test_read_token_may_not_write_but_may_simulate(read_api):
    response = read_api.post(URL, {"name": "X"}, format="json")
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "read_only_token"
    simulated = read_api.post(
        "/api/v1/aides/simulate/", {"scheme": "pc-emplois-tremplin-environnement"}, format="json"
    )
    assert simulated.status_code == 200


def test_browser_session_reads_and_needs_csrf_to_write(admin_user):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(admin_user)
    assert client.get(URL).status_code == 200
    response = client.post(URL, {"name": "X"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["errors"][0]["message"]


def test_a_token_finds_its_client_with_its_account_and_tie_loaded(
    make_token, django_assert_num_queries
):
    structure = StructureFactory()
    client, token = make_token("read", structure=structure)
    with django_assert_num_queries(1):
        found = client_for_token(token)
        assert (found.pk, found.user, found.structure, found.dla) == (
            client.pk,
            client.user,
            structure,
            None,
        )
        assert found.user.email == client.user.email and found.user.is_active
        assert found.restriction == ("structure", structure.pk)
    assert client_for_token(token + "x") is None
    client.user.is_active = False
    client.user.save(update_fields=["is_active"])
    assert client_for_token(token) is None
