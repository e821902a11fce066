"""The forms of the social utility pages: one per step of the yearly report (a dimension of
the manual, then the DTS grid), the staff review, the delegates and the import's upload.

The forms only read the input: the figures go to ``utilite.services`` as the text typed
(``computations`` checks them, each problem naming its field), so a rule is written once.
"""

import re

from django import forms

from iae_portal.forms import CsvUploadField

from .indicators import (
    AXES,
    BOOL,
    COMMENT_MAX_LENGTH,
    CRITERIA,
    EXITS_DURABLE,
    EXITS_OTHER,
    EXITS_POSITIVE,
    EXITS_TRANSITION,
    INDICATORS,
    INTEGER_KINDS,
    SCALE,
    SCALE_LEVELS,
    SCORE_LABELS,
)
from .services import STAFF_COMMENT_MAX_LENGTH

# Spaces a French number may hold (« 12 345 »: space, no-break and narrow no-break).
SPACES = re.compile(r"[\s\u00a0\u202f]+")
# Longer than any figure the contract accepts (10¹²): refused before any parsing.
NUMBER_MAX_LENGTH = 20
YES_NO = (("1", "Oui"), ("0", "Non"))
COMMENT_PREFIX = "comment_"
# How a step's fields are grouped on its page (a dimension not named: one group).
GROUPS = {
    "parcours": (
        (
            "Salariés en parcours et formation",
            (
                "insertion_employees",
                "women",
                "trained_employees",
                "training_hours",
                "qualifications",
            ),
        ),
        ("Sorties de l'année", ("exits_total",)),
        ("Sorties vers l'emploi durable", EXITS_DURABLE),
        ("Sorties vers l'emploi de transition", EXITS_TRANSITION),
        ("Autres sorties positives", EXITS_POSITIVE),
        ("Autres sorties", EXITS_OTHER),
    ),
}


def _bound(args, kwargs):
    """Whether a form is given data (``None`` as data: an unbound form)."""
    return (args[0] if args else kwargs.get("data")) is not None


def normalized_number(text):
    """``12 345`` → ``12345``, ``12,0`` → ``12.0``: what ``computations`` reads."""
    return SPACES.sub("", text or "").replace(",", ".")


class NumberField(forms.CharField):
    """A whole number typed in French (spaces allowed), checked by ``computations``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 14}),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        if len(text) > NUMBER_MAX_LENGTH:
            raise forms.ValidationError(
                "Nombre trop grand : %(length)s caractères.", params={"length": len(text)}
            )
        return normalized_number(text)


def indicator_field(indicator):
    """The field of a typed indicator: none is required in a draft."""
    options = {"label": indicator.label, "help_text": indicator.help, "required": False}
    if indicator.kind in INTEGER_KINDS:
        return NumberField(**options)
    if indicator.kind == SCALE:
        levels = SCALE_LEVELS.get(indicator.code, ())
        choices = [(str(n), f"{n} — {label}") for n, label in enumerate(levels)]
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **options)
    if indicator.kind == BOOL:
        return forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, **options)
    raise ValueError(indicator.kind)


def stored_text(indicator, value):
    """A stored figure as the form shows it."""
    if value is None:
        return ""
    if indicator.kind == BOOL:
        return "1" if value else "0"
    return str(value)


class DimensionForm(forms.Form):
    """A step of the report: the typed indicators of one dimension, except those taken
    from the structure's yearly figures (``locked``: shown, not typed)."""

    def __init__(self, *args, dimension, report=None, locked=(), **kwargs):
        self.dimension = dimension
        self.indicators = [
            i for i in INDICATORS if i.dimension == dimension and i.code not in locked
        ]
        if report is not None and not _bound(args, kwargs):
            kwargs.setdefault(
                "initial",
                {i.code: stored_text(i, getattr(report, i.code)) for i in self.indicators},
            )
        super().__init__(*args, **kwargs)
        for indicator in self.indicators:
            self.fields[indicator.code] = indicator_field(indicator)

    def groups(self):
        """``[(legend or "", [bound field])]``: the step's fields as its page groups them."""
        groups = GROUPS.get(self.dimension, (("", tuple(self.fields)),))
        found = [(legend, [self[c] for c in codes if c in self.fields]) for legend, codes in groups]
        return [(legend, fields) for legend, fields in found if fields]

    def figures(self):
        """``{code: text}`` of this step's figures ('' when left empty)."""
        return {i.code: self.cleaned_data.get(i.code) or "" for i in self.indicators}


class GridForm(forms.Form):
    """The DTS self-assessment grid: each criterion 0–3 with an optional comment, the
    priority axes, the number of people who filled it. Optional, complete when given (the
    submission checks it; a draft may leave criteria for later)."""

    grid_participants = NumberField(
        label="Nombre de personnes ayant rempli la grille",
        help_text="La démarche recommande de remplir la grille à trois personnes ou plus.",
    )
    priority_axes = forms.MultipleChoiceField(
        label="Axes prioritaires",
        help_text="Les axes sur lesquels la structure veut progresser.",
        choices=[(axis.code, axis.label) for axis in AXES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, report=None, **kwargs):
        if report is not None and not _bound(args, kwargs):
            initial = {
                "grid_participants": ""
                if report.grid_participants is None
                else str(report.grid_participants),
                "priority_axes": list(report.priority_axes or ()),
            }
            for criterion in CRITERIA:
                score = (report.grid_scores or {}).get(criterion.code)
                initial[criterion.code] = "" if score is None else str(score)
                initial[COMMENT_PREFIX + criterion.code] = (report.grid_comments or {}).get(
                    criterion.code, ""
                )
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        choices = [(str(n), f"{n} — {label}") for n, label in enumerate(SCORE_LABELS)]
        for criterion in CRITERIA:
            self.fields[criterion.code] = forms.ChoiceField(
                label=criterion.label, choices=choices, widget=forms.RadioSelect, required=False
            )
            self.fields[COMMENT_PREFIX + criterion.code] = forms.CharField(
                label=f"Commentaire ou preuve — {criterion.label}",
                max_length=COMMENT_MAX_LENGTH,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=f"Facultatif, {COMMENT_MAX_LENGTH} caractères au plus ; ne nommez "
                "personne.",
            )

    def axes(self):
        """``[(axis, [(score field, comment field)])]`` in the radar's order."""
        return [
            (
                axis,
                [(self[c.code], self[COMMENT_PREFIX + c.code]) for c in axis.criteria],
            )
            for axis in AXES
        ]

    def grid(self):
        """``(participants, priority axes, {criterion: score}, {criterion: comment})``."""
        data = self.cleaned_data
        return (
            data.get("grid_participants") or None,
            data.get("priority_axes") or [],
            {c.code: data[c.code] for c in CRITERIA if data.get(c.code)},
            {
                c.code: data[COMMENT_PREFIX + c.code]
                for c in CRITERIA
                if data.get(COMMENT_PREFIX + c.code)
            },
        )


class SendBackForm(forms.Form):
    staff_comment = forms.CharField(
        label="Ce que la structure doit corriger",
        max_length=STAFF_COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Indiquez ce que la structure doit corriger."},
    )


class DelegateForm(forms.Form):
    """A member of the structure (not a director: they fill in already) to allow."""

    user = forms.TypedChoiceField(label="Membre de la structure", coerce=int)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {m.user_id: m.user for m in members}
        self.fields["user"].choices = [
            (m.user_id, f"{m.user.get_full_name() or m.user.email} ({m.user.email})")
            for m in members
        ]

    def clean_user(self):
        return self.members[self.cleaned_data["user"]]


class ReportImportForm(forms.Form):
    file = CsvUploadField()
