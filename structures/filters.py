import django_filters

from iae_portal.filtering import FilterSet, OptionListChoiceFilter
from iae_portal.form_renderer import RenderedOnceCheckboxes, RenderedOnceSelect

from .enums import Network, StructureKind
from .models import Department, Region, Structure
from .options import DEPARTMENTS, REGIONS

SORTS = {
    "name": ("name", "siret"),
    "-name": ("-name", "-siret"),
    "siret": ("siret",),
    "kind": ("kind", "name", "siret"),
    "department": ("department_id", "name", "siret"),
    "-updated": ("-updated_at", "siret"),
}
SORT_LABELS = {
    "name": "Nom (A → Z)",
    "-name": "Nom (Z → A)",
    "siret": "SIRET",
    "kind": "Type",
    "department": "Département",
    "-updated": "Dernière modification",
}


class StructureFilter(FilterSet):
    q = django_filters.CharFilter(label="Nom, commune ou SIRET", method="filter_q")
    kind = django_filters.MultipleChoiceFilter(
        label="Type", choices=StructureKind.choices, widget=RenderedOnceCheckboxes
    )
    department = OptionListChoiceFilter(
        label="Département",
        queryset=Department.objects.all(),
        options=DEPARTMENTS,
        empty_label="Tous",
        widget=RenderedOnceSelect,
    )
    region = OptionListChoiceFilter(
        label="Région",
        queryset=Region.objects.all(),
        options=REGIONS,
        field_name="department__region",
        empty_label="Toutes",
        widget=RenderedOnceSelect,
    )
    network = django_filters.ChoiceFilter(
        label="Réseau", choices=Network.choices, method="filter_network", empty_label="Tous"
    )
    active_convention = django_filters.ChoiceFilter(
        label="Conventionnement en cours",
        choices=[("oui", "Oui"), ("non", "Non")],
        method="filter_active_convention",
        empty_label="Indifférent",
    )
    sort = django_filters.ChoiceFilter(
        label="Trier par",
        choices=list(SORT_LABELS.items()),
        method="filter_sort",
        empty_label=None,
    )

    # Its choices are constants or option lists (iae_portal.filtering.FilterSet).
    form_rendered_once = True

    class Meta:
        model = Structure
        fields = ["q", "kind", "department", "region", "network", "active_convention"]

    def filter_q(self, queryset, name, value):
        return queryset.search(value)

    def filter_network(self, queryset, name, value):
        return queryset.in_network(value)

    def filter_active_convention(self, queryset, name, value):
        return queryset.with_active_convention(active=value == "oui")

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORTS.get(value, SORTS["name"]))

    @property
    def qs(self):
        queryset = super().qs
        if not self.form.cleaned_data.get("sort"):
            queryset = queryset.order_by(*SORTS["name"])
        return queryset
