from decimal import Decimal

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from iae_portal.forms import CsvUploadField
from iae_portal.users.models import User

from .enums import MembershipRole, Network
from .models import Convention, Structure, YearlyFigures
from .models.invitation import INVITATION_VALIDITY
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


class InvitationForm(forms.Form):
    """Invite someone by e-mail: the answer is the same whether an account uses the
    address or not (no lookup here)."""

    email = forms.EmailField(
        label="Adresse e-mail de la personne",
        help_text=f"Elle recevra un lien, valable {INVITATION_VALIDITY.days} jours, pour "
        "rejoindre la structure.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label="Rôle", choices=MembershipRole.choices, initial=MembershipRole.SALARIE
    )


class InvitationAccountForm(forms.Form):
    """The invited address has no account: create it while accepting."""

    first_name = forms.CharField(
        label="Prénom", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label="Nom", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    password1 = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Au moins 12 caractères, pas uniquement des chiffres, sans rapport avec "
        "votre nom ou votre adresse.",
    )
    password2 = forms.CharField(
        label="Confirmation du mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "Les deux mots de passe ne sont pas identiques.")
        elif first:
            candidate = User(
                email=self.email,
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(first, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class StructureImportForm(forms.Form):
    file = CsvUploadField()
    partial = forms.BooleanField(
        label="Importer les lignes valides même si d'autres sont en erreur", required=False
    )
