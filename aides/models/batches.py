import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .dossiers import Campaign, Dossier
from .schemes import MONEY, AidComputation, ParameterVersion


class BatchState(models.TextChoices):
    PENDING = "pending", "En attente"
    RUNNING = "running", "En cours"
    DONE = "done", "Terminé"
    FAILED = "failed", "Échec"


ACTIVE_BATCH_STATES = (BatchState.PENDING, BatchState.RUNNING)


class ComputationBatch(models.Model):
    """ "Compute all amounts" for a campaign, with the parameters version of its start.

    Its items say which dossiers are done, so a restarted worker finishes the rest; at most
    one active batch per campaign (a database constraint)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="batches")
    version = models.ForeignKey(ParameterVersion, on_delete=models.PROTECT, related_name="+")
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
        verbose_name = "calcul groupé"
        verbose_name_plural = "calculs groupés"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign"],
                condition=Q(state__in=ACTIVE_BATCH_STATES),
                name="batch_one_active_per_campaign",
            )
        ]

    def __str__(self):
        return f"Calcul {self.campaign} du {self.created_at:%d/%m/%Y %H:%M}"

    @property
    def percent(self):
        return round(100 * self.done / self.total) if self.total else 100


class BatchItem(models.Model):
    """One dossier computed by a batch: its previous and new results."""

    batch = models.ForeignKey(ComputationBatch, on_delete=models.CASCADE, related_name="items")
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

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["batch", "dossier"], name="batch_item_once_per_dossier")
        ]

    def __str__(self):
        return f"{self.batch_id}/{self.dossier_id}"
