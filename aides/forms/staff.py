"""Forms of the staff pages: bulk actions on the instruction queue, a new campaign."""

import uuid
from functools import partial

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from iae_portal.form_renderer import RenderedOnceSelect
from iae_portal.options import OptionListModelChoiceField

from .. import options, perms
from ..models import AidScheme, Campaign, Commission

MAX_SELECTION = 100  # the largest page of the queue
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
COMMISSION_FIELDS = ("commission_1", "commission_2", "commission_3")


class SelectionField(forms.Field):
    """The ticked rows of the queue, each ``<uuid>:<version>``: the version is the one the
    person saw, so a dossier changed since is refused rather than overwritten."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": "Cochez au moins un dossier.",
        "invalid": "La sélection de dossiers est invalide : rechargez la page.",
        "too_many": f"Sélectionnez au plus {MAX_SELECTION} dossiers à la fois.",
    }

    def to_python(self, value):
        items = {}
        for token in value or ():
            try:
                raw_uuid, raw_version = str(token).split(":", 1)
                items[uuid.UUID(raw_uuid)] = int(raw_version)
            except ValueError:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if len(items) > MAX_SELECTION:
            raise ValidationError(self.error_messages["too_many"], code="too_many")
        return list(items.items())


class BulkForm(forms.Form):
    """A bulk action on the ticked rows, on the same page as the filters (own ids)."""

    dossier = SelectionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="id_bulk_%s", **kwargs)


class BulkAssignForm(BulkForm):
    instructor = OptionListModelChoiceField(
        label="Assigner à",
        queryset=get_user_model().objects.none(),
        options=options.INSTRUCTORS,
        to_field_name="email",
        empty_label="Choisir une personne",
        widget=RenderedOnceSelect,
        error_messages={
            "required": "Choisissez la personne à qui assigner les dossiers.",
            "invalid_choice": "Cette personne ne peut pas instruire les dossiers de votre région.",
        },
    )

    def __init__(self, *args, user, **kwargs):
        """Offers ``user``'s region's people from the process's list (``aides.options``);
        the queryset checks what is posted."""
        super().__init__(*args, **kwargs)
        field = self.fields["instructor"]
        field.queryset = perms.assignable_instructors(user)
        field.options = partial(options.INSTRUCTORS, region_id=user.region_id)


class BulkVoteForm(BulkForm):
    """The vote of one commission of ``campaign`` (the one the queue is filtered on)."""

    # The date names a commission within its campaign (unique), without exposing a key.
    commission = forms.ModelChoiceField(
        label="Commission",
        queryset=Commission.objects.none(),
        to_field_name="date",
        empty_label="Choisir une commission",
        error_messages={
            "required": "Choisissez la commission qui a voté.",
            "invalid_choice": "Choisissez une commission de l'appel à candidatures filtré qui "
            "s'est déjà tenue.",
        },
    )
    deliberation_number = forms.CharField(
        label="Numéro de délibération",
        max_length=64,
        error_messages={"required": "Indiquez le numéro de délibération."},
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        if campaign is not None:
            # Only commissions that have met may decide (the service checks it too).
            self.fields["commission"].queryset = Commission.objects.filter(
                campaign=campaign, date__lte=timezone.localdate()
            )


class CampaignForm(forms.ModelForm):
    budget_envelope = forms.DecimalField(
        label="Enveloppe (€)",
        max_digits=12,
        decimal_places=2,
        min_value=0,
        initial=0,
        error_messages={"min_value": "L'enveloppe ne peut pas être négative."},
    )
    commission_1 = forms.DateField(label="Date de la 1re commission", widget=DATE_WIDGET)
    commission_2 = forms.DateField(
        label="Date de la 2e commission (facultatif)", widget=DATE_WIDGET, required=False
    )
    commission_3 = forms.DateField(
        label="Date de la 3e commission (facultatif)", widget=DATE_WIDGET, required=False
    )

    class Meta:
        model = Campaign
        fields = ["scheme", "name", "opens_on", "closes_on", "budget_envelope"]
        widgets = {"opens_on": DATE_WIDGET, "closes_on": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = AidScheme.objects.order_by("name", "origin_region")
        self.fields["scheme"].to_field_name = "code"
        self.fields["scheme"].empty_label = "Choisir un dispositif"
        self.fields["scheme"].label = "Dispositif"  # the model field has no French name

    def clean(self):
        cleaned = super().clean()
        opens_on, closes_on = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error(
                "closes_on",
                "La date de clôture doit être égale ou postérieure à la date d'ouverture.",
            )
        seen = set()
        for name in COMMISSION_FIELDS:
            day = cleaned.get(name)
            if day is None:
                continue
            if opens_on and day < opens_on:
                self.add_error(
                    name, "Une commission ne peut pas se tenir avant l'ouverture de l'appel."
                )
            elif day in seen:
                self.add_error(name, "Deux commissions ne peuvent pas se tenir le même jour.")
            seen.add(day)
        return cleaned

    def commission_dates(self):
        return sorted({self.cleaned_data[name] for name in COMMISSION_FIELDS} - {None})

    def campaign_data(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
