from django import forms

from iae_portal.forms import CsvUploadField


class DlaImportForm(forms.Form):
    file = CsvUploadField()


class BilanForm(forms.Form):
    year = forms.TypedChoiceField(label="Année", coerce=int)
    department = forms.ChoiceField(label="Département", required=False)

    def __init__(self, data, *, years, departments):
        super().__init__(data)
        self.fields["year"].choices = [(y, str(y)) for y in years]
        self.fields["department"].choices = [("", "Tous"), *departments]
