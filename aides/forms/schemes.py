"""The forms of a scheme that staff write: its texts (a new scheme also names its code, its
region and its rule kind) and the parameters of its rule kind."""

import re

from django import forms
from django.urls import Resolver404, resolve, reverse
from localflavor.fr.fr_region import REGION_CHOICES

from structures.reference import departments, regions

from .. import rules
from ..enums import (
    DocumentKind,
)
from ..models import AidScheme
from ..presenters import CODE_LABELS
from ..rules import params as P
from ..services.schemes import SCHEME_FIELDS
from .financing import FrenchDecimalField
from .simulation import KIND_CHOICES, MONEY
from .staff import DATE_WIDGET

CODE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A scheme's own pages: its code must lead to them, not to another page of the portal.
SCHEME_PAGES = ("scheme_detail", "scheme_edit", "scheme_parameters")


class SchemeForm(forms.Form):
    """The descriptive fields of a scheme that staff edit."""

    name = forms.CharField(label="Nom", max_length=255)
    description = forms.CharField(
        label="Description", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    legal_basis_reference = forms.CharField(
        label="Délibération (référence)", max_length=120, required=False
    )
    legal_basis_date = forms.DateField(
        label="Délibération (date)", required=False, widget=DATE_WIDGET
    )
    required_documents = forms.MultipleChoiceField(
        label="Pièces justificatives",
        choices=DocumentKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    budget_envelope = forms.DecimalField(label="Enveloppe budgétaire (€)", required=False, **MONEY)
    public_funding_cap = FrenchDecimalField(
        label="Plafond de financement public (% du coût du projet)",
        unit="%",
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        required=False,
        help_text="Par exemple 80 pour 80 % : la part des financements publics (Région, "
        "État, Département, FSE, autres collectivités) dans le coût du projet au-delà de "
        "laquelle le plan de financement est signalé. Vide : pas de plafond.",
        error_messages={"invalid": "Saisissez un pourcentage entre 0 et 100, par exemple 80."},
    )
    public_cap_blocking = forms.BooleanField(
        label="Plafond bloquant pour l'avis d'instruction",
        required=False,
        help_text="Coché : un avis favorable ne peut pas être rendu sur un plan qui dépasse "
        "le plafond. Sinon l'instructeur en est seulement averti.",
    )
    active_from = forms.DateField(label="Ouvert à partir du", required=False, widget=DATE_WIDGET)
    active_until = forms.DateField(label="Ouvert jusqu'au", required=False, widget=DATE_WIDGET)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("active_from"), cleaned.get("active_until")
        if start and end and end < start:
            self.add_error("active_until", "La fin doit être postérieure au début.")
        if cleaned.get("public_cap_blocking") and cleaned.get("public_funding_cap") is None:
            self.add_error(
                "public_cap_blocking", "Indiquez le plafond de financement public qui bloque."
            )
        return cleaned


def origin_choices():
    """The regions a scheme may come from, by the names the catalogue reads: today's
    regions, the regions before 2016 (as the sources name them), the départements."""
    today = [(name, name) for _, name in regions()]
    names = {name for name, _ in today}
    former = sorted(name for _, name in REGION_CHOICES if name not in names)
    return [
        ("", "Choisir une région ou un département"),
        ("Régions", today),
        ("Anciennes régions (avant 2016)", [(name, name) for name in former]),
        ("Départements", [(name, f"{name} ({code})") for code, name, _ in departments()]),
    ]


class SchemeCreateForm(SchemeForm):
    """A new scheme: its code, region and rule kind (which no later change touches), then
    the texts any scheme has."""

    code = forms.CharField(
        label="Code",
        max_length=64,
        help_text="Il figure dans l'adresse des pages du dispositif et ne change plus : "
        "minuscules sans accent, chiffres et tirets (par exemple ge-investissement-vert).",
    )
    origin_region = forms.ChoiceField(label="Région d'origine", choices=origin_choices)
    rule_kind = forms.ChoiceField(
        label="Règle de calcul",
        help_text="Elle fixe les données demandées au porteur et le calcul ; ses paramètres "
        "(taux, plafonds, structures éligibles…) se règlent à l'étape suivante.",
    )
    source_text = forms.CharField(
        label="Texte de la délibération",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Les conditions et montants tels que la délibération les écrit.",
    )
    retained_reading = forms.CharField(
        label="Lecture retenue",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Comment le service lit ce texte quand il laisse un choix.",
    )

    # What only a new scheme sets, then the texts, then what staff may change later.
    field_order = (
        "code",
        "name",
        "origin_region",
        "rule_kind",
        "description",
        "source_text",
        "retained_reading",
        *(field for field in SCHEME_FIELDS if field not in ("name", "description")),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = "Nom du dispositif"
        # Read at each form: a rule kind added to the registry is offered at once.
        self.fields["rule_kind"].choices = [
            ("", "Choisir une règle de calcul"),
            *rules.kind_choices(),
        ]

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not CODE.match(code):
            raise forms.ValidationError(
                "Le code ne prend que des minuscules sans accent, des chiffres et des tirets "
                "(par exemple ge-investissement-vert)."
            )
        for page in SCHEME_PAGES:
            try:
                found = resolve(reverse(f"aides:{page}", args=[code])).url_name
            except Resolver404:
                found = None
            if found != page:
                raise forms.ValidationError(
                    "Ce code est celui d'une page du portail : choisissez-en un autre."
                )
        if AidScheme.objects.filter(code=code).exists():
            raise forms.ValidationError(
                "Un dispositif porte déjà ce code : choisissez-en un autre."
            )
        return code

    def scheme_data(self):
        return {name: self.cleaned_data[name] for name in self.field_order}

    def rule_kind_label(self):
        return dict(rules.kind_choices()).get(self.cleaned_data.get("rule_kind"))


class ParametersForm(forms.Form):
    """One field per parameter of the rule kind, plus the mandatory reason of the change."""

    reason = forms.CharField(
        label="Motif de la modification",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Par exemple : délibération n° 2026-123 du 12 novembre 2026.",
    )

    def __init__(self, *args, rule_kind, current, reason_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rule_kind = rule_kind
        spec = self.spec = rules.RULES[rule_kind].PARAMETERS
        fields = {}
        for param in spec:
            value = current[param.name]
            if param.kind in (P.KIND_LIST, P.CODES):
                choices = KIND_CHOICES if param.kind == P.KIND_LIST else _code_choices(param)
                fields[param.name] = forms.MultipleChoiceField(
                    label=param.label,
                    choices=choices,
                    initial=list(value),
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                )
            else:
                help_text = {
                    P.RATE: "Taux entre 0 et 1 (0,25 pour 25 %).",
                    P.RATES: "Taux séparés par des points-virgules, année par année (0,25 ; 0,20).",
                    P.AMOUNTS: "Montants séparés par des points-virgules.",
                }.get(param.kind, "")
                initial = (
                    " ; ".join(_fr(v) for v in value) if param.kind in P.LIST_KINDS else _fr(value)
                )
                fields[param.name] = forms.CharField(
                    label=param.label, initial=initial, help_text=help_text
                )
        self.fields = {**fields, "reason": self.fields["reason"]}
        if reason_label:
            self.fields["reason"].label = reason_label

    def clean(self):
        cleaned = super().clean()
        values = {name: cleaned[name] for name in (p.name for p in self.spec) if name in cleaned}
        try:
            self.parameters = rules.clean_parameters(self.rule_kind, values)
        except rules.ParameterError as error:
            self.add_error(error.name, error.message)
        return cleaned


def _fr(value):
    return str(value).replace(".", ",")


def _code_choices(param):
    return [(code, CODE_LABELS.get(code, code)) for code in param.choices]
