"""Filters of the DLA resources, and how a client's restriction narrows them."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q

from ..enums import AccompanimentState, Mode, Prescriber, ProviderKind, Theme
from ..models import Accompaniment, Prestation

Named = Accompaniment.structures.through
Served = Prestation.beneficiaries.through


def accompanying(structure_id, outer="pk"):
    """Accompaniments (their key in ``outer``) where the structure is named at the request
    or served by a prestation, as ``perms.visible_accompaniments`` for directors."""
    pk = OuterRef(outer)
    named = Named.objects.filter(accompaniment_id=pk, structure_id=structure_id)
    served = Served.objects.filter(prestation__accompaniment_id=pk, structure_id=structure_id)
    return Q(Exists(named)) | Q(Exists(served))


ACCOMPANIMENT_SCOPE = {
    "department": "dla__department_id",
    "dla": "dla_id",
    "structure": accompanying,
}
PRESTATION_SCOPE = {
    "department": "accompaniment__dla__department_id",
    "dla": "accompaniment__dla_id",
    "structure": lambda pk: accompanying(pk, outer="accompaniment_id"),
}


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=9999, **kwargs)


class _DlaFilter(django_filters.FilterSet):
    department = django_filters.CharFilter(
        method="filter_place", max_length=3, help_text="Département du DLA (code INSEE)."
    )
    region = django_filters.CharFilter(
        method="filter_place", max_length=3, help_text="Région du DLA (code INSEE)."
    )
    structure = django_filters.CharFilter(
        method="filter_structure", max_length=14, help_text="SIRET d'une structure accompagnée."
    )

    dla_path = ""
    place_lookups = {"department": "department_id", "region": "department__region_id"}

    def filter_place(self, queryset, name, value):
        return queryset.filter(**{f"{self.dla_path}dla__{self.place_lookups[name]}": value})


class AccompanimentFilter(_DlaFilter):
    state = django_filters.MultipleChoiceFilter(
        choices=AccompanimentState.choices, help_text="État (plusieurs possibles)."
    )
    mode = django_filters.ChoiceFilter(
        choices=Mode.choices, method="filter_prestations", help_text="Mode d'une prestation."
    )
    theme = django_filters.ChoiceFilter(
        choices=Theme.choices, method="filter_prestations", help_text="Thème d'une prestation."
    )
    year = YearFilter(method="filter_prestations", help_text="Année de début d'une prestation.")

    class Meta:
        model = Accompaniment
        fields = ["state", "department", "region", "structure", "mode", "theme", "year"]

    def filter_structure(self, queryset, name, value):
        named = Named.objects.filter(accompaniment_id=OuterRef("pk"), structure__siret=value)
        served = Served.objects.filter(
            prestation__accompaniment_id=OuterRef("pk"), structure__siret=value
        )
        return queryset.filter(Q(Exists(named)) | Q(Exists(served)))

    def filter_prestations(self, queryset, name, value):
        # Applied once for all three in ``filter_queryset``: one prestation matches them all.
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        lookups = {"mode": "mode", "theme": "theme", "year": "start_date__year"}
        conditions = {
            lookup: self.form.cleaned_data[name]
            for name, lookup in lookups.items()
            if self.form.cleaned_data.get(name) not in (None, "")
        }
        if conditions:
            matching = Prestation.objects.filter(accompaniment_id=OuterRef("pk"), **conditions)
            queryset = queryset.filter(Exists(matching))
        return queryset


class PrestationFilter(_DlaFilter):
    dla_path = "accompaniment__"

    accompaniment = django_filters.UUIDFilter(
        field_name="accompaniment__uuid", help_text="UUID de l'accompagnement."
    )
    mode = django_filters.ChoiceFilter(choices=Mode.choices, help_text="Mode.")
    theme = django_filters.MultipleChoiceFilter(
        choices=Theme.choices, help_text="Thème (plusieurs possibles)."
    )
    prescriber = django_filters.ChoiceFilter(choices=Prescriber.choices, help_text="Prescripteur.")
    provider_kind = django_filters.ChoiceFilter(
        field_name="provider__kind", choices=ProviderKind.choices, help_text="Type de prestataire."
    )
    year = YearFilter(field_name="start_date", lookup_expr="year", help_text="Année de début.")

    class Meta:
        model = Prestation
        fields = ["accompaniment", "department", "region", "structure", "mode", "theme",
                  "prescriber", "provider_kind", "year"]  # fmt: skip

    def filter_structure(self, queryset, name, value):
        served = Served.objects.filter(prestation_id=OuterRef("pk"), structure__siret=value)
        return queryset.filter(Exists(served))
