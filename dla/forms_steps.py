"""The forms of the accompaniment's steps: one per step, each saved on its own through
``dla.services`` (the forms only read and check the input)."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.forms.models import model_to_dict

from structures.models import Structure
from structures.validators import normalize_siret

from .enums import DiagnosticParticipant, Milestone, ProviderKind
from .models import Accompaniment, Diagnostic, FollowUp, Prestation, Provider, SupportPlan

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})
SEPARATORS = re.compile(r"[\n,;]+")
ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


class SiretListField(forms.CharField):
    """SIRETs of structures of the directory, one per line: gives back the structures."""

    widget = forms.Textarea(attrs={"rows": 2, "class": "mono"})

    def to_python(self, value):
        text = super().to_python(value)
        # Before the lookup (PostgreSQL refuses a NUL byte in a query): the form's error.
        ProhibitNullCharactersValidator()(text)
        sirets = list(dict.fromkeys(normalize_siret(item) for item in SEPARATORS.split(text)))
        sirets = [siret for siret in sirets if siret]
        known = {s.siret: s for s in Structure.objects.filter(siret__in=sirets)}
        unknown = [siret for siret in sirets if siret not in known]
        if unknown:
            raise ValidationError(
                "Aucune structure de l'annuaire n'a ce SIRET : %(sirets)s.",
                params={"sirets": ", ".join(unknown)},
            )
        return [known[siret] for siret in sirets]

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(getattr(s, "siret", s) for s in value)
        return value


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files at once (Django's documented pattern); each is checked by content in
    the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class StepForm(forms.ModelForm):
    """A step's form: prefilled from the recorded step, never saved by itself."""

    def __init__(self, *args, recorded=None, **kwargs):
        if recorded is not None:
            kwargs.setdefault("initial", model_to_dict(recorded, fields=self._meta.fields))
        super().__init__(*args, **kwargs)

    def values(self):
        return {name: self.cleaned_data[name] for name in self._meta.fields}

    def service_kwargs(self):
        """What the step's service takes (its fields by default)."""
        return self.values()


class RequestForm(StepForm):
    structures = SiretListField(
        label="Structures accompagnées",
        help_text="SIRET des structures de l'annuaire, un par ligne.",
    )

    class Meta:
        model = Accompaniment
        fields = [
            "request_date",
            "requester",
            "request_prescriber",
            "urgent",
            "injunction",
            "request_needs",
        ]
        widgets = {"request_date": DATE, "injunction": TEXT, "request_needs": TEXT}
        help_texts = {
            "injunction": "Si un financeur ou une autorité a demandé cet accompagnement.",
        }

    def __init__(self, *args, recorded=None, dlas=None, **kwargs):
        super().__init__(*args, recorded=recorded, **kwargs)
        self.fields["request_date"].required = True
        self.fields["requester"].required = True
        self.fields["request_needs"].required = True
        if recorded is not None and not self.is_bound:
            self.initial["structures"] = list(recorded.structures.all())
        if dlas is not None:
            self.fields["dla"] = forms.ModelChoiceField(
                label="DLA", queryset=dlas, empty_label=None
            )
            self.order_fields(["dla", "structures"])

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "structures": data["structures"],
            "request_date": data["request_date"],
            "requester": data["requester"],
            "request_prescriber": data["request_prescriber"],
            "urgent": data["urgent"],
            "injunction": data["injunction"],
            "needs": data["request_needs"],
        }


class DiagnosticForm(StepForm):
    participants = forms.MultipleChoiceField(
        label="Ont participé",
        choices=DiagnosticParticipant.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Diagnostic
        fields = [
            "date",
            "situation",
            "objectives",
            "stakes",
            "priorities",
            "participants",
            "participants_detail",
        ]
        widgets = {
            "date": DATE,
            "situation": TEXT,
            "objectives": TEXT,
            "stakes": TEXT,
            "priorities": TEXT,
            "participants_detail": forms.TextInput,
        }


class PlanForm(StepForm):
    class Meta:
        model = SupportPlan
        fields = [
            "expected_results",
            "method",
            "terms_objectives",
            "terms_context",
            "terms_deliverables",
            "provider",
            "provider_reason",
            "phases",
            "days",
        ]
        widgets = dict.fromkeys(
            (
                "expected_results",
                "terms_objectives",
                "terms_context",
                "terms_deliverables",
                "provider_reason",
                "phases",
            ),
            TEXT,
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].empty_label = "— à choisir —"
        self.fields["days"].min_value = 0


class PrestationForm(StepForm):
    provider_name = forms.CharField(
        label="Prestataire",
        max_length=255,
        widget=forms.TextInput(attrs={"list": "dla-providers", "autocomplete": "off"}),
        help_text="Un prestataire de l'annuaire, ou un nouveau nom.",
    )
    provider_kind = forms.ChoiceField(
        label="Type de prestataire",
        choices=[("", "— celui de l'annuaire —"), *ProviderKind.choices],
        required=False,
        help_text="Obligatoire pour un nouveau prestataire.",
    )
    beneficiaries = SiretListField(
        label="Structures bénéficiaires",
        help_text="SIRET, un par ligne : une structure pour une prestation individuelle, "
        "plusieurs pour une collective.",
    )
    files = MultipleFileField(
        label="Livrables",
        required=False,
        help_text="PDF, JPEG ou PNG, 10 Mo au plus par fichier : le contenu est vérifié.",
    )

    class Meta:
        model = Prestation
        fields = [
            "mode",
            "theme",
            "prescriber",
            "start_date",
            "end_date",
            "days",
            "cost",
            "recommendations",
        ]
        widgets = {"start_date": DATE, "end_date": DATE, "recommendations": TEXT}

    field_order = ["mode", "theme", "prescriber", "provider_name", "provider_kind"]

    def __init__(self, *args, accompaniment=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].min_value = 0
        self.fields["cost"].min_value = 0
        if accompaniment is not None and not self.is_bound:
            self.initial["beneficiaries"] = list(accompaniment.structures.all())

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "La fin ne peut pas précéder le début.")
        return data

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            **self.values(),
            "beneficiaries": data["beneficiaries"],
            "provider_name": data["provider_name"],
            "provider_kind": data["provider_kind"],
            "files": data["files"],
        }

    @staticmethod
    def provider_names():
        return Provider.objects.order_by("name").values_list("name", flat=True)


class DeliverableForm(forms.Form):
    files = MultipleFileField(
        label="Ajouter des livrables",
        help_text="PDF, JPEG ou PNG, 10 Mo au plus par fichier.",
    )


class FollowUpForm(StepForm):
    milestone = forms.TypedChoiceField(label="Échéance", choices=Milestone.choices, coerce=int)

    class Meta:
        model = FollowUp
        fields = [
            "milestone",
            "contact_date",
            "implemented",
            "entity_created",
            "jobs_kept",
            "jobs_created",
            "new_activity",
            "outcomes",
        ]
        widgets = {"contact_date": DATE, "implemented": TEXT, "outcomes": TEXT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("jobs_kept", "jobs_created"):
            self.fields[name].required = False

    def clean_jobs_kept(self):
        return self.cleaned_data["jobs_kept"] or 0

    def clean_jobs_created(self):
        return self.cleaned_data["jobs_created"] or 0


class CloseForm(forms.Form):
    closed_on = forms.DateField(label="Date de clôture", widget=DATE)
    summary = forms.CharField(
        label="Bilan de la clôture",
        widget=TEXT,
        help_text="Résultats obtenus, suites données, raison de l'arrêt le cas échéant.",
    )

    def service_kwargs(self):
        return {
            "closed_on": self.cleaned_data["closed_on"],
            "summary": self.cleaned_data["summary"],
        }
