"""Forms of the facilitators' partnership agreements and their quarterly reviews (issue 19,
part 5)."""

from django import forms
from django.core.validators import MaxValueValidator

from .models import Buyer, PartnershipAgreement, QuarterlyReview

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_YEARS = 10
MAX_HOURS = 10_000_000


class _Unknown:
    """A choice of rows whose key cannot even be looked up (a huge number: the database
    overflows) is an unknown choice, not an error of the server."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except OverflowError:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None

    def _check_values(self, value):
        try:
            return super()._check_values(value)
        except OverflowError:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": ""},
            ) from None


class FacilitatorField(_Unknown, forms.ModelChoiceField):
    pass


class BuyersField(_Unknown, forms.ModelMultipleChoiceField):
    pass


class AgreementForm(forms.ModelForm):
    class Meta:
        model = PartnershipAgreement
        fields = [
            "facilitator",
            "title",
            "buyers",
            "partners",
            "start_date",
            "end_date",
            "hours_objective",
            "objectives",
        ]
        field_classes = {"facilitator": FacilitatorField, "buyers": BuyersField}
        widgets = {
            "buyers": forms.CheckboxSelectMultiple,
            "partners": forms.Textarea(attrs={"rows": 3}),
            "objectives": forms.Textarea(attrs={"rows": 4}),
            "start_date": DATE,
            "end_date": DATE,
        }
        help_texts = {
            "buyers": "Les heures déclarées sur les lots de leurs marchés que suit le "
            "facilitateur comptent pour l'objectif.",
            "hours_objective": "Sur toute la durée de la convention.",
            "objectives": "Publics visés, nombre de participants, sorties en emploi…",
        }
        error_messages = {
            "buyers": {"required": "Choisissez au moins un acheteur signataire."},
            "facilitator": {"invalid_choice": "Choisissez un des facilitateurs proposés."},
        }

    def __init__(self, *args, facilitators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facilitator"].queryset = facilitators
        self.fields["facilitator"].empty_label = None
        self.fields["buyers"].queryset = Buyer.objects.order_by("name", "kind")
        objective = self.fields["hours_objective"]
        objective.max_value = MAX_HOURS
        objective.validators.append(
            MaxValueValidator(MAX_HOURS, message="L'objectif est de 10 000 000 heures au plus.")
        )
        objective.widget.attrs.update({"min": 0, "max": MAX_HOURS, "inputmode": "numeric"})

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        for name, day in (("start_date", start), ("end_date", end)):
            if day and not FIRST_YEAR <= day.year <= LAST_YEAR:
                self.add_error(name, f"Indiquez une date entre {FIRST_YEAR} et {LAST_YEAR}.")
                return data
        if start and end and end < start:
            self.add_error("end_date", "La fin ne peut pas précéder le début.")
        elif start and end and end > _years_after(start, MAX_YEARS):
            self.add_error("end_date", f"Une convention dure {MAX_YEARS} ans au plus.")
        return data

    def service_kwargs(self):
        data = self.cleaned_data
        return {name: data[name] for name in self._meta.fields}


def _years_after(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class ReviewForm(forms.ModelForm):
    """A quarter's review meeting, and minutes to attach (checked by content and scanned by
    ``iae_portal.uploads.uploaded`` in the service)."""

    minutes = forms.FileField(
        label="Joindre un compte rendu",
        required=False,
        help_text="PDF, JPEG ou PNG, 10 Mo au plus.",
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
    )

    class Meta:
        model = QuarterlyReview
        fields = ["held_on", "attendees", "summary"]
        widgets = {
            "held_on": DATE,
            "attendees": forms.Textarea(attrs={"rows": 3}),
            "summary": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {"attendees": "Une personne ou une structure par ligne."}

    def __init__(self, *args, start, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.start, self.today = start, today
        self.fields["held_on"].required = True
        self.fields["held_on"].error_messages["required"] = "Indiquez la date de la réunion."

    def clean_held_on(self):
        day = self.cleaned_data["held_on"]
        if day < self.start:
            raise forms.ValidationError(
                f"La réunion ne peut pas précéder le début du trimestre ({self.start:%d/%m/%Y})."
            )
        if day > self.today:
            raise forms.ValidationError("La réunion ne peut pas être dans le futur.")
        return day

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "held_on": data["held_on"],
            "attendees": data["attendees"],
            "summary": data["summary"],
            "minutes": data["minutes"] or None,
        }
