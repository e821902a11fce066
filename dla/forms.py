from django import forms
from django.core.exceptions import ValidationError


class DlaImportForm(forms.Form):
    file = forms.FileField(
        label="Fichier CSV",
        help_text="UTF-8, séparateur virgule, ligne d'en-tête (voir le format ci-dessous).",
    )

    MAX_SIZE = 5 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_SIZE:
            raise ValidationError("Le fichier dépasse 5 Mo.")
        return upload


class BilanForm(forms.Form):
    year = forms.TypedChoiceField(label="Année", coerce=int)
    department = forms.ChoiceField(label="Département", required=False)

    def __init__(self, data, *, years, departments):
        super().__init__(data)
        self.fields["year"].choices = [(y, str(y)) for y in years]
        self.fields["department"].choices = [("", "Tous"), *departments]
