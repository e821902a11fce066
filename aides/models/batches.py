import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .dossiers import Campaign, Commission, Dossier
from .letters import LetterSettings
from .schemes import MONEY, AidComputation, ParameterVersion


class BatchState(models.TextChoices):
    PENDING = "pending", "En attente"
    RUNNING = "running", "En cours"
    DONE = "done", "Terminé"
    FAILED = "failed", "Échec"


ACTIVE_BATCH_STATES = (BatchState.PENDING, BatchState.RUNNING)


class BatchKind(models.TextChoices):
    COMPUTE = "compute", "Calcul des montants"
    LETTERS = "letters", "Courriers de la commission"


class Batch(models.Model):
    """A long job on a campaign: "compute all amounts" (with the parameters version of its
    start) or "render the letters of a commission".

    Its items say which dossiers are done, so a restarted worker finishes the rest; at most
    one active batch of each kind per campaign (a database constraint)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=16, choices=BatchKind.choices, default=BatchKind.COMPUTE)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="batches")
    commission = models.ForeignKey(
        Commission, on_delete=models.CASCADE, null=True, blank=True, related_name="batches"
    )
    version = models.ForeignKey(
        ParameterVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=16, choices=BatchState.choices, default=BatchState.PENDING)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    total_amount = models.DecimalField(default=0, **MONEY)
    failure = models.TextField(blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The runner working on the batch holds it until then; a crashed runner's lease expires.
    lease_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "traitement groupé"
        verbose_name_plural = "traitements groupés"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "kind"],
                condition=Q(state__in=ACTIVE_BATCH_STATES),
                name="batch_one_active_per_campaign_and_kind",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.campaign} ({self.created_at:%d/%m/%Y %H:%M})"

    @property
    def percent(self):
        return round(100 * self.done / self.total) if self.total else 100


class BatchItem(models.Model):
    """One dossier done by a batch: its previous and new results, or its letters."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="items")
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="+")
    previous = models.ForeignKey(
        AidComputation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    computation = models.ForeignKey(
        AidComputation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    old_total = models.DecimalField(null=True, blank=True, **MONEY)
    new_total = models.DecimalField(null=True, blank=True, **MONEY)
    changed = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    letter = models.FileField(upload_to="courriers/", blank=True)
    convention = models.FileField(upload_to="courriers/", blank=True)
    # The letterhead and signatory the letters were rendered with.
    letter_settings = models.ForeignKey(
        LetterSettings,
        verbose_name="paramètres des courriers",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["batch", "dossier"], name="batch_item_once_per_dossier")
        ]

    def __str__(self):
        return f"{self.batch_id}/{self.dossier_id}"
