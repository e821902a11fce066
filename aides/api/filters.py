import django_filters
from django.db.models import Q
from django.utils import timezone

from iae_portal.api.filters import InstantFilter

from ..enums import DossierState
from ..models import Campaign, Dossier, FinancingPlan, OpinionRequest, OpinionRequestState
from ..perms import can_view_queue


class CampaignFilter(django_filters.FilterSet):
    scheme = django_filters.CharFilter(
        field_name="scheme__code", max_length=64, help_text="Code du dispositif."
    )
    opens_after = django_filters.DateFilter(
        field_name="opens_on", lookup_expr="gte", help_text="Ouverts à partir de cette date."
    )
    closes_before = django_filters.DateFilter(
        field_name="closes_on", lookup_expr="lte", help_text="Clos au plus tard à cette date."
    )

    class Meta:
        model = Campaign
        fields = ["scheme", "opens_after", "closes_before"]


class DossierFilter(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(
        choices=DossierState.choices, method="filter_state", help_text="État (plusieurs possibles)."
    )
    campaign = django_filters.UUIDFilter(
        field_name="campaign__uuid", help_text="UUID de l'appel à candidatures."
    )
    scheme = django_filters.CharFilter(
        field_name="campaign__scheme__code", max_length=64, help_text="Code du dispositif."
    )
    structure = django_filters.CharFilter(
        field_name="structure__siret", max_length=14, help_text="SIRET de la structure."
    )
    department = django_filters.CharFilter(
        field_name="structure__department_id", max_length=3, help_text="Code du département."
    )
    submitted_after = InstantFilter(
        field_name="submitted_at",
        lookup_expr="gte",
        query_name="submitted_after",
        max_length=64,
        help_text="Déposés à partir de cet instant (ISO 8601).",
    )

    class Meta:
        model = Dossier
        fields = ["state", "campaign", "scheme", "structure", "department", "submitted_after"]

    def filter_state(self, queryset, name, values):
        if not values:
            return queryset
        states = set(values)
        if not can_view_queue(self.request.user):
            # Applicants see an instructed dossier as still in instruction (workflow).
            states.discard(DossierState.INSTRUIT)
            if DossierState.EN_INSTRUCTION in states:
                states.add(DossierState.INSTRUIT)
        return queryset.filter(state__in=states)


class _OfDossier(django_filters.FilterSet):
    """What the partners' resources share: the dossier, its structure and département."""

    dossier = django_filters.UUIDFilter(field_name="dossier__uuid", help_text="UUID du dossier.")
    structure = django_filters.CharFilter(
        field_name="dossier__structure__siret", max_length=14, help_text="SIRET de la structure."
    )
    department = django_filters.CharFilter(
        field_name="dossier__structure__department_id",
        max_length=3,
        help_text="Code du département.",
    )
    scheme = django_filters.CharFilter(
        field_name="dossier__campaign__scheme__code", max_length=64, help_text="Code du dispositif."
    )


class OpinionRequestFilter(_OfDossier):
    state = django_filters.MultipleChoiceFilter(
        choices=OpinionRequestState.choices,
        method="filter_state",
        help_text="État (plusieurs possibles).",
    )
    organisation_kind = django_filters.CharFilter(
        field_name="organisation__kind", max_length=16, help_text="Type d'organisme consulté."
    )

    class Meta:
        model = OpinionRequest
        fields = ["dossier", "structure", "department", "scheme", "state", "organisation_kind"]

    def filter_state(self, queryset, name, values):
        """As ``OpinionRequest.state``: withdrawn first, then answered, then late or not."""
        if not values:
            return queryset
        today = timezone.localdate()
        waiting = Q(withdrawn_at__isnull=True, answered_at__isnull=True)
        conditions = {
            OpinionRequestState.WITHDRAWN: Q(withdrawn_at__isnull=False),
            OpinionRequestState.ANSWERED: Q(withdrawn_at__isnull=True, answered_at__isnull=False),
            OpinionRequestState.LATE: waiting & Q(due_on__lt=today),
            OpinionRequestState.PENDING: waiting & Q(due_on__gte=today),
        }
        condition = Q(pk__in=[])
        for value in set(values):
            condition |= conditions[value]
        return queryset.filter(condition)


class FinancingPlanFilter(_OfDossier):
    class Meta:
        model = FinancingPlan
        fields = ["dossier", "structure", "department", "scheme"]
