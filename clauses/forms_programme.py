"""Forms of a buyer's yearly programme of planned purchases (issue 19, part 4): the list's
filters, a purchase, its notification."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import number_format

from structures.forms_activities import NafCodesField
from structures.models import Department
from structures.validators import normalize_siret, validate_siret

from . import perms
from .enums import Clause, MarcheType, Procedure, PurchaseStatus, Quarter
from .forms import _plain
from .models import Buyer, Facilitator, Marche, PlannedPurchase
from .services_programme import FACTORS, FIELDS, NewContract

YEAR_MIN, YEAR_MAX = 2000, 2100
YEAR_ERROR = f"Saisissez une année entre {YEAR_MIN} et {YEAR_MAX}."
ALL_YEARS = "toutes"
PERCENT_FIELDS = ("labour_share", "insertion_rate")
# The purchase's fields the form gives as they are (the factors and hours aside).
PLAIN_FIELDS = tuple(name for name in FIELDS if name not in FACTORS)
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def programme_years():
    """The years with planned purchases, the current one and the next, latest first."""
    today = timezone.localdate()
    years = set(PlannedPurchase.objects.values_list("year", flat=True).distinct())
    years |= {today.year, today.year + 1}
    return sorted(years, reverse=True)


class ProgrammeFilterForm(forms.Form):
    """The list's filters; every field is optional and a bad value is the form's error (the
    list then shows the current year's programme)."""

    year = forms.ChoiceField(
        label="Année du programme",
        required=False,
        error_messages={"invalid_choice": "Année inconnue : choisissez une année de la liste."},
    )
    buyer = forms.ModelChoiceField(
        label="Acheteur",
        queryset=Buyer.objects.all(),
        required=False,
        empty_label="Tous",
        error_messages={"invalid_choice": "Acheteur inconnu."},
    )
    status = forms.ChoiceField(
        label="État",
        choices=[("", "Tous"), *PurchaseStatus.choices],
        required=False,
        error_messages={"invalid_choice": "État inconnu."},
    )
    facilitator = forms.ModelChoiceField(
        label="Facilitateur",
        queryset=None,
        required=False,
        empty_label="Tous",
        error_messages={"invalid_choice": "Facilitateur inconnu."},
    )

    def __init__(self, data, *, user):
        super().__init__(data)
        self.default_year = timezone.localdate().year
        years = [(str(year), str(year)) for year in programme_years()]
        self.fields["year"].choices = [*years, (ALL_YEARS, "Toutes")]
        self.fields["year"].initial = str(self.default_year)
        if perms.is_clause_officer(user):
            self.fields["facilitator"].queryset = Facilitator.objects.all()
        else:
            self.fields["facilitator"].queryset = perms.followed_facilitators(user)

    def filters(self):
        """``{"year": int or None, "buyer", "status", "facilitator"}``: the valid fields,
        the defaults for the others (the current year when none is chosen)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        year = data.get("year") or str(self.default_year)
        return {
            "year": None if year == ALL_YEARS else int(year),
            "buyer": data.get("buyer"),
            "status": data.get("status") or None,
            "facilitator": data.get("facilitator"),
        }


def factor_text(name, value):
    """A factor as a person reads it: « 40 % », « 32,00 € » (``None`` stays ``None``)."""
    if value is None:
        return None
    if name in PERCENT_FIELDS:
        return f"{number_format(_plain(value * 100), force_grouping=True)}\u00a0%"
    return f"{number_format(value, 2, force_grouping=True)}\u00a0€"


def _factor_help(buyer, name):
    return factor_text(name, getattr(buyer, name)) if buyer is not None else None


class PurchaseForm(forms.Form):
    """A planned purchase. Its hours are computed like a lot's (clauses.md: estimated amount
    × labour share × insertion rate ÷ hourly cost, rounded to the hour) or typed; shares
    in percent, an empty factor takes the buyer's default."""

    COMPUTE, TYPE = "calcul", "saisie"

    buyer = forms.ModelChoiceField(
        label="Acheteur",
        queryset=Buyer.objects.all(),
        empty_label="—",
        error_messages={"invalid_choice": "Acheteur inconnu."},
    )
    year = forms.IntegerField(
        label="Année du programme",
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        error_messages={"min_value": YEAR_ERROR, "max_value": YEAR_ERROR, "invalid": YEAR_ERROR},
    )
    object = forms.CharField(label="Objet de l'achat", max_length=255)
    type = forms.ChoiceField(label="Type de marché", choices=MarcheType.choices)
    activity_codes = NafCodesField(
        label="Codes NAF",
        required=False,
        help_text=(
            "Les sous-classes NAF des travaux ou services prévus ; elles passent au lot du "
            "marché notifié. Tapez les premiers chiffres du code pour l'atteindre ; Ctrl (ou "
            "⌘) + clic pour en choisir plusieurs."
        ),
    )
    estimated_amount_ht = forms.DecimalField(
        label="Montant estimé HT (€)", min_value=0, max_digits=12, decimal_places=2
    )
    launch_quarter = forms.TypedChoiceField(
        label="Lancement prévu", choices=Quarter.choices, coerce=int
    )
    clause = forms.ChoiceField(
        label="Clause prévue", choices=Clause.choices, initial=Clause.CONDITION_EXECUTION
    )
    method = forms.ChoiceField(
        label="Heures d'insertion",
        widget=forms.RadioSelect,
        choices=[
            (COMPUTE, "Calculer à partir du montant estimé"),
            (TYPE, "Saisir le nombre d'heures"),
        ],
        initial=COMPUTE,
    )
    labour_share = forms.DecimalField(
        label="Part de main-d'œuvre (%)",
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=2,
    )
    insertion_rate = forms.DecimalField(
        label="Taux d'insertion (%)", required=False, min_value=0, max_value=100, decimal_places=2
    )
    hourly_cost = forms.DecimalField(
        label="Coût horaire moyen (€)", required=False, max_digits=8, decimal_places=2
    )
    hours = forms.IntegerField(
        label="Heures prévues (saisie)",
        required=False,
        min_value=0,
        max_value=10_000_000,
        help_text="Pour « Saisir le nombre d'heures ».",
    )
    facilitator = forms.ModelChoiceField(
        label="Facilitateur",
        queryset=None,
        required=False,
        empty_label="—",
        error_messages={"invalid_choice": "Facilitateur inconnu ou qui n'est pas le vôtre."},
    )
    department = forms.ModelChoiceField(
        label="Département d'exécution",
        queryset=Department.objects.order_by("code"),
        required=False,
        empty_label="—",
        error_messages={"invalid_choice": "Département inconnu."},
    )
    notes = forms.CharField(
        label="Remarques", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, data=None, *, user, purchase=None):
        initial = {"year": timezone.localdate().year, "method": self.COMPUTE}
        if purchase is not None:
            initial |= {name: getattr(purchase, name) for name in PLAIN_FIELDS}
            for name in FACTORS:
                value = getattr(purchase, name)
                initial[name] = (
                    value * 100 if value is not None and name in PERCENT_FIELDS else value
                )
            computed = purchase.computed_hours()
            typed = purchase.has_clause and computed != purchase.hours_planned
            initial |= {
                "method": self.TYPE if typed else self.COMPUTE,
                "hours": purchase.hours_planned,
            }
        super().__init__(data, initial=initial)
        self.fields["facilitator"].queryset = perms.purchase_facilitators(user)
        if not perms.can_import(user):
            self.fields["facilitator"].required = True
            self.fields["facilitator"].empty_label = None
        buyer = purchase.buyer if purchase is not None else None
        for name in FACTORS:
            shown = _factor_help(buyer, name)
            self.fields[name].help_text = (
                f"Vide : valeur de l'acheteur ({shown})."
                if shown
                else "Vide : valeur par défaut de l'acheteur choisi, s'il en a une."
            )

    def clean_hourly_cost(self):
        cost = self.cleaned_data["hourly_cost"]
        if cost is not None and cost <= 0:
            raise ValidationError("Le coût horaire moyen doit être strictement positif.")
        return cost

    def clean(self):
        data = super().clean()
        self.factors = {}
        for name in FACTORS:
            value = data.get(name)
            if value is not None and name in PERCENT_FIELDS:
                value = value / 100
            self.factors[name] = value
        if data.get("clause") == Clause.NONE:
            self.typed_hours = None
            return data
        if data.get("method") == self.TYPE:
            if data.get("hours") is None and "hours" not in self.errors:
                self.add_error("hours", "Saisissez le nombre d'heures prévues.")
            self.typed_hours = data.get("hours")
            return data
        self.typed_hours = None
        buyer = data.get("buyer")
        for name in FACTORS:
            missing = self.factors[name] is None and name not in self.errors
            if missing and (buyer is None or getattr(buyer, name) is None):
                self.add_error(
                    name, "Valeur obligatoire : l'acheteur n'a pas de valeur par défaut."
                )
        return data

    def service_arguments(self):
        """Keyword arguments of ``services_programme.purchase_create``/``purchase_update``."""
        data = {name: self.cleaned_data.get(name) for name in PLAIN_FIELDS}
        data |= self.factors
        return {"data": data, "hours": self.typed_hours}


class NotifyForm(forms.Form):
    """The contract a planned purchase became: a new one (its lot takes the purchase's
    object, codes, clause, facilitator and factors) or an existing one of its buyer."""

    NEW, EXISTING = "nouveau", "existant"
    mode = forms.ChoiceField(
        label="Marché",
        widget=forms.RadioSelect,
        choices=[(NEW, "Créer le marché notifié"), (EXISTING, "Rattacher un marché existant")],
        initial=NEW,
        error_messages={"invalid_choice": "Choix inconnu."},
    )
    ref = forms.CharField(label="Référence du marché", max_length=64, required=False)
    notification_date = forms.DateField(
        label="Date de notification",
        required=False,
        widget=DATE_WIDGET,
        error_messages={"invalid": "Date invalide (format attendu JJ/MM/AAAA)."},
    )
    procedure = forms.ChoiceField(
        label="Procédure", choices=[("", "—"), *Procedure.choices], required=False
    )
    amount_ht = forms.DecimalField(
        label="Montant notifié HT (€)",
        min_value=0,
        max_digits=12,
        decimal_places=2,
        required=False,
    )
    lot_ref = forms.CharField(label="Référence du lot", max_length=64, initial="L1", required=False)
    attributaire_name = forms.CharField(label="Attributaire", max_length=255, required=False)
    attributaire_siret = forms.CharField(
        label="SIRET de l'attributaire", max_length=20, required=False
    )
    hours = forms.IntegerField(
        label="Heures d'insertion exigées du lot",
        required=False,
        min_value=0,
        max_value=10_000_000,
    )
    marche = forms.ModelChoiceField(
        label="Marché existant de l'acheteur",
        queryset=Marche.objects.none(),
        required=False,
        empty_label="—",
        help_text="Pour « Rattacher un marché existant » : les marchés de l'acheteur qu'aucun "
        "autre achat prévu n'est devenu.",
        error_messages={
            "invalid_choice": "Choisissez un marché de l'acheteur qu'aucun autre achat prévu "
            "n'est devenu."
        },
    )

    def __init__(self, data=None, *, purchase, marches):
        super().__init__(data)
        self.purchase = purchase
        self.fields["marche"].queryset = marches
        self.fields["marche"].label_from_instance = lambda m: (
            f"{m.ref} — notifié le {m.notification_date:%d/%m/%Y}"
        )
        if purchase.has_clause:
            self.fields["hours"].help_text = f"Vide : {self.hours_rule()}"
        else:
            self.fields["hours"].disabled = True
            self.fields["hours"].help_text = "Achat sans clause : le lot n'exige pas d'heures."

    def hours_rule(self):
        purchase = self.purchase
        computed = purchase.computed_hours()
        planned = number_format(purchase.hours_planned, force_grouping=True)
        if computed is None or computed != purchase.hours_planned:
            return f"les heures prévues ({planned}\u00a0h, saisies)."
        return (
            "recalculées sur le montant notifié avec les mêmes facteurs "
            f"({planned}\u00a0h sur le montant estimé)."
        )

    def clean_attributaire_siret(self):
        siret = normalize_siret(self.cleaned_data["attributaire_siret"])
        if siret:
            validate_siret(siret)
        return siret

    def clean_notification_date(self):
        day = self.cleaned_data["notification_date"]
        if day is not None and not YEAR_MIN <= day.year <= YEAR_MAX:
            raise ValidationError(f"La date doit tomber entre {YEAR_MIN} et {YEAR_MAX}.")
        return day

    def clean_ref(self):
        return self.cleaned_data["ref"].strip()

    def clean(self):
        data = super().clean()
        if data.get("mode") == self.EXISTING:
            if data.get("marche") is None and "marche" not in self.errors:
                self.add_error("marche", "Choisissez le marché notifié.")
            return data
        if data.get("mode") != self.NEW:
            return data
        for name, message in (
            ("ref", "Saisissez la référence du marché."),
            ("notification_date", "Saisissez la date de notification."),
            ("procedure", "Choisissez la procédure."),
            ("amount_ht", "Saisissez le montant notifié."),
        ):
            if data.get(name) in (None, "") and name not in self.errors:
                self.add_error(name, message)
        ref = data.get("ref")
        if ref and Marche.objects.filter(ref=ref).exists():
            self.add_error("ref", f"La référence « {ref} » est déjà celle d'un marché.")
        if not (data.get("lot_ref") or "").strip():
            data["lot_ref"] = "L1"
        return data

    def service_arguments(self):
        """Keyword arguments of ``services_programme.purchase_notify``."""
        data = self.cleaned_data
        if data["mode"] == self.EXISTING:
            return {"marche": data["marche"]}
        return {
            "contract": NewContract(
                ref=data["ref"],
                notification_date=data["notification_date"],
                procedure=data["procedure"],
                amount_ht=data["amount_ht"],
                lot_ref=data["lot_ref"].strip(),
                attributaire_name=data["attributaire_name"].strip(),
                attributaire_siret=data["attributaire_siret"],
                hours=data.get("hours") if self.purchase.has_clause else None,
            )
        }


class AbandonForm(forms.Form):
    reason = forms.CharField(label="Motif", max_length=500, required=False)
