"""API clients: created with their service account and token, revoked; both audited."""

import secrets

from django.db import connections, transaction
from django.db.models.query import DEFAULT_FETCH_MODE, get_related_populators
from django.utils import timezone

from iae_portal.audit.services import audit_record
from iae_portal.compiled import compiled_sql
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


def _client_query(token_hash):
    return ApiClient.objects.select_related("user", "structure", "dla", "facilitator").filter(
        token_hash=token_hash, revoked_at__isnull=True, user__is_active=True
    )[:1]


class _ClientLookup:
    """``_client_query``'s SQL, compiled once (compiling it cost several times running it:
    four tables' columns), sent with each request's token hash; its row made into the
    client, its account and its tie as ``select_related`` does. On PostgreSQL, when no column
    needs a conversion the driver does not do; otherwise, the queryset itself."""

    SAMPLE = hash_token("")

    def __init__(self):
        self.compiled = None  # (alias, SQL, where the hash goes, compiler) or None

    def _compile(self):
        found = compiled_sql(_client_query(self.SAMPLE))
        if found is None or found[2].count(self.SAMPLE) != 1:
            return None
        alias, sql, params, compiler = found
        return alias, sql, list(params), params.index(self.SAMPLE), compiler

    def find(self, token_hash):
        if self.compiled is None:
            self.compiled = self._compile() or ()
        if not self.compiled:
            return _client_query(token_hash).first()
        alias, sql, params, position, compiler = self.compiled
        params = [*params]
        params[position] = token_hash
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        info, select = compiler.klass_info, compiler.select
        fields = info["select_fields"]
        client = ApiClient.from_db(
            alias,
            [column.target.attname for column, _, _ in select[fields[0] : fields[-1] + 1]],
            row[fields[0] : fields[-1] + 1],
            fetch_mode=DEFAULT_FETCH_MODE,
        )
        for populator in get_related_populators(info, select, alias, DEFAULT_FETCH_MODE):
            populator.populate(row, client)
        return client


_lookup = _ClientLookup()


def client_for_token(token):
    """The live client of ``token``, or ``None``."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    return _lookup.find(hash_token(token))


def record_use(client, *, every_seconds=60):
    """Note the client's last use, at most one write a minute (not one per request)."""
    now = timezone.now()
    if client.last_used_at is None or (now - client.last_used_at).total_seconds() > every_seconds:
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now
