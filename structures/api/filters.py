import django_filters

from ..enums import Network, StructureKind
from ..models import Structure, StructureActivity


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


class ActivityFilter(django_filters.FilterSet):
    structure = django_filters.CharFilter(
        field_name="structure__siret", max_length=14, help_text="SIRET de la structure."
    )
    code = django_filters.CharFilter(
        method="filter_code",
        max_length=6,
        help_text="Sous-classe NAF (43.31Z), ou son début (43.3, 43) : toutes celles qu'il "
        "contient.",
    )
    main = django_filters.BooleanFilter(
        field_name="is_main", help_text="Activités principales seulement (ou les autres)."
    )
    department = django_filters.CharFilter(
        field_name="structure__department_id",
        max_length=3,
        help_text="Code INSEE du département de la structure.",
    )

    class Meta:
        model = StructureActivity
        fields = ["structure", "code", "main", "department"]

    def filter_code(self, queryset, name, value):
        return queryset.filter(naf_code__startswith=value.upper())
