"""Filters of the clauses resources, and where a contract, a lot or a report is executed
(the client's département restriction)."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q

from iae_portal.api.errors import FieldError
from iae_portal.api.scope import client_of, restrict

from .. import perms
from ..enums import (
    BuyerKind,
    Clause,
    MarcheType,
    Modality,
    Procedure,
    PublicCategory,
    PurchaseStatus,
)
from ..models import Facilitator, HoursReport, Lot, LotInterest, Marche, PlannedPurchase
from ..querysets import executed_in
from .serializers import parse_period


def lot_in_department(code, prefix=""):
    """As ``Lot.execution_departments``: the contract's département when recorded, else the
    territory of the lot's facilitator (``prefix`` reaches the lot from another model)."""
    return executed_in([code], prefix)


def marche_in_department(code):
    """A contract executed in the département, or one of its lots (as the contracts page)."""
    lots = Lot.objects.filter(Q(marche=OuterRef("pk")) & lot_in_department(code))
    return Q(department_id=code) | Q(department__isnull=True) & Exists(lots)


# How a client's restriction narrows each resource (``iae_portal.api.scope``): structures'
# and DLA's clients see no contract (clauses/perms.py already give them none); an SIAE
# director's client sees the hours its structure delivered.
MARCHE_SCOPE = {"department": marche_in_department}
LOT_SCOPE = {"department": lot_in_department}


def purchase_in_department(code):
    """A planned purchase executed in the département: its own, else (none recorded) the
    territory of its facilitator (as a lot's)."""
    covered = Facilitator.departments.through.objects.filter(
        facilitator_id=OuterRef("facilitator_id"), department_id=code
    )
    return Q(department_id=code) | Q(department__isnull=True) & Exists(covered)


PURCHASE_SCOPE = {"department": purchase_in_department}
INTEREST_SCOPE = {
    "department": lambda code: lot_in_department(code, prefix="lot__"),
    "structure": "structure_id",
}
HOURS_SCOPE = {
    "department": lambda code: lot_in_department(code, prefix="lot__"),
    "structure": "siae_id",
}


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=9999, **kwargs)


# The contract's fields, reached from each resource through ``contract_prefix``.
CONTRACT_LOOKUPS = {
    "buyer": "buyer__name",
    "buyer_kind": "buyer__kind",
    "type": "type__in",
    "year": "notification_date__year",
}


class _ClausesFilter(django_filters.FilterSet):
    """What the three resources share: the contract's buyer, type and year, the clause and
    the département."""

    contract_prefix = ""

    buyer = django_filters.CharFilter(
        method="filter_contract", max_length=255, help_text="Nom exact de l'acheteur."
    )
    buyer_kind = django_filters.ChoiceFilter(
        method="filter_contract", choices=BuyerKind.choices, help_text="Type d'acheteur."
    )
    type = django_filters.MultipleChoiceFilter(
        method="filter_contract",
        choices=MarcheType.choices,
        help_text="Type de marché (plusieurs possibles).",
    )
    year = YearFilter(method="filter_contract", help_text="Année de notification du marché.")
    clause = django_filters.MultipleChoiceFilter(
        choices=Clause.choices,
        method="filter_clause",
        help_text="Clause d'un lot (plusieurs possibles).",
    )
    department = django_filters.CharFilter(
        max_length=3,
        method="filter_department",
        help_text="Département d'exécution (code INSEE), ou à défaut territoire du "
        "facilitateur du lot.",
    )

    def filter_contract(self, queryset, name, value):
        return queryset.filter(**{self.contract_prefix + CONTRACT_LOOKUPS[name]: value})


class MarcheFilter(_ClausesFilter):
    class Meta:
        model = Marche
        fields = ["buyer", "buyer_kind", "type", "year", "clause", "department"]

    def _lots(self):
        """The lots this client sees: a lot-level filter looks at these only."""
        lots = perms.visible_lots(self.request.user)
        return restrict(lots, client_of(self.request), LOT_SCOPE)

    def filter_clause(self, queryset, name, values):
        return queryset.filter(
            Exists(self._lots().filter(marche=OuterRef("pk"), clause__in=values))
        )

    def filter_department(self, queryset, name, value):
        return queryset.filter(marche_in_department(value))


class LotFilter(_ClausesFilter):
    contract_prefix = "marche__"
    marche = django_filters.UUIDFilter(field_name="marche__uuid", help_text="UUID du marché.")
    procedure = django_filters.ChoiceFilter(choices=Procedure.choices, help_text="Procédure.")
    facilitator = django_filters.CharFilter(
        field_name="facilitator__name", max_length=255, help_text="Nom du facilitateur."
    )

    class Meta:
        model = Lot
        fields = ["marche", "buyer", "buyer_kind", "type", "year", "clause", "department",
                  "procedure", "facilitator"]  # fmt: skip

    def filter_clause(self, queryset, name, values):
        return queryset.filter(clause__in=values)

    def filter_department(self, queryset, name, value):
        return queryset.filter(lot_in_department(value))


class HoursFilter(_ClausesFilter):
    contract_prefix = "lot__marche__"
    lot = django_filters.UUIDFilter(field_name="lot__uuid", help_text="UUID du lot.")
    marche = django_filters.UUIDFilter(field_name="lot__marche__uuid", help_text="UUID du marché.")
    period = django_filters.CharFilter(
        method="filter_period", max_length=7, help_text="Mois déclaré (AAAA-MM)."
    )
    modality = django_filters.MultipleChoiceFilter(
        choices=Modality.choices, help_text="Modalité (plusieurs possibles)."
    )
    public_category = django_filters.MultipleChoiceFilter(
        choices=PublicCategory.choices, help_text="Public (plusieurs possibles)."
    )
    siae = django_filters.CharFilter(
        field_name="siae__siret", max_length=14, help_text="SIRET de la SIAE."
    )

    class Meta:
        model = HoursReport
        fields = ["lot", "marche", "buyer", "buyer_kind", "type", "year", "clause",
                  "department", "period", "modality", "public_category", "siae"]  # fmt: skip

    def filter_clause(self, queryset, name, values):
        return queryset.filter(lot__clause__in=values)

    def filter_department(self, queryset, name, value):
        return queryset.filter(lot_in_department(value, prefix="lot__"))

    def filter_period(self, queryset, name, value):
        period = parse_period(value)
        if period is None:
            raise FieldError("period", "Mois invalide (format attendu AAAA-MM).")
        return queryset.filter(period=period)


class PlannedPurchaseFilter(django_filters.FilterSet):
    year = YearFilter(help_text="Année du programme d'achats.")
    buyer = django_filters.CharFilter(
        field_name="buyer__name", max_length=255, help_text="Nom exact de l'acheteur."
    )
    buyer_kind = django_filters.ChoiceFilter(
        field_name="buyer__kind", choices=BuyerKind.choices, help_text="Type d'acheteur."
    )
    type = django_filters.MultipleChoiceFilter(
        choices=MarcheType.choices, help_text="Type de marché (plusieurs possibles)."
    )
    clause = django_filters.MultipleChoiceFilter(
        choices=Clause.choices, help_text="Clause prévue (plusieurs possibles)."
    )
    status = django_filters.MultipleChoiceFilter(
        choices=PurchaseStatus.choices, help_text="État (plusieurs possibles)."
    )
    facilitator = django_filters.CharFilter(
        field_name="facilitator__name", max_length=255, help_text="Nom du facilitateur."
    )
    department = django_filters.CharFilter(
        max_length=3,
        method="filter_department",
        help_text="Département d'exécution (code INSEE), ou à défaut territoire du facilitateur.",
    )

    class Meta:
        model = PlannedPurchase
        fields = ["year", "buyer", "buyer_kind", "type", "clause", "status", "facilitator",
                  "department"]  # fmt: skip

    def filter_department(self, queryset, name, value):
        return queryset.filter(purchase_in_department(value))


class InterestFilter(django_filters.FilterSet):
    lot = django_filters.UUIDFilter(field_name="lot__uuid", help_text="UUID du lot.")
    marche = django_filters.UUIDFilter(field_name="lot__marche__uuid", help_text="UUID du marché.")
    siae = django_filters.CharFilter(
        field_name="structure__siret", max_length=14, help_text="SIRET de la structure."
    )
    open = django_filters.BooleanFilter(
        field_name="withdrawn_at",
        lookup_expr="isnull",
        help_text="true : intérêts en cours ; false : intérêts retirés.",
    )

    class Meta:
        model = LotInterest
        fields = ["lot", "marche", "siae", "open"]
