"""Filters and sorts of the instruction queue: the page and its exports read the same ones."""

import django_filters
from django import forms
from django.db.models import Case, F, IntegerField, Q, When

from structures.enums import StructureKind
from structures.models import Department

from .enums import DossierState
from .forms_staff import assignable_instructors
from .models import AidScheme, Campaign, Dossier

UNASSIGNED = "aucun"
QUEUE_STATES = [(value, label) for value, label in DossierState.choices if value != "brouillon"]

# The workflow's order, not the alphabet of the codes.
STATE_RANK = Case(
    *[When(state=value, then=rank) for rank, value in enumerate(DossierState.values)],
    output_field=IntegerField(),
)
# Every sort ends on the reference (unique), so pages never overlap nor skip a dossier; empty
# amounts and dates go last on every database.
SORTS = {
    "submitted": (F("submitted_at").asc(nulls_last=True), "reference"),
    "-submitted": (F("submitted_at").desc(nulls_last=True), "-reference"),
    "reference": ("reference",),
    "-reference": ("-reference",),
    "structure": ("structure__name", "reference"),
    "state": (STATE_RANK.asc(), "reference"),
    "requested": (F("requested_amount").asc(nulls_last=True), "reference"),
    "-requested": (F("requested_amount").desc(nulls_last=True), "reference"),
    "-updated": ("-updated_at", "-reference"),
}
SORT_LABELS = {
    "submitted": "Date de dépôt (plus ancien d'abord)",
    "-submitted": "Date de dépôt (plus récent d'abord)",
    "reference": "Référence (croissante)",
    "-reference": "Référence (décroissante)",
    "structure": "Structure (A → Z)",
    "state": "État (ordre du circuit)",
    "requested": "Montant demandé (croissant)",
    "-requested": "Montant demandé (décroissant)",
    "-updated": "Dernière modification",
}
DEFAULT_SORT = "submitted"


class QueueFilter(django_filters.FilterSet):
    """``user`` narrows the départements and instructors offered to their region."""

    q = django_filters.CharFilter(label="Référence, structure ou SIRET", method="filter_q")
    scheme = django_filters.ModelChoiceFilter(
        label="Dispositif",
        field_name="campaign__scheme",
        to_field_name="code",
        queryset=AidScheme.objects.filter(campaigns__isnull=False).distinct(),
        empty_label="Tous",
    )
    campaign = django_filters.ModelChoiceFilter(
        label="Appel à candidatures",
        to_field_name="uuid",
        queryset=Campaign.objects.all(),
        empty_label="Tous",
    )
    # No DISTINCT (django-filter's default for several values): the state is the dossier's
    # own column and the kind its structure's, so no row can come twice, and a DISTINCT over
    # every selected column costs seconds on a large queue.
    state = django_filters.MultipleChoiceFilter(
        label="État",
        choices=QUEUE_STATES,
        widget=forms.SelectMultiple(attrs={"size": 5}),
        distinct=False,
    )
    department = django_filters.ModelChoiceFilter(
        label="Département",
        field_name="structure__department",
        queryset=Department.objects.all(),
        empty_label="Tous",
    )
    kind = django_filters.MultipleChoiceFilter(
        label="Type de structure",
        field_name="structure__kind",
        choices=StructureKind.choices,
        distinct=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    instructor = django_filters.ChoiceFilter(
        label="Instructeur", method="filter_instructor", empty_label="Tous"
    )
    requested_min = django_filters.NumberFilter(
        label="Montant demandé minimum (€)",
        field_name="requested_amount",
        lookup_expr="gte",
        min_value=0,
    )
    requested_max = django_filters.NumberFilter(
        label="Montant demandé maximum (€)",
        field_name="requested_amount",
        lookup_expr="lte",
        min_value=0,
    )
    sort = django_filters.ChoiceFilter(
        label="Trier par",
        choices=list(SORT_LABELS.items()),
        method="filter_sort",
        empty_label=None,
    )

    class Meta:
        model = Dossier
        fields = []

    def __init__(self, data=None, queryset=None, *, user, **kwargs):
        super().__init__(data, queryset, **kwargs)
        if user.region_id:
            self.filters["department"].queryset = Department.objects.filter(
                region_id=user.region_id
            )
        self.filters["instructor"].extra["choices"] = [
            (UNASSIGNED, "Non assigné"),
            *((person.email, str(person)) for person in assignable_instructors(user)),
        ]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(reference__icontains=value)
            | Q(structure__name__icontains=value)
            | Q(structure__siret__startswith=value.replace(" ", ""))
        )

    def filter_instructor(self, queryset, name, value):
        if value == UNASSIGNED:
            return queryset.filter(instructor__isnull=True)
        return queryset.filter(instructor__email=value)

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORTS.get(value, SORTS[DEFAULT_SORT]))

    @property
    def qs(self):
        queryset = super().qs
        if not self.form.cleaned_data.get("sort"):
            queryset = queryset.order_by(*SORTS[DEFAULT_SORT])
        return queryset

    @property
    def filtered_campaign(self):
        """The campaign filtered on (its commissions are those a vote may name), if any."""
        self.errors  # noqa: B018 -- validates the form, whose other fields may be wrong
        return self.form.cleaned_data.get("campaign")
