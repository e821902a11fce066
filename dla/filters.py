import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils import timezone

from iae_portal.filtering import FilterSet
from structures.enums import StructureKind

from .enums import AccompanimentState, Mode, Theme
from .models import Accompaniment, Prestation

# Filters on the prestations: an accompaniment matches when one of its prestations matches
# all of them at once (a collective on mutualisation in 2024, not any mix of the three).
PRESTATION_LOOKUPS = {
    "theme": "theme",
    "mode": "mode",
    "year": "start_date__year",
    "structure_kind": "beneficiaries__kind",
}


def prestation_years():
    years = Prestation.objects.dates("start_date", "year", order="DESC")
    return [(str(day.year), str(day.year)) for day in years]


class AccompanimentFilter(FilterSet):
    state = django_filters.ChoiceFilter(
        label="État", choices=AccompanimentState.choices, empty_label="Tous"
    )
    theme = django_filters.ChoiceFilter(
        label="Thème", choices=Theme.choices, empty_label="Tous", method="filter_prestations"
    )
    mode = django_filters.ChoiceFilter(
        label="Mode", choices=Mode.choices, empty_label="Tous", method="filter_prestations"
    )
    structure_kind = django_filters.ChoiceFilter(
        label="Type de structure bénéficiaire",
        choices=StructureKind.choices,
        empty_label="Tous",
        method="filter_prestations",
    )
    year = django_filters.ChoiceFilter(
        label="Année (début de prestation)",
        choices=prestation_years,
        empty_label="Toutes",
        method="filter_prestations",
    )

    follow_up_due = django_filters.BooleanFilter(
        label="Suivi dû (échéance passée ou dans les 30 jours)",
        widget=forms.CheckboxInput,
        method="filter_follow_up_due",
    )

    class Meta:
        model = Accompaniment
        fields = ["state", "theme", "mode", "structure_kind", "year", "follow_up_due"]

    def filter_follow_up_due(self, queryset, name, value):
        return queryset.follow_up_due(timezone.localdate()) if value else queryset

    def filter_prestations(self, queryset, name, value):
        # Applied once for all the prestation filters, in ``filter_queryset``.
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        conditions = {
            lookup: self.form.cleaned_data[name]
            for name, lookup in PRESTATION_LOOKUPS.items()
            if self.form.cleaned_data.get(name)
        }
        if conditions:
            matching = Prestation.objects.filter(accompaniment_id=OuterRef("pk"), **conditions)
            queryset = queryset.filter(Exists(matching))
        return queryset
