import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import number_format

from iae_portal.forms import CsvUploadField
from structures.enums import StructureKind
from structures.models import Structure
from structures.validators import normalize_siret

from .enums import RESERVED_TO, ImportKind, Modality, PublicCategory
from .querysets import Territory
from .services import FACTORS, HoursLine

BLANK = [("", "—")]
PERIOD = re.compile(r"(\d{4})-(\d{2})")
PSEUDONYM = re.compile(r"[^\s@]*\d[^\s@]*")


class MonthInput(forms.TextInput):
    input_type = "month"


class PeriodForm(forms.Form):
    period = forms.CharField(label="Mois", widget=MonthInput, help_text="Format AAAA-MM.")

    def clean_period(self):
        raw = self.cleaned_data["period"].strip()
        match = PERIOD.fullmatch(raw)
        if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1:
            raise ValidationError(f"Mois invalide : « {raw} » (format attendu AAAA-MM).")
        return datetime.date(int(match[1]), int(match[2]), 1)


class HoursLineForm(forms.Form):
    participant_ref = forms.CharField(label="Référence du participant", max_length=64)
    # A blank first choice: an untouched extra line stays empty and is skipped.
    public_category = forms.ChoiceField(label="Public", choices=BLANK + PublicCategory.choices)
    modality = forms.ChoiceField(label="Modalité", choices=BLANK + Modality.choices)
    siae_siret = forms.CharField(label="SIRET de la SIAE", max_length=20, required=False)
    hours = forms.DecimalField(label="Heures", max_digits=8, decimal_places=2)

    def clean_participant_ref(self):
        """A pseudonymous reference (clauses.md): a name or an e-mail address typed here by
        mistake would end up in the reports, so a reference has a digit and no space."""
        ref = self.cleaned_data["participant_ref"].strip()
        if not PSEUDONYM.fullmatch(ref):
            raise ValidationError(
                "Saisissez la référence pseudonyme du participant (au moins un chiffre, "
                "sans espace ni « @ »), jamais son nom."
            )
        return ref

    def clean_hours(self):
        hours = self.cleaned_data["hours"]
        if hours <= 0:
            raise ValidationError("Le nombre d'heures doit être strictement positif.")
        return hours

    def clean_siae_siret(self):
        return normalize_siret(self.cleaned_data["siae_siret"] or "")

    def clean(self):
        data = super().clean()
        modality, siret = data.get("modality"), data.get("siae_siret")
        if modality == Modality.EMBAUCHE_DIRECTE and siret:
            self.add_error("siae_siret", "Pas de SIAE pour une embauche directe.")
        elif modality and modality != Modality.EMBAUCHE_DIRECTE and not siret:
            self.add_error("siae_siret", "SIAE obligatoire pour cette modalité.")
        return data


class BaseHoursFormSet(forms.BaseFormSet):
    """Lines of one lot and month: the SIAE are resolved in one query, a line may not
    appear twice."""

    def clean(self):
        if any(self.errors):
            return
        lines = [form.cleaned_data for form in self.forms if form.cleaned_data]
        lines = [line for line in lines if not line.get("DELETE")]
        if not lines:
            raise ValidationError("Saisissez au moins une ligne.")
        sirets = {line["siae_siret"] for line in lines} - {""}
        known = {s.siret: s for s in Structure.objects.filter(siret__in=sirets)}
        seen, self.lines = set(), []
        for form in self.forms:
            data = form.cleaned_data
            if not data or data.get("DELETE"):
                continue
            siret = data["siae_siret"]
            if siret and siret not in known:
                form.add_error("siae_siret", f"Structure inconnue : SIRET {siret}.")
                continue
            key = (data["participant_ref"], data["modality"], siret)
            if key in seen:
                form.add_error(
                    None, "Ligne en double : même participant, même modalité, même SIAE."
                )
                continue
            seen.add(key)
            self.lines.append(
                HoursLine(
                    participant_ref=data["participant_ref"],
                    public_category=data["public_category"],
                    modality=data["modality"],
                    siae=known.get(siret),
                    hours=data["hours"],
                )
            )


HoursFormSet = forms.formset_factory(
    HoursLineForm, formset=BaseHoursFormSet, extra=5, max_num=200, absolute_max=200
)


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label="Fichier",
        choices=ImportKind.choices,
    )
    file = CsvUploadField(help_text="UTF-8, séparateur virgule, ligne d'en-tête.")


class CandidatesForm(forms.Form):
    """Filters of the SIAE able to answer a reserved lot; every field is optional, a bad
    value falls back to its default (a list page answers, it does not refuse)."""

    kind = forms.MultipleChoiceField(
        label="Type de SIAE", required=False, widget=forms.SelectMultiple(attrs={"size": 4})
    )
    territory = forms.ChoiceField(label="Territoire", required=False)

    def __init__(self, data, *, lot, departments):
        super().__init__(data)
        eligible = RESERVED_TO.get(lot.clause, frozenset())
        self.fields["kind"].choices = [c for c in StructureKind.choices if c[0] in eligible]
        names = ", ".join(f"{d.code} {d.name}" for d in departments)
        regions = ", ".join(sorted({d.region.name for d in departments}))
        if departments:
            self.fields["territory"].choices = [
                (Territory.REGION, f"Région ({regions}), le département d'abord"),
                (Territory.DEPARTMENT, f"Département d'exécution ({names})"),
                (Territory.ALL, "Toute la France, le territoire du lot d'abord"),
            ]
        else:
            self.fields["territory"].choices = [(Territory.ALL, "Toute la France")]

    def filters(self):
        """``{"kinds", "territory"}`` for ``querysets.able_to_answer`` (activities are
        ranked on their NAF codes, ``clauses.matching``)."""
        self.is_valid()  # the fields that are valid are used, the others take their default
        data = self.cleaned_data
        territory = data.get("territory") or self.fields["territory"].choices[0][0]
        return {
            "kinds": data.get("kind") or (),
            "territory": territory,
        }


class LotHoursForm(forms.Form):
    """The hours a lot requires: computed (clauses.md: amount × labour share × insertion
    rate / hourly cost, rounded to the hour) or typed. Shares are typed in percent; an empty
    factor takes the buyer's default."""

    COMPUTE, TYPE = "calcul", "saisie"
    method = forms.ChoiceField(
        label="Méthode",
        widget=forms.RadioSelect,
        choices=[
            (COMPUTE, "Calculer à partir du montant du lot"),
            (TYPE, "Saisir le nombre d'heures"),
        ],
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
        label="Coût horaire moyen (€)", required=False, decimal_places=2
    )
    hours = forms.IntegerField(label="Heures exigées", required=False, min_value=0)

    PERCENT_FIELDS = ("labour_share", "insertion_rate")

    def __init__(self, data=None, *, lot):
        own = {name: getattr(lot, name) for name in FACTORS}
        initial = {
            name: value * 100 if name in self.PERCENT_FIELDS and value is not None else value
            for name, value in own.items()
        }
        initial |= {"method": self.COMPUTE, "hours": lot.hours_required}
        super().__init__(data, initial=initial)
        self.buyer = lot.marche.buyer
        for name in FACTORS:
            default = getattr(self.buyer, name)
            if default is not None:
                shown = (
                    f"{number_format(_plain(default * 100), force_grouping=True)}\u00a0%"
                    if name in self.PERCENT_FIELDS
                    else f"{number_format(default, 2, force_grouping=True)}\u00a0€"
                )
                self.fields[name].help_text = f"Vide : valeur de l'acheteur ({shown})."
            else:
                self.fields[name].help_text = "L'acheteur n'a pas de valeur par défaut."

    def clean_hourly_cost(self):
        cost = self.cleaned_data["hourly_cost"]
        if cost is not None and cost <= 0:
            raise ValidationError("Le coût horaire moyen doit être strictement positif.")
        return cost

    def clean(self):
        data = super().clean()
        if data.get("method") == self.TYPE:
            if data.get("hours") is None and "hours" not in self.errors:
                self.add_error("hours", "Saisissez le nombre d'heures exigées.")
            return data
        self.factors = {}
        for name in FACTORS:
            value = data.get(name)
            if value is not None and name in self.PERCENT_FIELDS:
                value = value / 100
            self.factors[name] = value
            if value is None and getattr(self.buyer, name) is None and name not in self.errors:
                self.add_error(
                    name, "Valeur obligatoire : l'acheteur n'a pas de valeur par défaut."
                )
        return data

    def service_arguments(self):
        """Keyword arguments of ``services.lot_set_hours``."""
        if self.cleaned_data["method"] == self.TYPE:
            return {"hours": self.cleaned_data["hours"]}
        return {"factors": self.factors}


def _plain(value):
    """A Decimal without trailing zeros nor exponent (7.500 → 7.5, 40.0 → 40)."""
    return value.quantize(1) if value == value.to_integral() else value.normalize()
