from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

DEFAULT_PAYMENT_TERMS = (
    "L'aide est versée chaque année selon l'échéancier de l'annexe financière, sur présentation du bilan "
    "de l'année écoulée. La Région peut demander le reversement des sommes non justifiées."
)
FIRST_REASON = "Paramètres par défaut du portail."


class LetterSettings(models.Model):
    """What the council's letters say about the council (letterhead, signatory, payment
    terms): versioned like a scheme's parameters. A change is a new version (who, when,
    why), never a rewrite; a letter is rendered with the latest version, and a stored letter
    (``BatchItem``) keeps the version it was rendered with."""

    # What a version says; the rest (number, who, when, why) is about the version.
    TEXT_FIELDS = (
        "council_name",
        "service_name",
        "address",
        "city",
        "signatory_name",
        "signatory_title",
        "payment_terms",
    )

    number = models.PositiveIntegerField("version", unique=True)
    council_name = models.CharField(
        "collectivité", max_length=200, default=settings.PORTAL_COUNCIL_NAME
    )
    service_name = models.CharField(
        "service", max_length=200, default="Direction de l'économie sociale et solidaire"
    )
    address = models.TextField("adresse", default="1 place Gabriel Hocquard\n57000 Metz")
    city = models.CharField("ville de signature", max_length=100, default="Metz")
    signatory_name = models.CharField(
        "signataire", max_length=200, default="La Présidente du Conseil régional"
    )
    signatory_title = models.CharField(
        "qualité du signataire",
        max_length=200,
        blank=True,
        default="Par délégation, le Directeur général des services",
    )
    payment_terms = models.TextField("modalités de versement", default=DEFAULT_PAYMENT_TERMS)
    created_at = models.DateTimeField("enregistrée le", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="par",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField("motif")

    class Meta:
        verbose_name = "paramètres des courriers"
        verbose_name_plural = "paramètres des courriers"
        ordering = ["-number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__gte=1), name="letter_settings_version_positive"
            ),
        ]

    def __str__(self):
        return f"Paramètres des courriers, version {self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Letter settings are never changed: make a new version.")
        super().save(*args, **kwargs)

    def texts(self):
        return {field: getattr(self, field) for field in self.TEXT_FIELDS}

    @classmethod
    def current(cls):
        """The latest version (version 1, the portal's defaults, when there is none yet)."""
        latest = cls.objects.order_by("-number").first()
        if latest is None:
            latest, _ = cls.objects.get_or_create(number=1, defaults={"reason": FIRST_REASON})
        return latest
