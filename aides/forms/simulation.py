"""The simulator's form and the dossier's data: only the fields a scheme's rule uses."""

from decimal import Decimal

from django import forms

from structures.enums import StructureKind

from .. import rules
from ..enums import (
    Contract,
    Criterion,
    ExpenseCategory,
    PositionFunction,
    PositionRole,
    RateMode,
    TrainingType,
)

KIND_CHOICES = [(code, StructureKind(code).label) for code in rules.case.KINDS]
MONEY = {"max_digits": 12, "decimal_places": 2, "min_value": 0}
BLANK = [("", "—")]


def _keep(form, names):
    for name in list(form.fields):
        if name not in names:
            del form.fields[name]


class SimulationForm(forms.Form):
    """The case-level fields; the rule's ``FORM`` says which are shown."""

    kind = forms.ChoiceField(label="Type de structure", choices=KIND_CHOICES)
    years = forms.IntegerField(
        label="Durée demandée (années)", min_value=1, max_value=10, initial=1
    )
    rate_mode = forms.ChoiceField(label="Mode de calcul", choices=RateMode.choices)
    members_count = forms.IntegerField(
        label="Membres de l'équipe (hors chef)", min_value=0, required=False
    )
    members_etp = forms.DecimalField(
        label="ETP de l'équipe", min_value=0, decimal_places=2, required=False
    )
    half_time_count = forms.IntegerField(label="Salariés à mi-temps", min_value=0, required=False)
    contrats_aides_count = forms.IntegerField(label="Contrats aidés", min_value=0, required=False)
    simultaneous_insertion = forms.IntegerField(
        label="Personnes encadrées simultanément", min_value=0, required=False
    )
    insertion_in_action = forms.IntegerField(
        label="Salariés en insertion dans l'action", min_value=0, required=False
    )
    young_share = forms.DecimalField(
        label="Part de moins de 26 ans dans l'ACI (%)",
        min_value=0,
        max_value=100,
        decimal_places=2,
        required=False,
    )
    environment_sector = forms.BooleanField(
        label="Postes dans le secteur de l'environnement", required=False
    )
    grouped_structures = forms.BooleanField(
        label="Poste porté pour un groupe de structures", required=False
    )
    new_function = forms.BooleanField(label="Fonction nouvelle", required=False)
    beneficiary_contribution = forms.DecimalField(
        label="Contribution annuelle des bénéficiaires (€)", required=False, **MONEY
    )
    crepi = forms.BooleanField(label="Embauche dans le cadre d'un CREPI", required=False)
    enterprise_like_organisation = forms.BooleanField(
        label="Organisation du travail proche de l'entreprise", required=False
    )
    complementarity = forms.BooleanField(
        label="Complémentarité avec les outils du territoire", required=False
    )
    cofinancing = forms.BooleanField(label="Cofinancement public et privé", required=False)
    multi_structure_multi_department = forms.BooleanField(
        label="Expérimentation multi-structures et multi-départements", required=False
    )
    operating_expenses = forms.DecimalField(
        label="Dépenses de fonctionnement du projet (€)", required=False, **MONEY
    )
    aides_au_poste_already_funded = forms.DecimalField(
        label="Aides au poste déjà financées (€)", required=False, **MONEY
    )

    TEAM = (
        "members_count",
        "members_etp",
        "half_time_count",
        "contrats_aides_count",
        "simultaneous_insertion",
        "insertion_in_action",
        "young_share",
    )
    FLAGS = tuple(rules.case.Flags.__dataclass_fields__)
    OPERATING = ("operating_expenses", "aides_au_poste_already_funded")

    def __init__(self, *args, layout, **kwargs):
        super().__init__(*args, **kwargs)
        keep = {"kind"}
        keep |= {"years"} if layout.get("years") else set()
        keep |= {"rate_mode"} if layout.get("rate_mode") else set()
        keep |= set(layout.get("team", ())) | set(layout.get("flags", ()))
        keep |= set(self.OPERATING) if layout.get("operating") else set()
        _keep(self, keep)

    def case_data(self):
        data = self.cleaned_data
        case = {"structure": {"kind": data["kind"]}}
        for name in ("years", "rate_mode", *self.OPERATING):
            if data.get(name) is not None:
                case[name] = data[name]
        team = {name: data[name] for name in self.TEAM if data.get(name) is not None}
        if "young_share" in team:
            team["young_share"] = team["young_share"] / 100
        flags = {name: data[name] for name in self.FLAGS if name in data and data[name] is not None}
        return case | ({"team": team} if team else {}) | ({"flags": flags} if flags else {})


class OfferedSelect(forms.Select):
    """A select showing only the codes the scheme funds, and the row's own value when it is
    another one (saved before, or typed elsewhere), marked so. The field keeps the whole
    vocabulary's labels, so a saved value is always shown in French."""

    def __init__(self, offered, attrs=None, choices=()):
        super().__init__(attrs, choices)
        self.offered = set(offered)

    def create_option(self, name, value, label, selected, index, **kwargs):
        if value not in self.offered and value != "" and selected:
            label = f"{label} (non financé par ce dispositif)"
        return super().create_option(name, value, label, selected, index, **kwargs)

    def _shown(self, option):
        return option["value"] in self.offered or option["value"] == "" or option["selected"]

    def optgroups(self, name, value, attrs=None):
        return [
            (group, [o for o in options if self._shown(o)], index)
            for group, options, index in super().optgroups(name, value, attrs)
        ]


class LineForm(forms.Form):
    """A row of a section; ``fields`` (from the rule's layout) says which columns show and
    ``accepts`` (``rules.accepted``) which codes of a column the scheme funds, in its words."""

    def __init__(self, *args, fields=(), accepts=None, **kwargs):
        super().__init__(*args, **kwargs)
        _keep(self, self.expand(fields))
        for name, offered in (accepts or {}).items():
            if name in self.fields:
                self._offer(self.fields[name], offered)

    @staticmethod
    def _offer(field, offered):
        """The scheme's codes first, in its words; the rest of the vocabulary stays valid (a
        line the scheme does not fund is an excluded line, not an error) but is not shown."""
        labels = dict(field.choices)
        words = [(code, wording or labels[code]) for code, wording in offered]
        codes = {code for code, _ in words}
        rest = [(code, label) for code, label in field.choices if code not in codes and code]
        field.choices = BLANK + words + rest
        field.widget = OfferedSelect([code for code, _ in words], field.widget.attrs)
        field.widget.choices = field.choices

    @staticmethod
    def expand(fields):
        return set(fields)


class PositionForm(LineForm):
    role = forms.ChoiceField(label="Poste", choices=BLANK + PositionRole.choices)
    etp = forms.DecimalField(
        label="ETP", min_value=Decimal("0.01"), max_value=1, decimal_places=2, initial=1
    )
    annual_cost = forms.DecimalField(label="Coût annuel (€)", **MONEY)
    contract = forms.ChoiceField(label="Contrat", choices=BLANK + Contract.choices, required=False)
    contract_months = forms.IntegerField(
        label="Durée du contrat (mois)", min_value=0, required=False
    )
    rsa_socle = forms.BooleanField(label="Bénéficiaire du RSA socle", required=False)
    criteria = forms.MultipleChoiceField(
        label="Critères",
        choices=Criterion.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    function = forms.ChoiceField(
        label="Fonction", choices=BLANK + PositionFunction.choices, required=False
    )
    holder_age = forms.IntegerField(
        label="Âge de la personne", min_value=0, max_value=99, required=False
    )
    holder_qualified = forms.BooleanField(label="Diplômée ou qualifiée", required=False)
    holder_qpv = forms.BooleanField(label="Habite un QPV", required=False)
    holder_zrr = forms.BooleanField(label="Habite une zone rurale (ZRR)", required=False)

    HOLDER = ("holder_age", "holder_qualified", "holder_qpv", "holder_zrr")

    @staticmethod
    def expand(fields):
        return (set(fields) - {"holder"}) | (
            set(PositionForm.HOLDER) if "holder" in fields else set()
        )

    def item(self):
        data = {
            k: v
            for k, v in self.cleaned_data.items()
            if v not in (None, "") and not k.startswith("holder_")
        }
        if "holder_age" in self.fields:
            data["holder"] = {
                "age": self.cleaned_data.get("holder_age"),
                "qualified": self.cleaned_data.get("holder_qualified", False),
                "qpv": self.cleaned_data.get("holder_qpv", False),
                "zrr": self.cleaned_data.get("holder_zrr", False),
            }
        return data


class ExpenseForm(LineForm):
    category = forms.ChoiceField(label="Catégorie", choices=BLANK + ExpenseCategory.choices)
    amount = forms.DecimalField(label="Montant (€)", **MONEY)
    waste_sorting = forms.BooleanField(label="Tri des déchets", required=False)

    def item(self):
        return {k: v for k, v in self.cleaned_data.items() if v is not None}


class TrainingForm(LineForm):
    cost = forms.DecimalField(label="Coût pédagogique (€)", **MONEY)
    type = forms.ChoiceField(label="Type", choices=BLANK + TrainingType.choices, required=False)
    provider_is_employer = forms.BooleanField(label="Dispensée par l'employeur", required=False)
    requested_at_hiring = forms.BooleanField(label="Demandée à l'embauche", required=False)

    def item(self):
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


SECTION_FORMS = {"positions": PositionForm, "expenses": ExpenseForm, "trainings": TrainingForm}
SECTION_TITLES = {"positions": "Postes", "expenses": "Dépenses", "trainings": "Formations"}
DEFAULT_ROWS = 3


def scheme_layout(scheme):
    """The rule's ``FORM`` with what the scheme funds (``accepts``, from its current
    parameters): what the simulator and the dossier form of ``scheme`` show."""
    return {**scheme.rule.FORM, "accepts": rules.accepted(scheme.rule_kind, scheme.parameters())}


def section_formsets(layout, data=None):
    """One formset per section the rule uses, with its columns and the codes it funds."""
    formsets = {}
    for section, form_class in SECTION_FORMS.items():
        if section in layout:
            FormSet = forms.formset_factory(
                form_class, extra=DEFAULT_ROWS, max_num=200, absolute_max=200
            )
            formsets[section] = FormSet(
                data,
                prefix=section,
                form_kwargs={"fields": layout[section], "accepts": layout.get("accepts")},
            )
    return formsets


class FilingForm(forms.Form):
    """Carry a simulation into a new draft dossier: which structure, which open call (a
    choice only when there are several), and the project's title. Its page form also
    carries the simulation's data as it was computed, which the dossier receives."""

    structure = forms.ChoiceField(label="Structure", required=False)
    campaign = forms.ChoiceField(label="Appel à candidatures", required=False)
    title = forms.CharField(
        label="Intitulé du projet",
        max_length=255,
        required=False,
        help_text="Facultatif : vous pourrez le modifier dans le dossier.",
    )

    def __init__(self, *args, structures, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.structures = {s.siret: s for s in structures}
        self.campaigns = {str(c.uuid): c for c, _ in campaigns}
        self.fields["structure"].choices = [
            (s.siret, f"{s.name} ({s.get_kind_display()})") for s in structures
        ]
        self.fields["campaign"].choices = [
            (str(c.uuid), f"{label} (jusqu'au {c.closes_on:%d/%m/%Y})") for c, label in campaigns
        ]
        # A single choice is no choice: shown as a sentence, sent as it is.
        self.only = {}
        for name, options in (("structure", self.structures), ("campaign", self.campaigns)):
            if len(options) == 1:
                self.only[name] = self.fields[name].choices[0][1]
                self.fields[name].widget = forms.HiddenInput()
                self.fields[name].initial = next(iter(options))

    def _pick(self, name, options):
        value = self.cleaned_data.get(name) or (next(iter(options)) if len(options) == 1 else "")
        if value not in options:
            raise forms.ValidationError("Choisissez dans la liste.")
        return options[value]

    def clean_structure(self):
        return self._pick("structure", self.structures)

    def clean_campaign(self):
        return self._pick("campaign", self.campaigns)


def with_extra_row(post, section):
    """The POST with one more row in ``section``, holding the defaults an unbound row shows
    (1 ETP): left untouched, it then does not count as changed."""
    data = post.copy()
    index = int(data.get(f"{section}-TOTAL_FORMS", 0))
    data[f"{section}-TOTAL_FORMS"] = str(index + 1)
    for name, field in SECTION_FORMS[section].base_fields.items():
        if field.initial is not None:
            data.setdefault(f"{section}-{index}-{name}", str(field.initial))
    return data
