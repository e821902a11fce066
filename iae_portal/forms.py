"""Form pieces shared by the apps."""

from django import forms
from django.core.exceptions import ValidationError


class CsvUploadField(forms.FileField):
    """The CSV file of an import page: at most 5 MB (5,000 structures take about 1 MB);
    its content is checked line by line by the app's importer."""

    max_size = 5 * 1024 * 1024

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Fichier CSV")
        kwargs.setdefault(
            "help_text", "UTF-8, séparateur virgule, ligne d'en-tête (voir le format ci-dessous)."
        )
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value and value.size > self.max_size:
            raise ValidationError("Le fichier dépasse 5 Mo.", code="too_big")
