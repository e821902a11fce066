"""Forms of the clauses matching (issue 19): NAF codes, shortlist, interest, digest."""

from django import forms

from structures.forms_activities import NafCodesField


class LotCodesForm(forms.Form):
    codes = NafCodesField(
        label="Codes NAF des travaux du lot",
        required=False,
        help_text=(
            "Les sous-classes NAF (APE) des travaux ou services du lot. Dans la liste, tapez "
            "les premiers chiffres du code pour l'atteindre ; Ctrl (ou ⌘) + clic pour en "
            "choisir plusieurs. Un lot avec clause, sans attributaire, est proposé aux SIAE "
            "dès qu'il a des codes."
        ),
    )


class StructureChoiceForm(forms.Form):
    """A structure among ``structures`` (by SIRET) and what to do with it."""

    siret = forms.ChoiceField(label="Structure")
    action = forms.ChoiceField(label="Action")

    def __init__(self, data, *, structures, actions):
        super().__init__(data)
        self.structures = {s.siret: s for s in structures}
        self.fields["siret"].choices = [(s.siret, s.name) for s in structures]
        self.fields["siret"].error_messages["invalid_choice"] = "Structure inconnue pour ce lot."
        self.fields["action"].choices = actions
        self.fields["action"].error_messages["invalid_choice"] = "Action inconnue."

    @property
    def structure(self):
        return self.structures[self.cleaned_data["siret"]]


class SubscriptionForm(forms.Form):
    enabled = forms.TypedChoiceField(
        label="E-mail quotidien",
        choices=[("1", "Recevoir"), ("0", "Ne plus recevoir")],
        coerce=lambda v: v == "1",
        error_messages={"invalid_choice": "Choix inconnu."},
    )
