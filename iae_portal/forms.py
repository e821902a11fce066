"""Form pieces shared by the apps."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError


class CsvUploadField(forms.FileField):
    """The CSV file of an import page: at most ``IAE_IMPORT_MAX_SIZE`` (20 MB: a 50,000-line
    DLA file is 10.3 MB, 5,000 structures about 1 MB); its content is checked line by line
    by the app's importer."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Fichier CSV")
        kwargs.setdefault(
            "help_text", "UTF-8, séparateur virgule, ligne d'en-tête (voir le format ci-dessous)."
        )
        super().__init__(**kwargs)

    @property
    def max_size(self):
        return settings.IAE_IMPORT_MAX_SIZE

    def validate(self, value):
        super().validate(value)
        if value and value.size > self.max_size:
            megabytes = f"{self.max_size / (1024 * 1024):g}".replace(".", ",")
            raise ValidationError(
                f"Le fichier dépasse la taille maximale de {megabytes} Mo.", code="too_big"
            )
