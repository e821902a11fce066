"""Opinions (avis) of partners on a dossier: the instruction asks a person of another
institution (``partenaire`` role) a question with a due date and the documents they may
see; the partner answers with a position and a text, never edited (a later opinion may
follow)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from iae_portal.uploads import UploadedDocument, random_name

from ..enums import PartnerPosition
from .dossiers import Dossier, DossierDocument


class OpinionRequestState(models.TextChoices):
    """Where a request stands (``OpinionRequest.state``; derived, not stored)."""

    PENDING = "pending", "En attente"
    LATE = "late", "En retard"
    ANSWERED = "answered", "Avis rendu"
    WITHDRAWN = "withdrawn", "Retirée"


class OpinionRequestQuerySet(models.QuerySet):
    def waiting(self):
        """Asked, neither answered nor withdrawn (« avis en attente »)."""
        return self.filter(answered_at__isnull=True, withdrawn_at__isnull=True)

    def late(self, day=None):
        """Waiting past their due date."""
        return self.waiting().filter(due_on__lt=day or timezone.localdate())


class OpinionRequest(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dossier = models.ForeignKey(
        Dossier, verbose_name="dossier", on_delete=models.CASCADE, related_name="opinion_requests"
    )
    partner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="partenaire",
        on_delete=models.PROTECT,
        related_name="opinion_requests",
    )
    organisation = models.ForeignKey(
        "structures.Organisation",
        verbose_name="organisme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opinion_requests",
    )
    question = models.TextField("question posée")
    due_on = models.DateField("avis attendu pour le")
    shared_documents = models.ManyToManyField(
        DossierDocument, verbose_name="pièces communiquées", blank=True, related_name="+"
    )
    shares_opinions = models.BooleanField(
        "communiquer les autres avis",
        default=False,
        help_text="Le partenaire lit les avis rendus par les autres partenaires sur ce dossier.",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="demandé par",
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("demandé le", default=timezone.now)
    updated_at = models.DateTimeField("modifié le", auto_now=True, db_index=True)
    answered_at = models.DateTimeField("premier avis le", null=True, blank=True)
    reminded_before_at = models.DateTimeField("rappel avant l'échéance", null=True, blank=True)
    reminded_late_at = models.DateTimeField("relance après l'échéance", null=True, blank=True)
    withdrawn_at = models.DateTimeField("retirée le", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="retirée par",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = OpinionRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "demande d'avis"
        verbose_name_plural = "demandes d'avis"
        ordering = ["due_on", "created_at"]
        indexes = [models.Index(fields=["answered_at", "due_on"], name="opinion_request_waiting")]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(withdrawn_by__isnull=False),
                name="opinion_request_withdrawn_by_someone",
            ),
        ]

    def __str__(self):
        return f"Avis de {self.partner} sur {self.dossier.reference}"

    def get_absolute_url(self):
        return reverse("aides:opinion_request", args=[self.uuid])

    def state_on(self, day):
        if self.withdrawn_at:
            return OpinionRequestState.WITHDRAWN
        if self.answered_at:
            return OpinionRequestState.ANSWERED
        if self.due_on < day:
            return OpinionRequestState.LATE
        return OpinionRequestState.PENDING

    @property
    def state(self):
        return self.state_on(timezone.localdate())


class PartnerOpinion(models.Model):
    """An opinion given, never changed: a partner who thinks again gives another one."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    request = models.ForeignKey(
        OpinionRequest,
        verbose_name="demande",
        on_delete=models.CASCADE,
        related_name="opinions",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="auteur", on_delete=models.PROTECT, related_name="+"
    )
    position = models.CharField("position", max_length=24, choices=PartnerPosition.choices)
    text = models.TextField("avis")
    created_at = models.DateTimeField("rendu le", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "avis d'un partenaire"
        verbose_name_plural = "avis des partenaires"
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(position__in=PartnerPosition.values),
                name="partner_opinion_position_known",
            ),
        ]

    def __str__(self):
        return f"{self.get_position_display()} — {self.author}"


def opinion_attachment_path(instance, filename):
    return random_name(f"avis/{instance.opinion.request.dossier.uuid}", filename)


class PartnerOpinionAttachment(UploadedDocument):
    """A file a partner joins to an opinion (checked like every upload)."""

    journal_via = "opinion.request"

    opinion = models.ForeignKey(
        PartnerOpinion, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=opinion_attachment_path, max_length=255)

    class Meta:
        verbose_name = "pièce jointe à un avis"
        verbose_name_plural = "pièces jointes aux avis"
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("aides:opinion_attachment", args=[self.uuid])
