"""Invitations to join a structure, sent by e-mail: the invited person accepts through a
signed link that expires, logged in with the invited address or creating the account."""

import datetime
import uuid

from django.conf import settings
from django.core import signing
from django.db import models
from django.urls import reverse
from django.utils import timezone

from ..enums import MembershipRole
from .structure import Structure

INVITATION_VALIDITY = datetime.timedelta(days=14)
TOKEN_SALT = "structures.invitation"


class InvitationStatus(models.TextChoices):
    """Where an invitation stands; a pending one past its date reads « expirée »
    (``Invitation.state``)."""

    PENDING = "pending", "en attente"
    ACCEPTED = "accepted", "acceptée"
    WITHDRAWN = "withdrawn", "retirée"
    REFUSED = "refused", "refusée"
    EXPIRED = "expired", "expirée"


class InvitationQuerySet(models.QuerySet):
    def pending(self, at=None):
        """Those that may still be accepted: pending and not expired."""
        return self.filter(status=InvitationStatus.PENDING, expires_at__gt=at or timezone.now())


class Invitation(models.Model):
    """``email`` is invited to join ``structure`` as ``role`` by ``invited_by``. Whether an
    account uses that address is decided when the link is opened, never told to the one
    who invites."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    structure = models.ForeignKey(
        Structure,
        verbose_name="structure",
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    email = models.EmailField("adresse e-mail")
    role = models.CharField("rôle", max_length=16, choices=MembershipRole.choices)
    status = models.CharField(
        "état",
        max_length=16,
        choices=InvitationStatus.choices,
        default=InvitationStatus.PENDING,
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="invitée par",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField("envoyée le", default=timezone.now)
    expires_at = models.DateTimeField("valable jusqu'au")
    emailed_at = models.DateTimeField("e-mail parti le", null=True, blank=True)
    answered_at = models.DateTimeField("réponse le", null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="acceptée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = "invitation à rejoindre une structure"
        verbose_name_plural = "invitations à rejoindre une structure"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["structure", "status"], name="invitation_structure_status")]

    def __str__(self):
        return f"{self.email} — {self.structure} ({self.get_role_display()})"

    def save(self, *args, **kwargs):
        if self.expires_at is None:
            self.expires_at = (self.created_at or timezone.now()) + INVITATION_VALIDITY
        super().save(*args, **kwargs)

    @property
    def state(self):
        """The status as shown: a pending invitation past its date is expired."""
        if self.status == InvitationStatus.PENDING and self.expires_at <= timezone.now():
            return InvitationStatus.EXPIRED
        return InvitationStatus(self.status)

    @property
    def is_open(self):
        return self.state == InvitationStatus.PENDING

    def token(self):
        """The signed part of the link sent by e-mail (its signature dates it)."""
        return signing.TimestampSigner(salt=TOKEN_SALT).sign(str(self.uuid))

    def accept_url(self):
        return reverse("structures:invitation_accept", args=[self.token()])

    @classmethod
    def from_token(cls, token):
        """The invitation a link names, or ``None`` when its signature is wrong. A link
        older than an invitation lives still finds it: its ``expires_at`` (set when it was
        created, before the link was signed) is past, and its page says it expired."""
        signer = signing.TimestampSigner(salt=TOKEN_SALT)
        try:
            try:
                value = signer.unsign(token, max_age=INVITATION_VALIDITY)
            except signing.SignatureExpired:
                value = signer.unsign(token)
            key = uuid.UUID(value)
        except (signing.BadSignature, ValueError):
            return None
        return cls.objects.select_related("structure", "invited_by").filter(uuid=key).first()
