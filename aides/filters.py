"""Filters and sorts of the instruction queue: the page and its exports read the same ones."""

from functools import partial

import django_filters
from django import forms
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, When
from django.http import QueryDict

from iae_portal.filtering import FilterSet, OptionListChoiceFilter
from iae_portal.form_renderer import RenderedOnceCheckboxes, RenderedOnceSelect
from structures.enums import StructureKind
from structures.options import DEPARTMENTS, departments_of

from . import options
from .enums import DossierState as S
from .models import Campaign, Dossier, OpinionRequest
from .options import schemes_with_campaigns
from .perms import assignable_in_region, assignable_instructors
from .querysets import URGENCY_RANK
from .workflow import TERMINAL

UNASSIGNED = "aucun"
# The queue holds deposited dossiers: the work still to do, then the closed ones. Its
# queries name the states kept, not those left out: PostgreSQL then reads only their
# entries of the index on the state (``dossier_queue_idx``), where an exclusion is tested
# on every dossier's (the queue's page query: 12.6 ms against 16.6, docs/performance.md).
DEPOSITED = [v for v in S.values if v != S.BROUILLON]
OPEN = [v for v in DEPOSITED if v not in TERMINAL]
QUEUE_STATES = [
    ("À traiter", [(v, S(v).label) for v in OPEN]),
    ("Clos", [(v, S(v).label) for v in DEPOSITED if v in TERMINAL]),
]


def deposited(dossiers):
    """``dossiers`` without the drafts: those the queue lists, filtered or not (the
    queue's filter restricts the states itself: ``QueueFilter.filter_queryset``)."""
    return dossiers.filter(state__in=DEPOSITED)


# The workflow's order, not the alphabet of the codes.
STATE_RANK = Case(
    *[When(state=value, then=rank) for rank, value in enumerate(S.values)],
    output_field=IntegerField(),
)
# Every sort ends on the reference (unique), so pages never overlap nor skip a dossier; empty
# amounts and dates go last on every database.
SORTS = {
    "urgency": (URGENCY_RANK.asc(), F("submitted_at").asc(nulls_last=True), "reference"),
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
    "urgency": "Urgence",
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
DEFAULT_SORT = "urgency"
# The orders whose page PostgreSQL reads without sorting the whole queue (the urgency from
# ``dossier_urgency_idx``, the structure's name from its own index): their count is best a
# query of its own. The others sort every dossier of the queue anyway and count them in
# the same pass (``aides.views.staff._queue_page``; docs/performance.md).
SORTS_COUNTED_APART = {"urgency", "structure"}


class QueueFilter(FilterSet):
    """``user`` narrows the départements and instructors offered to their region. The
    fields' order is the form's: the states first (the filter most used), the long list of
    structure kinds last. Its dossiers are deposited ones whatever the queryset given
    (``filter_queryset``)."""

    # No DISTINCT (django-filter's default for several values): the kind is the structure's
    # own column, so no row can come twice, and a DISTINCT over every selected column costs
    # seconds on a large queue.
    state = django_filters.MultipleChoiceFilter(
        label="État",
        choices=QUEUE_STATES,
        widget=RenderedOnceCheckboxes,
        method="read_in_filter_queryset",
    )
    closed = django_filters.BooleanFilter(
        label="Inclure les dossiers clos",
        label_suffix="",
        method="read_in_filter_queryset",
        widget=forms.CheckboxInput,
        help_text="Refusés, irrecevables, retirés, classés sans suite ou soldés ; "
        "sans effet quand des états sont cochés.",
    )
    q = django_filters.CharFilter(label="Référence, structure ou SIRET", method="filter_q")
    # Their options from lists kept by the process (``aides.options``): the queue offered
    # them from four queries at each request.
    scheme = OptionListChoiceFilter(
        label="Dispositif",
        field_name="campaign__scheme",
        to_field_name="code",
        queryset=schemes_with_campaigns(),
        options=options.SCHEMES,
        empty_label="Tous",
        widget=RenderedOnceSelect,
    )
    campaign = OptionListChoiceFilter(
        label="Appel à candidatures",
        to_field_name="uuid",
        queryset=Campaign.objects.only("uuid", "name"),
        options=options.CAMPAIGNS,
        empty_label="Tous",
        widget=RenderedOnceSelect,
    )
    department = OptionListChoiceFilter(
        label="Département",
        field_name="structure__department",
        queryset=departments_of(),
        options=DEPARTMENTS,
        empty_label="Tous",
        widget=RenderedOnceSelect,
    )
    instructor = OptionListChoiceFilter(
        label="Instructeur",
        method="filter_instructor",
        to_field_name="email",
        queryset=assignable_in_region(None),
        options=options.INSTRUCTORS,
        empty_label="Tous",
        null_label="Non assigné",
        null_value=UNASSIGNED,
        widget=RenderedOnceSelect,
        # A list's message, which names the value refused (a model field's does not).
        error_messages={
            "invalid_choice": forms.ChoiceField.default_error_messages["invalid_choice"]
        },
    )
    opinions_waiting = django_filters.BooleanFilter(
        label="Avis en attente",
        label_suffix="",
        method="filter_opinions_waiting",
        widget=forms.CheckboxInput,
        help_text="Les dossiers dont au moins un partenaire n'a pas encore rendu l'avis demandé.",
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
        initial=DEFAULT_SORT,
        widget=RenderedOnceSelect,
        help_text="Urgence : les dossiers à instruire ou à décider d'abord, puis ceux en "
        "paiement, chaque fois du plus ancien dépôt au plus récent.",
    )
    kind = django_filters.MultipleChoiceFilter(
        label="Type de structure",
        field_name="structure__kind",
        choices=StructureKind.choices,
        distinct=False,
        widget=RenderedOnceCheckboxes,
    )

    # Its choices are constants or option lists (iae_portal.filtering.FilterSet).
    form_rendered_once = True

    class Meta:
        model = Dossier
        fields = []

    def __init__(self, data=None, queryset=None, *, user, **kwargs):
        """No ``data`` is no filter chosen: the open dossiers (django-filter would not
        filter at all)."""
        super().__init__(QueryDict() if data is None else data, queryset, **kwargs)
        region = {"region_id": user.region_id}
        if user.region_id:
            self.filters["department"].queryset = departments_of(**region)
            self.filters["department"].extra["options"] = partial(DEPARTMENTS, **region)
        self.filters["instructor"].queryset = assignable_instructors(user)
        self.filters["instructor"].extra["options"] = partial(options.INSTRUCTORS, **region)

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
        return queryset.filter(instructor=value)

    def filter_opinions_waiting(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            Exists(OpinionRequest.objects.waiting().filter(dossier=OuterRef("pk")))
        )

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORTS.get(value, SORTS[DEFAULT_SORT]))

    def read_in_filter_queryset(self, queryset, name, value):
        return queryset  # the states ticked and the closed ones' box: read together there

    def filter_queryset(self, queryset):
        """The filters, the states in one condition: those ticked (all deposited ones:
        the choices), else the deposited ones when the closed are asked for, else the open
        ones. One list of states is what PostgreSQL seeks in ``dossier_queue_idx``: the
        states ticked as equalities beside the deposited ones made it read every deposited
        dossier's entry (the queue's page query: 2.9 ms against 5.4, docs/performance.md)."""
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        states = data.get("state") or (DEPOSITED if data.get("closed") else OPEN)
        queryset = queryset.filter(state__in=states)
        if not data.get("sort"):
            queryset = queryset.order_by(*SORTS[DEFAULT_SORT])
        return queryset

    @property
    def order(self):
        """The order of the dossiers chosen (a key of ``SORTS``)."""
        self.errors  # noqa: B018 -- validates the form
        return self.form.cleaned_data.get("sort") or DEFAULT_SORT

    @property
    def shows_closed(self):
        """Whether closed dossiers may be listed (asked for, or states ticked)."""
        self.errors  # noqa: B018 -- validates the form
        data = self.form.cleaned_data
        return bool(data.get("state") or data.get("closed"))

    @property
    def filtered_campaign(self):
        """The campaign filtered on (its commissions are those a vote may name), if any."""
        self.errors  # noqa: B018 -- validates the form, whose other fields may be wrong
        return self.form.cleaned_data.get("campaign")
