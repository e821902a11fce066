from django import forms
from django.utils import timezone

from . import registry

# The years a report may be asked for: those the portal holds figures of, and a little ahead.
YEAR_MIN, YEAR_MAX = 2000, 2100


def scope_choices(scopes):
    """The scopes as grouped choices: each region, then its départements."""
    groups = {}
    for scope in scopes:
        group = groups.setdefault(scope.region_code, (scope.region_name, []))
        if scope.kind == "region":
            group[1].insert(0, (scope.token, f"Toute la région {scope.name}"))
        else:
            group[1].append((scope.token, f"{scope.code} — {scope.name}"))
    if len(groups) == 1:
        return next(iter(groups.values()))[1]
    return [(name, choices) for name, choices in groups.values()]


class ReportForm(forms.Form):
    scope = forms.ChoiceField(
        label="Territoire",
        error_messages={"invalid_choice": "Choisissez un département ou une région de la liste."},
    )
    year = forms.IntegerField(
        label="Année",
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        error_messages={
            "invalid": "Saisissez une année en chiffres, par exemple 2026.",
            "min_value": f"Choisissez une année entre {YEAR_MIN} et {YEAR_MAX}.",
            "max_value": f"Choisissez une année entre {YEAR_MIN} et {YEAR_MAX}.",
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.scopes = {scope.token: scope for scope in registry.scopes_for(user)}
        self.fields["scope"].choices = scope_choices(self.scopes.values())
        self.fields["year"].widget.attrs.update({"inputmode": "numeric"})
        if not self.is_bound:
            self.initial.setdefault("year", timezone.localdate().year)

    @property
    def chosen_scope(self):
        return self.scopes[self.cleaned_data["scope"]]
