"""API clients: created with their service account and token, revoked; both audited."""

import secrets

from django.db import transaction
from django.utils import timezone

from iae_portal.audit.services import audit_record
from iae_portal.users.enums import Role
from iae_portal.users.models import User

from .models import ApiClient, ApiScope, hash_token

TOKEN_PREFIX = "iae_"
SERVICE_EMAIL_DOMAIN = "clients-api.invalid"


def new_token():
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def _service_role(scope, *, structure, dla, facilitator=None):
    """The role the client's account plays, so the apps' perms.py apply unchanged: a
    structure's client is one of its members (a director when it writes), a DLA's client a
    chargé de mission, a facilitator's client one of its members, any other client regional
    staff (instructeur when it writes)."""
    writes = scope == ApiScope.WRITE
    if structure is not None:
        return Role.SIAE
    if dla is not None:
        return Role.DLA
    if facilitator is not None:
        return Role.FACILITATEUR
    return Role.INSTRUCTEUR if writes else Role.LECTEUR


@transaction.atomic
def api_client_create(
    *, actor, name, scope, department=None, structure=None, dla=None, facilitator=None
):
    """Create a client and return ``(client, token)``; the token is shown once, only its
    hash is stored."""
    from structures.enums import MembershipRole
    from structures.services import membership_add

    if sum(x is not None for x in (department, structure, dla, facilitator)) > 1:
        raise ValueError("Une seule restriction : département, structure, DLA ou facilitateur.")
    if scope not in ApiScope.values:
        raise ValueError(f"Portée inconnue : {scope}")
    token = new_token()
    region = department.region if department is not None else None
    user = User.objects.create_user(
        email=f"api-{secrets.token_hex(6)}@{SERVICE_EMAIL_DOMAIN}",
        password=None,
        first_name="Client API",
        last_name=name[:150],
        role=_service_role(scope, structure=structure, dla=dla, facilitator=facilitator),
        region=region,
        organisation=name[:200],
    )
    client = ApiClient.objects.create(
        name=name,
        scope=scope,
        token_hash=hash_token(token),
        token_prefix=token[: len(TOKEN_PREFIX) + 6],
        user=user,
        department=department,
        structure=structure,
        dla=dla,
        facilitator=facilitator,
    )
    if structure is not None:
        role = MembershipRole.DIRECTEUR if scope == ApiScope.WRITE else MembershipRole.SALARIE
        membership_add(actor=actor, structure=structure, user=user, role=role)
    if dla is not None:
        _join_dla(user, dla)
    if facilitator is not None:
        _join_facilitator(user, facilitator)
    audit_record(
        actor=actor,
        action="api_client.create",
        obj=client,
        changes={
            "name": [None, name],
            "scope": [None, scope],
            "restriction": [None, client.restriction_label],
        },
    )
    return client, token


def _join_dla(user, dla):
    from dla.models import DlaMembership

    DlaMembership.objects.update_or_create(user=user, dla=dla, defaults={"is_active": True})


def _join_facilitator(user, facilitator):
    from clauses.models import FacilitatorMembership

    FacilitatorMembership.objects.update_or_create(
        user=user, facilitator=facilitator, defaults={"is_active": True}
    )


@transaction.atomic
def api_client_revoke(*, actor, client, reason=""):
    """Revoke a client for good: its token stops working, its account is deactivated."""
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    if client.revoked_at is not None:
        return client
    client.revoked_at = timezone.now()
    client.save(update_fields=["revoked_at"])
    User.objects.filter(pk=client.user_id).update(is_active=False)
    _leave_structures(actor, client.user, reason)
    audit_record(
        actor=actor,
        action="api_client.revoke",
        obj=client,
        changes={"revoked_at": [None, client.revoked_at.isoformat()]},
        reason=reason,
    )
    return client


def _leave_structures(actor, user, reason):
    from structures.models import Membership
    from structures.services import membership_deactivate

    for membership in Membership.objects.filter(user=user, is_active=True):
        membership_deactivate(actor=actor, membership=membership, reason=reason)


def client_for_token(token):
    """The live client of ``token``, or ``None``."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    client = (
        ApiClient.objects.select_related("user", "structure", "dla", "facilitator")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    return client


def record_use(client, *, every_seconds=60):
    """Note the client's last use, at most one write a minute (not one per request)."""
    now = timezone.now()
    if client.last_used_at is None or (now - client.last_used_at).total_seconds() > every_seconds:
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now
