import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


class PreparedState(models.TextChoices):
    PENDING = "pending", "En attente"
    RUNNING = "running", "En préparation"
    READY = "ready", "Prêt"
    FAILED = "failed", "Échec"


IN_PROGRESS = (PreparedState.PENDING, PreparedState.RUNNING)
FINISHED = (PreparedState.READY, PreparedState.FAILED)


class PreparedFileQuerySet(models.QuerySet):
    def alive(self, now=None):
        return self.filter(expires_at__gt=now or timezone.now())

    def of(self, user):
        """``user``'s files: nobody else's, whoever asks."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)


class PreparedFile(models.Model):
    """A file being prepared in the background for its owner (``iae_portal.prepared``)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="demandé par",
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField("type", max_length=64)
    # The kind and parameters hashed (``services.params_key``): the same file asked again.
    key = models.CharField(max_length=64)
    title = models.CharField("intitulé", max_length=200)
    params = models.JSONField("paramètres", default=dict, blank=True)
    # Where the owner came from (the filtered list), for a link back.
    back_url = models.CharField("page d'origine", max_length=2000, blank=True)
    state = models.CharField(
        "état", max_length=16, choices=PreparedState.choices, default=PreparedState.PENDING
    )
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    file = models.FileField("fichier", upload_to="prepares/", blank=True, max_length=300)
    filename = models.CharField("nom du fichier", max_length=200, blank=True)
    failure = models.TextField("échec", blank=True)
    created_at = models.DateTimeField("demandé le", default=timezone.now)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)
    expires_at = models.DateTimeField("disponible jusqu'au", db_index=True)

    objects = PreparedFileQuerySet.as_manager()

    class Meta:
        verbose_name = "fichier préparé"
        verbose_name_plural = "fichiers préparés"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "key"], name="prepared_owner_key")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("prepared:detail", args=[self.uuid])

    @property
    def percent(self):
        if self.state == PreparedState.READY:
            return 100
        return min(100, round(100 * self.done / self.total)) if self.total else 0

    @property
    def finished(self):
        return self.state in FINISHED

    @property
    def expired(self):
        return self.expires_at <= timezone.now()
