from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from iae_portal.forms import CsvUploadField
from iae_portal.users.models import User

from .enums import MembershipRole, Network
from .models import Convention, Structure, YearlyFigures
from .services import FIGURES_FIELDS, STRUCTURE_FIELDS
from .validators import normalize_siret, validate_siret


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class StructureForm(forms.ModelForm):
    networks = forms.MultipleChoiceField(
        label="Réseaux d'appartenance",
        choices=Network.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Structure
        fields = [name.removesuffix("_id") for name in STRUCTURE_FIELDS]
        widgets = {"activity": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, can_change_siret=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["siret"].widget.attrs.update(inputmode="numeric", autocomplete="off")
        self.fields["siret"].help_text = "14 chiffres, espaces acceptés."
        if not can_change_siret:
            self.fields["siret"].disabled = True

    def clean_siret(self):
        siret = normalize_siret(self.cleaned_data["siret"])
        validate_siret(siret)
        return siret

    def service_data(self):
        data = dict(self.cleaned_data)
        data["department_id"] = data.pop("department").code
        data.pop("networks", None)
        return data


class ConventionForm(forms.ModelForm):
    class Meta:
        model = Convention
        fields = ["kind", "number", "start_date", "end_date"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "La fin doit être postérieure au début.")
        return cleaned


class YearlyFiguresForm(forms.ModelForm):
    class Meta:
        model = YearlyFigures
        fields = FIGURES_FIELDS

    def clean(self):
        cleaned = super().clean()
        subsidies = cleaned.get("public_subsidies") or Decimal(0)
        total = cleaned.get("total_resources") or Decimal(0)
        if subsidies > total:
            self.add_error(
                "public_subsidies",
                "Les subventions publiques ne peuvent dépasser le total des ressources.",
            )
        return cleaned


class MembershipAddForm(forms.Form):
    email = forms.EmailField(label="Adresse e-mail de la personne")
    role = forms.ChoiceField(label="Rôle", choices=MembershipRole.choices)

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        try:
            self.user = User.objects.get(email=email, is_active=True)
        except User.DoesNotExist:
            raise ValidationError(
                "Aucun compte actif n'utilise cette adresse : demandez à un administrateur "
                "de créer le compte."
            ) from None
        return email


class StructureImportForm(forms.Form):
    file = CsvUploadField()
    partial = forms.BooleanField(
        label="Importer les lignes valides même si d'autres sont en erreur", required=False
    )
