from django.conf import settings
from django.db import models

DEFAULT_PAYMENT_TERMS = (
    "L'aide est versée chaque année selon l'échéancier de l'annexe financière, sur présentation du bilan "
    "de l'année écoulée. La Région peut demander le reversement des sommes non justifiées."
)


class LetterSettings(models.Model):
    """What the council's letters say about the council: one row, edited by staff."""

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
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "paramètres des courriers"
        verbose_name_plural = "paramètres des courriers"

    def __str__(self):
        return self.council_name

    @classmethod
    def current(cls):
        settings_row, _ = cls.objects.get_or_create(pk=1)
        return settings_row
