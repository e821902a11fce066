"""API clients (tokens), deletion tombstones, external ids and idempotent replays."""

import functools
import hashlib
import itertools
import operator
import uuid

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone

from . import scope_kinds


class ApiScope(models.TextChoices):
    READ = "read", "Lecture"
    WRITE = "write", "Lecture et écriture"


def hash_token(token):
    """Tokens are long random strings: one SHA-256 is enough to store them safely."""
    return hashlib.sha256(token.encode()).hexdigest()


class ApiClient(models.Model):
    """A partner tool's access: a token (stored hashed), a scope and at most one restriction.

    The client acts through its own ``user`` (a service account created with it), so the
    apps' ``perms.py`` decide what it may do exactly as for a person with that role; the
    restriction (one département, one structure, one DLA) narrows what it sees further.
    A facilitator's client (``facilitator``) is no restriction: its account is a member of
    that facilitator, so clauses/perms.py give it that facilitator's lots, as to a person.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField("nom", max_length=120)
    scope = models.CharField("portée", max_length=8, choices=ApiScope.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_prefix = models.CharField("début du jeton", max_length=12, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="compte de service",
        on_delete=models.PROTECT,
        related_name="api_client",
    )
    department = models.ForeignKey(
        "structures.Department",
        verbose_name="département",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    structure = models.ForeignKey(
        "structures.Structure",
        verbose_name="structure",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    dla = models.ForeignKey(
        "dla.Dla",
        verbose_name="DLA",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    facilitator = models.ForeignKey(
        "clauses.Facilitator",
        verbose_name="facilitateur",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("créé le", default=timezone.now)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True)

    class Meta:
        verbose_name = "client de l'API"
        verbose_name_plural = "clients de l'API"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"], condition=Q(revoked_at__isnull=True), name="api_client_name_live"
            ),
            models.CheckConstraint(
                condition=Q(scope__in=ApiScope.values), name="api_client_scope_known"
            ),
            # At most one restriction (all, one département, one structure or one DLA), or
            # a facilitator's client.
            models.CheckConstraint(
                condition=functools.reduce(
                    operator.and_,
                    (
                        Q(**{f"{a}__isnull": True}) | Q(**{f"{b}__isnull": True})
                        for a, b in itertools.combinations(
                            ("department", "structure", "dla", "facilitator"), 2
                        )
                    ),
                ),
                name="api_client_one_restriction",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_active(self):
        return self.revoked_at is None

    @property
    def can_write(self):
        return self.scope == ApiScope.WRITE

    def _tie(self):
        """``(kind, value)``: the scope kind (``scope_kinds``) of the one object the client is
        tied to and that object's id, or ``None``. A client tied by a field whose kind no app
        registered fails rather than seeing everything."""
        for field in self._meta.concrete_fields:
            if not field.is_relation or field.name == "user":
                continue
            value = getattr(self, field.attname)
            if value is not None:
                kind = scope_kinds.get(field.name)
                if kind is None:
                    raise ImproperlyConfigured(f"No API scope kind registered for {field.name!r}")
                return kind, value
        return None

    @property
    def restriction(self):
        """``(kind, value)`` for a kind that narrows what the client sees (``department``
        (code), ``structure`` (pk) or ``dla`` (pk)), or ``None`` for a client that sees all
        its account may see (a facilitator's client included)."""
        tie = self._tie()
        if tie is None or not tie[0].restricts:
            return None
        return tie[0].name, tie[1]

    @property
    def restriction_label(self):
        tie = self._tie()
        return tie[0].label(getattr(self, tie[0].name)) if tie is not None else "tout"


class Deletion(models.Model):
    """A tombstone: an object of type ``type`` and id ``object_id`` was deleted.

    The scope columns keep what the object belonged to, so the feed shows a client only
    the deletions of what it could see (see ``deletions.register``)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField("type", max_length=40)
    object_id = models.CharField("identifiant", max_length=64)
    deleted_at = models.DateTimeField("supprimé le", default=timezone.now)
    department = models.CharField("département", max_length=3, blank=True)
    region = models.CharField("région", max_length=3, blank=True)
    structure = models.CharField("structure (uuid)", max_length=36, blank=True)
    dla = models.CharField("DLA (département)", max_length=3, blank=True)
    # An object of several départements or facilitators (a lot executed where its
    # facilitator works): `` department:54 department:57 facilitator:3 ``.
    scopes = models.TextField("autres périmètres", blank=True)

    class Meta:
        verbose_name = "suppression"
        verbose_name_plural = "suppressions"
        ordering = ["deleted_at", "uuid"]
        indexes = [models.Index(fields=["deleted_at", "uuid"])]

    def __str__(self):
        return f"{self.type} {self.object_id}"


class ExternalRef(models.Model):
    """A client's own identifier for an object it wrote (``external_id``): a second write
    with the same identifier updates the object instead of creating another."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    external_id = models.CharField(max_length=255)
    type = models.CharField(max_length=40)
    object_uuid = models.UUIDField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "external_id"], name="external_ref_unique"),
        ]

    def __str__(self):
        return f"{self.external_id} → {self.type} {self.object_uuid}"


class IdempotentRequest(models.Model):
    """A POST sent with an ``Idempotency-Key``: its answer, replayed to the same key.

    ``status`` is null while the first request is being processed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(null=True)
    body = models.JSONField(null=True, encoder=DjangoJSONEncoder)
    location = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotent_request_unique"),
        ]

    def __str__(self):
        return self.key
