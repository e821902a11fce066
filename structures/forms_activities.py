"""The NAF codes a structure declares (``structures.naf``), and the field other apps use
to pick NAF codes (a select grouped by division, French labels, checked codes)."""

from collections import OrderedDict

from django import forms
from django.core.exceptions import ValidationError

from . import naf

MAX_CODES = 30


def grouped_naf_choices():
    """The 732 sous-classes grouped by division (``<optgroup>``), labels in French: a
    browser's select finds a code by typing its first digits."""
    groups = OrderedDict()
    for code, activity in naf.nomenclature().items():
        title = f"{activity.division} — {activity.division_label}"
        groups.setdefault(title, []).append((code, str(activity)))
    return list(groups.items())


class NafCodesField(forms.MultipleChoiceField):
    widget = forms.SelectMultiple(attrs={"size": 12, "class": "naf-select"})
    default_error_messages = {
        "invalid_choice": "Code NAF inconnu : « %(value)s ». Choisissez dans la liste.",
        "invalid_list": "Choisissez des codes NAF dans la liste.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", grouped_naf_choices)
        super().__init__(**kwargs)

    def to_python(self, value):
        codes = super().to_python(value)
        # « 4331z » from a hand-written request is the code 43.31Z.
        return [naf.normalize(code) or code for code in codes]

    def validate(self, value):
        if len(value) > MAX_CODES:
            raise ValidationError(f"Au plus {MAX_CODES} codes NAF.")
        for code in value:
            if "\x00" in code or naf.get(code) is None:
                shown = code.replace("\x00", "")[:20]
                raise ValidationError(f"Code NAF inconnu : « {shown} ». Choisissez dans la liste.")
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")


class ActivitiesForm(forms.Form):
    codes = NafCodesField(
        label="Activités (codes NAF)",
        required=False,
        help_text=(
            "Les sous-classes NAF des activités de la structure : les lots réservés et les "
            "lots avec clause sont proposés sur ces codes. Tapez les premiers chiffres du "
            "code pour l'atteindre ; Ctrl (ou ⌘) + clic pour en choisir plusieurs."
        ),
    )
    main = forms.ChoiceField(
        label="Activité principale (code APE)",
        required=False,
        help_text="Facultatif ; elle est ajoutée aux activités si elle n'y est pas.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["main"].choices = [("", "—"), *grouped_naf_choices()]

    def clean_main(self):
        main = self.cleaned_data["main"]
        if main and naf.get(main) is None:
            raise ValidationError("Code NAF inconnu.")
        return main

    def clean(self):
        data = super().clean()
        codes, main = list(data.get("codes") or []), data.get("main")
        if main and main not in codes:
            codes.append(main)
        if len(codes) > MAX_CODES:
            self.add_error("codes", f"Au plus {MAX_CODES} codes NAF.")
        data["codes"] = codes
        return data
