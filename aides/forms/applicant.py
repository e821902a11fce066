"""Forms of the applicant's pages: create a dossier, its data (the simulator's form with the
structure's kind fixed), its supporting documents; and the French summary of saved data."""

from decimal import Decimal

from django import forms
from django.db.models import Prefetch
from django.utils import formats, timezone

from structures.enums import MembershipRole
from structures.models import Structure

from ..enums import DocumentKind
from ..models import Campaign, ParameterVersion
from .simulation import MONEY, SECTION_FORMS, SimulationForm, section_formsets


def directed_structures(user):
    """The structures ``user`` directs (active membership), by name."""
    return Structure.objects.filter(
        memberships__user=user,
        memberships__is_active=True,
        memberships__role=MembershipRole.DIRECTEUR,
    ).order_by("name")


def open_campaigns(kinds):
    """Open campaigns whose scheme accepts one of ``kinds``, with their current parameters."""
    today = timezone.localdate()
    campaigns = (
        Campaign.objects.filter(opens_on__lte=today, closes_on__gte=today)
        .select_related("scheme")
        .prefetch_related(
            Prefetch(
                "scheme__versions",
                queryset=ParameterVersion.objects.order_by("-number"),
                to_attr="versions_newest_first",
            )
        )
    )
    return [c for c in campaigns if set(c.scheme.eligible_kinds) & set(kinds)]


class StructureChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_kind_display()}, SIRET {obj.siret})"


class CampaignChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.scheme.name} — {obj.label_under_scheme} (jusqu'au {obj.closes_on:%d/%m/%Y})"


class DossierCreateForm(forms.Form):
    """A structure the user directs and an open campaign whose scheme accepts its kind."""

    structure = StructureChoiceField(
        label="Structure", queryset=Structure.objects.none(), to_field_name="siret"
    )
    campaign = CampaignChoiceField(
        label="Appel à candidatures",
        queryset=Campaign.objects.none(),
        to_field_name="uuid",
        help_text="Seuls les appels ouverts aujourd'hui, dont le dispositif accepte votre "
        "type de structure, sont proposés.",
    )
    title = forms.CharField(label="Intitulé du projet", max_length=255)

    def __init__(self, *args, structures, **kwargs):
        super().__init__(*args, **kwargs)
        structures = list(structures)
        self.fields["structure"].queryset = Structure.objects.filter(
            pk__in=[s.pk for s in structures]
        ).order_by("name")
        campaigns = open_campaigns({s.kind for s in structures})
        self.has_campaigns = bool(campaigns)
        if len(campaigns) == 1 and not self.initial.get("campaign"):
            self.initial["campaign"] = str(campaigns[0].uuid)
        self.fields["campaign"].queryset = (
            Campaign.objects.filter(pk__in=[c.pk for c in campaigns])
            .select_related("scheme")
            .order_by("scheme__name", "name")
        )

    def clean(self):
        cleaned = super().clean()
        structure, campaign = cleaned.get("structure"), cleaned.get("campaign")
        if structure and campaign and structure.kind not in campaign.scheme.eligible_kinds:
            self.add_error(
                "campaign",
                f"Le dispositif « {campaign.scheme.name} » n'est pas ouvert aux structures "
                f"de type « {structure.get_kind_display()} ».",
            )
        return cleaned


class DossierHeadForm(forms.Form):
    """What the data step saves besides the scheme's data, and the version the user saw."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label="Intitulé du projet", max_length=255)
    requested_amount = forms.DecimalField(
        label="Montant demandé (€)",
        required=False,
        help_text="Laissez vide pour demander le montant calculé.",
        **MONEY,
    )


class DossierDataForm(SimulationForm):
    """The simulator's form without the kind: the dossier's structure gives it."""

    def __init__(self, *args, kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        del self.fields["kind"]

    def clean(self):
        cleaned = super().clean()
        cleaned["kind"] = self.kind
        return cleaned

    def case_data(self):
        """The dossier's data: the simulate contract's input without scheme and structure."""
        case = super().case_data()
        del case["structure"]
        return case


def data_formsets(layout, data=None, rows=None):
    """The section formsets of the simulator, unbound ones showing the saved ``rows``."""
    formsets = section_formsets(layout, data)
    if data is not None or not rows:
        return formsets
    return {
        name: type(formset)(
            prefix=formset.prefix, form_kwargs=formset.form_kwargs, initial=rows.get(name)
        )
        for name, formset in formsets.items()
    }


def case_from(form, formsets):
    """The contract's input of valid forms; untouched rows are left out."""
    case = form.case_data()
    for name, formset in formsets.items():
        case[name] = [row.item() for row in formset if row.has_changed()]
    return case


def initial_from(data):
    """``(form initial, {section: rows initial})`` of a dossier's saved data."""
    data = dict(data or {})
    initial = {name: data.get(name) for name in ("years", "rate_mode", *SimulationForm.OPERATING)}
    initial = {k: v for k, v in initial.items() if v is not None} | dict(data.get("flags", {}))
    team = dict(data.get("team", {}))
    if team.get("young_share") is not None:
        team["young_share"] = Decimal(str(team["young_share"])) * 100
    initial |= team
    rows = {}
    for section in SECTION_FORMS:
        rows[section] = []
        for item in data.get(section, []):
            row = {k: v for k, v in item.items() if k != "holder"}
            if isinstance(item.get("holder"), dict):
                row |= {f"holder_{k}": v for k, v in item["holder"].items()}
            rows[section].append(row)
    return initial, rows


# -- French summary of saved data ----------------------------------------------------------


def display(field, value):
    """A saved value as the form would show it, in French."""
    if isinstance(field, forms.BooleanField):
        return "Oui" if value else "Non"
    if isinstance(field, forms.MultipleChoiceField):
        labels = dict(field.choices)
        return ", ".join(str(labels.get(v, v)) for v in value or ()) or "—"
    if isinstance(field, forms.ChoiceField):
        return str(dict(field.choices).get(value, value)) if value not in (None, "") else "—"
    if isinstance(field, forms.DecimalField | forms.IntegerField) and value not in (None, ""):
        return formats.number_format(Decimal(str(value)), use_l10n=True, force_grouping=True)
    return "—" if value in (None, "") else str(value)


def summary_rows(form):
    """``[(label, value)]`` of an unbound form's initial values, in the form's order."""
    return [
        (field.label, display(field, form.initial[name]))
        for name, field in form.fields.items()
        if form.initial.get(name) not in (None, "")
    ]


def section_table(formset):
    """``(column labels, rows of values)`` of an unbound formset's initial rows."""
    fields = formset.empty_form.fields
    columns = [field.label for field in fields.values()]
    rows = [
        [display(field, row.get(name)) for name, field in fields.items()]
        for row in formset.initial or ()
    ]
    return columns, rows


# -- Supporting documents ------------------------------------------------------------------


class DocumentFileForm(forms.Form):
    """A file, checked by content in the service (``iae_portal.uploads.sniff``): the replacement of
    a document."""

    file = forms.FileField(
        label="Fichier",
        help_text="PDF, JPEG ou PNG, 10 Mo au plus : le contenu du fichier est vérifié.",
        widget=forms.FileInput(
            attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
        ),
    )


class DocumentForm(DocumentFileForm):
    """A new document: its kind, then its file."""

    kind = forms.ChoiceField(label="Type de pièce")
    field_order = ["kind", "file"]

    def __init__(self, *args, required_kinds, missing_kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(DocumentKind.choices)
        others = [
            (code, label) for code, label in DocumentKind.choices if code not in required_kinds
        ]
        required = [(code, labels.get(code, code)) for code in required_kinds]
        self.fields["kind"].choices = [
            *([("Pièces demandées par le dispositif", required)] if required else []),
            ("Autres pièces", others),
        ]
        if missing_kinds:
            self.fields["kind"].initial = missing_kinds[0]


# -- Bad input from the rules, in French ---------------------------------------------------
