import django_filters

from ..enums import Network, StructureKind
from ..models import Structure


class StructureFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(
        choices=StructureKind.choices, help_text="Type de structure (plusieurs possibles)."
    )
    department = django_filters.CharFilter(
        field_name="department_id", max_length=3, help_text="Code INSEE du département."
    )
    region = django_filters.CharFilter(
        field_name="department__region_id", max_length=3, help_text="Code INSEE de la région."
    )
    network = django_filters.ChoiceFilter(
        choices=Network.choices, method="filter_network", help_text="Adhérent aujourd'hui."
    )
    siae = django_filters.BooleanFilter(method="filter_siae", help_text="SIAE seulement.")

    class Meta:
        model = Structure
        fields = ["kind", "department", "region", "network", "siae"]

    def filter_network(self, queryset, name, value):
        return queryset.in_network(value)

    def filter_siae(self, queryset, name, value):
        siae = queryset.siae()
        return siae if value else queryset.exclude(pk__in=siae.values("pk"))
