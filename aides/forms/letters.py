"""The letter settings page's form: the texts of a new version and why it is made."""

from django import forms

from ..models import LetterSettings


class LetterSettingsForm(forms.ModelForm):
    """Read with ``cleaned_data`` by the service (``letter_settings_change``), never saved
    by itself: a version is never rewritten."""

    reason = forms.CharField(
        label="Motif du changement",
        help_text="Par exemple : changement de signataire au 1er mars (arrêté de délégation).",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    based_on = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = LetterSettings
        fields = LetterSettings.TEXT_FIELDS
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "payment_terms": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, current, **kwargs):
        initial = {**current.texts(), "based_on": current.number}
        super().__init__(*args, initial=initial, **kwargs)

    def values(self):
        return {field: self.cleaned_data[field] for field in LetterSettings.TEXT_FIELDS}
