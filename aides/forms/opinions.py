"""Forms of the partners' opinions: the instructeur's request (partners of the region, or a
person invited by e-mail; question, due date, documents shared) and the partner's answer.

Choices are matched in Python against the values the page offered (never a raw value in a
query), so a malformed or unknown one is a French field error."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from structures.models import OrganisationMembership

from .. import perms
from ..enums import PartnerPosition
from ..services.opinions import LONGEST_DELAY, MAX_ATTACHMENTS
from .staff import DATE_WIDGET

DEFAULT_DELAY = datetime.timedelta(days=15)
ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
QUESTION_MAX = 5000
OPINION_MAX = 20000


def partner_label(user, organisations):
    names = ", ".join(organisations) or "sans organisme"
    return f"{user.get_full_name() or user.email} — {names} ({user.email})"


class OpinionRequestForm(forms.Form):
    partners = forms.MultipleChoiceField(
        label="Partenaires sollicités",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Ce partenaire ne peut pas être sollicité sur ce dossier."
        },
    )
    invite_email = forms.EmailField(
        label="Adresse e-mail",
        required=False,
        max_length=254,
        help_text="Sans compte sur le portail, la personne en reçoit un (rôle partenaire) "
        "et choisit son mot de passe grâce au lien envoyé par e-mail.",
    )
    invite_first_name = forms.CharField(label="Prénom", required=False, max_length=150)
    invite_last_name = forms.CharField(label="Nom", required=False, max_length=150)
    invite_organisation = forms.ChoiceField(
        label="Organisme",
        required=False,
        error_messages={"invalid_choice": "Choisissez un organisme de la région du dossier."},
    )
    question = forms.CharField(
        label="Question posée",
        max_length=QUESTION_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Indiquez la question posée aux partenaires."},
    )
    due_on = forms.DateField(
        label="Avis attendu pour le",
        widget=DATE_WIDGET,
        error_messages={
            "required": "Indiquez la date à laquelle l'avis est attendu.",
            "invalid": "Indiquez une date valide (jj/mm/aaaa).",
        },
    )
    documents = forms.MultipleChoiceField(
        label="Pièces communiquées",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Le partenaire ne lit que ces pièces du dossier.",
        error_messages={"invalid_choice": "Cette pièce n'est pas une pièce actuelle du dossier."},
    )
    shares_opinions = forms.BooleanField(
        label="Communiquer aux partenaires les avis rendus par les autres",
        required=False,
    )

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        self.dossier = dossier
        eligible = perms.opinion_organisations(dossier)
        people = list(perms.opinion_partners(dossier))
        organisations = {}
        for user_id, name in (
            OrganisationMembership.objects.filter(
                is_active=True, organisation__in=eligible, user__in=[p.pk for p in people]
            )
            .order_by("organisation__name")
            .values_list("user_id", "organisation__name")
        ):
            organisations.setdefault(user_id, []).append(name)
        self.people = {str(p.pk): p for p in people}
        self.fields["partners"].choices = [
            (key, partner_label(p, organisations.get(p.pk, []))) for key, p in self.people.items()
        ]
        self.organisations = {str(o.uuid): o for o in eligible.order_by("name")}
        self.fields["invite_organisation"].choices = [
            ("", "Choisir un organisme"),
            *((key, o.name) for key, o in self.organisations.items()),
        ]
        self.shareable = {
            str(d.uuid): d for d in dossier.documents.current().order_by("kind", "uploaded_at")
        }
        self.fields["documents"].choices = [
            (key, f"{d.get_kind_display()} — {d.original_name}")
            for key, d in self.shareable.items()
        ]
        if not self.is_bound:
            self.initial.setdefault("due_on", timezone.localdate() + DEFAULT_DELAY)

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        today = timezone.localdate()
        if due_on < today:
            raise ValidationError("La date de l'avis attendu ne peut pas être passée.")
        if due_on > today + LONGEST_DELAY:
            raise ValidationError("La date de l'avis attendu doit être dans l'année qui vient.")
        return due_on

    def clean(self):
        cleaned = super().clean()
        email = cleaned.get("invite_email")
        if email:
            for name, message in (
                ("invite_first_name", "Indiquez le prénom de la personne invitée."),
                ("invite_last_name", "Indiquez le nom de la personne invitée."),
                ("invite_organisation", "Choisissez l'organisme de la personne invitée."),
            ):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, message)
        elif not cleaned.get("partners") and "partners" not in self.errors:
            self.add_error(
                "partners",
                "Choisissez au moins un partenaire, ou invitez une personne par e-mail.",
            )
        return cleaned

    def service_kwargs(self):
        data = self.cleaned_data
        invitations = []
        if data.get("invite_email"):
            invitations.append(
                {
                    "email": data["invite_email"],
                    "first_name": data["invite_first_name"],
                    "last_name": data["invite_last_name"],
                    "organisation": self.organisations[data["invite_organisation"]],
                }
            )
        return {
            "partners": [self.people[key] for key in data["partners"]],
            "invitations": invitations,
            "question": data["question"],
            "due_on": data["due_on"],
            "documents": [self.shareable[key] for key in data["documents"]],
            "shares_opinions": data["shares_opinions"],
        }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files at once (Django's documented pattern); each is checked by content in
    the service (``iae_portal.uploads.uploaded``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(item, initial) for item in data if item]
        else:
            files = [single(data, initial)] if data else []
        if len(files) > MAX_ATTACHMENTS:
            raise ValidationError(f"Joignez au plus {MAX_ATTACHMENTS} fichiers à un avis.")
        return files


class OpinionForm(forms.Form):
    position = forms.ChoiceField(
        label="Position",
        choices=PartnerPosition.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez une position.",
            "invalid_choice": "Choisissez une des positions proposées.",
        },
    )
    text = forms.CharField(
        label="Avis",
        max_length=OPINION_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Rédigez votre avis."},
    )
    attachments = MultipleFileField(
        label="Pièces jointes",
        required=False,
        help_text=f"Facultatif : {MAX_ATTACHMENTS} fichiers au plus, PDF, JPEG ou PNG, 10 Mo "
        "chacun ; le contenu des fichiers est vérifié.",
    )
