"""API clients: created with their service account and token, revoked; both audited."""

import secrets

from django.db import transaction
from django.utils import timezone

from iae_portal.audit.services import audit_record
from iae_portal.users.enums import Role
from iae_portal.users.models import User

from . import scope_kinds
from .models import ApiClient, ApiScope, hash_token

TOKEN_PREFIX = "iae_"
SERVICE_EMAIL_DOMAIN = "clients-api.invalid"


def new_token():
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def _service_role(scope, kind):
    """The role the client's account plays, so the apps' perms.py apply unchanged: the one
    its kind declares (a structure's client is one of its members, a DLA's client a chargé
    de mission, a facilitator's client one of its members), any other client regional staff
    (instructeur when it writes)."""
    if kind is not None and kind.role is not None:
        return kind.role
    return Role.INSTRUCTEUR if scope == ApiScope.WRITE else Role.LECTEUR


@transaction.atomic
def api_client_create(*, actor, name, scope, **restriction):
    """Create a client and return ``(client, token)``; the token is shown once, only its
    hash is stored. ``restriction``: at most one object, under its kind's name
    (``department=``, ``structure=``, ``dla=``, ``facilitator=``: see ``scope_kinds``)."""
    unknown = sorted(set(restriction) - {kind.name for kind in scope_kinds.kinds()})
    if unknown:
        raise TypeError(f"api_client_create() got unknown restriction kinds: {unknown}")
    chosen = [(scope_kinds.get(k), obj) for k, obj in restriction.items() if obj is not None]
    if len(chosen) > 1:
        raise ValueError(f"Une seule restriction : {scope_kinds.nouns()}.")
    if scope not in ApiScope.values:
        raise ValueError(f"Portée inconnue : {scope}")
    kind, obj = chosen[0] if chosen else (None, None)
    token = new_token()
    user = User.objects.create_user(
        email=f"api-{secrets.token_hex(6)}@{SERVICE_EMAIL_DOMAIN}",
        password=None,
        first_name="Client API",
        last_name=name[:150],
        role=_service_role(scope, kind),
        organisation=name[:200],
        **(kind.account(obj) if kind is not None and kind.account is not None else {}),
    )
    client = ApiClient.objects.create(
        name=name,
        scope=scope,
        token_hash=hash_token(token),
        token_prefix=token[: len(TOKEN_PREFIX) + 6],
        user=user,
        **({kind.name: obj} if kind is not None else {}),
    )
    if kind is not None and kind.joined is not None:
        kind.joined(actor=actor, user=user, obj=obj, scope=scope)
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


@transaction.atomic
def api_client_revoke(*, actor, client, reason=""):
    """Revoke a client for good: its token stops working, its account is deactivated."""
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    if client.revoked_at is not None:
        return client
    client.revoked_at = timezone.now()
    client.save(update_fields=["revoked_at"])
    User.objects.filter(pk=client.user_id).update(is_active=False)
    for kind in scope_kinds.kinds():  # whatever its account joined, whichever its kind
        if kind.left is not None:
            kind.left(actor=actor, user=client.user, reason=reason)
    audit_record(
        actor=actor,
        action="api_client.revoke",
        obj=client,
        changes={"revoked_at": [None, client.revoked_at.isoformat()]},
        reason=reason,
    )
    return client


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
