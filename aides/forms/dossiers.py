"""Forms of the dossier pages: one per transition that asks for more than a comment."""

from django import forms
from django.utils import timezone

from ..enums import Opinion
from ..models import Commission
from ..presenters import money
from ..services.financing_checks import instruction_warnings

MONEY = {"max_digits": 12, "decimal_places": 2, "min_value": 0}


class TransitionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label="Commentaire", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, transition, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        self.transition = transition
        self.dossier = dossier
        if transition.comment_required:
            self.fields["comment"].required = True
            self.fields["comment"].label = (
                "Motif (communiqué au demandeur)" if transition.notify_applicant else "Motif"
            )

    def payload(self):
        return {k: v for k, v in self.cleaned_data.items() if k not in ("version", "comment")}


class InstructForm(TransitionForm):
    # No opinion chosen beforehand: the instruction picks one (a favourable one may be
    # refused by a blocking public funding cap, which the help text then announces).
    opinion = forms.ChoiceField(
        label="Avis",
        choices=[("", "— Choisissez l'avis —"), *Opinion.choices],
        error_messages={"required": "Choisissez l'avis d'instruction."},
    )
    proposed_amount = forms.DecimalField(
        label="Montant proposé (€)", required=False, localize=True, **MONEY
    )
    justification = forms.CharField(
        label="Justification d'un montant différent du montant calculé",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].label = "Motivation de l'avis (interne)"
        computed = self.dossier.computation.total if self.dossier.computation_id else None
        if computed is not None:
            self.fields["proposed_amount"].initial = computed
            self.fields["proposed_amount"].help_text = f"Montant calculé : {money(computed)}."
        # The financing plan's checks, read before giving the opinion (a blocking cap is
        # refused by the service, whose message the form then shows).
        self.fields["opinion"].help_text = " ".join(instruction_warnings(self.dossier))


class CommissionForm(TransitionForm):
    commission = forms.ModelChoiceField(
        label="Commission",
        queryset=Commission.objects.none(),
        error_messages={
            "invalid_choice": "Choisissez une commission de cet appel à candidatures qui "
            "s'est déjà tenue."
        },
    )
    deliberation_number = forms.CharField(label="Numéro de délibération", max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only commissions that have met may decide (the service checks it too).
        of_campaign = Commission.objects.filter(campaign=self.dossier.campaign_id)
        field = self.fields["commission"]
        field.queryset = of_campaign.filter(date__lte=timezone.localdate())
        if not field.queryset.exists():
            coming = of_campaign.filter(date__gt=timezone.localdate()).first()
            field.help_text = (
                "Aucune commission de cet appel à candidatures ne s'est encore tenue"
                + (f" (prochaine : {coming.date:%d/%m/%Y})." if coming else ".")
            )


class VoteForm(CommissionForm):
    voted_amount = forms.DecimalField(
        label="Montant voté (€)", required=False, localize=True, **MONEY
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["voted_amount"].initial = self.dossier.proposed_amount


TRANSITION_FORMS = {"instruct": InstructForm, "vote": VoteForm, "refuse": CommissionForm}


def transition_form(transition, dossier, data=None):
    form_class = TRANSITION_FORMS.get(transition.name, TransitionForm)
    return form_class(
        data,
        transition=transition,
        dossier=dossier,
        initial={"version": dossier.version},
        prefix=transition.name,
    )


class CommentForm(forms.Form):
    body = forms.CharField(label="Message", widget=forms.Textarea(attrs={"rows": 3}))
    internal = forms.BooleanField(
        label="Commentaire interne (invisible pour le demandeur)", required=False
    )


class PaymentForm(forms.Form):
    paid_on = forms.DateField(
        label="Payé le", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reference = forms.CharField(label="Référence du mandat", max_length=64)
