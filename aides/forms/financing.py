"""The financing plan's form (the project's cost, then one row per funder, added without
JavaScript), and the French decimal field it and the scheme's cap use."""

import datetime
from decimal import Decimal

from django import forms

from ..enums import DocumentKind, FunderKind, FundingStatus
from ..models import DossierDocument
from ..services.financing import LineInput

SPACES = (" ", "\u00a0", "\u202f", "\t")
MAX_LINES = 30


class FrenchDecimalField(forms.DecimalField):
    """A number as people type it in France: « 1 234,56 », « 1234.56 », « 80 % »,
    « 12 000 € » (spaces, the unit and a decimal comma accepted); shown with a comma."""

    def __init__(self, *, unit="", **kwargs):
        self.unit = unit
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            for space in SPACES:
                value = value.replace(space, "")
            if self.unit:
                value = value.removesuffix(self.unit)
            value = value.replace(",", ".")
        return super().to_python(value)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            text = f"{value:f}"
            if self.unit == "%" and "." in text:
                text = text.rstrip("0").rstrip(".")  # 80,00 % reads 80
            return text.replace(".", ",")
        return value


def euro_field(label, **kwargs):
    return FrenchDecimalField(
        label=label,
        unit="€",
        max_digits=12,
        decimal_places=2,
        min_value=0,
        error_messages={"invalid": "Saisissez un montant en euros, par exemple 12 500,00."},
        **kwargs,
    )


class PlanForm(forms.Form):
    """The project's cost, and the version of the plan the director loaded."""

    total_cost = euro_field(
        "Coût total du projet (€)",
        help_text="Toutes les dépenses du projet, que la Région et les autres financeurs "
        "couvrent ensemble.",
    )
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        cleaned = super().clean()
        text = cleaned.get("seen")
        try:
            cleaned["seen"] = datetime.datetime.fromisoformat(text) if text else None
        except ValueError:  # the field is hidden: the error is the form's
            self.add_error(None, "Le formulaire n'est plus valable : rechargez la page.")
        return cleaned


class DocumentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.original_name} (déposé le {obj.uploaded_at:%d/%m/%Y})"


class LineForm(forms.Form):
    funder = forms.ChoiceField(
        label="Financeur", choices=[("", "Choisir un financeur"), *FunderKind.choices]
    )
    label = forms.CharField(label="Précision", max_length=200, required=False)
    amount = euro_field("Montant (€)")
    status = forms.ChoiceField(
        label="État", choices=FundingStatus.choices, initial=FundingStatus.DEMANDE
    )
    document = DocumentChoiceField(
        label="Justificatif déjà déposé",
        queryset=DossierDocument.objects.none(),
        to_field_name="uuid",
        required=False,
        empty_label="Aucun",
        error_messages={"invalid_choice": "Choisissez un justificatif de ce dossier."},
    )
    upload = forms.FileField(
        label="Ou nouveau justificatif",
        required=False,
        widget=forms.FileInput(
            attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
        ),
    )

    def __init__(self, *args, documents, choosing=True, **kwargs):
        super().__init__(*args, **kwargs)
        # The help texts are the page's, once above the rows.
        self.fields["document"].queryset = documents
        if not choosing:
            del self.fields["document"]  # nothing to choose yet: the upload alone
            self.fields["upload"].label = "Justificatif"

    def line(self):
        data = self.cleaned_data
        return LineInput(
            funder=data["funder"],
            label=data["label"],
            amount=data["amount"],
            status=data["status"],
            document=data.get("document"),
            upload=data["upload"] or None,
        )


class BaseLineFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields[forms.formsets.DELETION_FIELD_NAME].label = "Retirer cette ligne"

    def kept(self):
        """The forms of the lines to save (after ``is_valid``): filled in and not removed,
        in order."""
        return [
            form
            for form in self.forms
            if form.has_changed() and not form.cleaned_data.get(forms.formsets.DELETION_FIELD_NAME)
        ]


LineFormSet = forms.formset_factory(
    LineForm,
    formset=BaseLineFormSet,
    extra=0,
    can_delete=True,
    max_num=MAX_LINES,
    validate_max=True,
)
PREFIX = "lignes"


def plan_documents(dossier):
    """The documents a line may point to: the dossier's current justificatifs."""
    return dossier.documents.current().filter(kind=DocumentKind.JUSTIFICATIF_COFINANCEMENT)


def line_formset(dossier, data=None, files=None, plan=None, adding=False):
    """The rows: bound (every row counted as new: an emptied one is dropped, not
    required), with one more when ``adding``; unbound, the plan's lines and an empty row
    (three for a new plan)."""
    documents = plan_documents(dossier)
    kwargs = {
        "prefix": PREFIX,
        "form_kwargs": {"documents": documents, "choosing": documents.exists()},
    }
    if data is not None:
        data = data.copy()
        if f"{PREFIX}-INITIAL_FORMS" in data:
            data[f"{PREFIX}-INITIAL_FORMS"] = "0"
        if adding:
            try:
                count = int(data.get(f"{PREFIX}-TOTAL_FORMS", 0))
            except ValueError:
                count = 0
            data[f"{PREFIX}-TOTAL_FORMS"] = str(min(max(count, 0) + 1, MAX_LINES))
        return LineFormSet(data, files, **kwargs)
    lines = list(plan.lines.all()) if plan else []
    initial = [
        {
            "funder": line.funder,
            "label": line.label,
            "amount": line.amount,
            "status": line.status,
            "document": line.document.uuid if line.document_id else None,
        }
        for line in lines
    ]
    formset = forms.formset_factory(
        LineForm,
        formset=BaseLineFormSet,
        extra=1 if lines else 3,
        can_delete=True,
        max_num=MAX_LINES,
    )
    return formset(initial=initial, **kwargs)
