import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from iae_portal.filtering import FilterSet
from structures.models import Department

from .enums import Clause, MarcheType
from .models import Buyer, Facilitator, Lot, Marche
from .reporting import marches_with


def notification_years():
    years = Marche.objects.dates("notification_date", "year", order="DESC")
    return [(str(day.year), str(day.year)) for day in years]


class MarcheFilter(FilterSet):
    """Filters of the contracts list; ``facilitator_ids`` (from ``perms``) limits the lots
    that the lot-level filters look at to those the user follows."""

    buyer = django_filters.ModelChoiceFilter(
        label="Acheteur", queryset=Buyer.objects.all(), empty_label="Tous"
    )
    type = django_filters.ChoiceFilter(
        label="Type de marché", choices=MarcheType.choices, empty_label="Tous"
    )
    # The years with contracts, as text: a number field would show « 2 025 » in the summary
    # of the filters applied.
    year = django_filters.ChoiceFilter(
        label="Année de notification",
        choices=notification_years,
        field_name="notification_date",
        lookup_expr="year",
        empty_label="Toutes",
    )
    clause = django_filters.ChoiceFilter(
        label="Clause", choices=Clause.choices, method="filter_clause", empty_label="Toutes"
    )
    facilitator = django_filters.ModelChoiceFilter(
        label="Facilitateur",
        queryset=Facilitator.objects.all(),
        method="filter_facilitator",
        empty_label="Tous",
    )
    department = django_filters.ModelChoiceFilter(
        label="Département",
        queryset=Department.objects.all(),
        method="filter_department",
        empty_label="Tous",
        help_text="Département d'exécution, ou à défaut territoire du facilitateur d'un lot.",
    )
    behind = django_filters.BooleanFilter(
        label="En retard",
        method="filter_behind",
        widget=django_filters.widgets.BooleanWidget(),
        help_text="Un lot dont les heures réalisées sont en deçà du rythme attendu.",
    )
    missing = django_filters.BooleanFilter(
        label="Mois manquants",
        method="filter_missing",
        widget=django_filters.widgets.BooleanWidget(),
        help_text="Un lot en cours dont des mois échus n'ont aucune heure déclarée.",
    )

    def __init__(self, *args, facilitator_ids=None, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.facilitator_ids = facilitator_ids
        self.today = today or timezone.localdate()
        if facilitator_ids is not None:
            self.filters["facilitator"].queryset = Facilitator.objects.filter(
                pk__in=facilitator_ids
            )

    def _lots(self):
        lots = Lot.objects.all()
        if self.facilitator_ids is not None:
            lots = lots.filter(facilitator_id__in=self.facilitator_ids)
        return lots

    def _with_lot(self, queryset, **lookups):
        return queryset.filter(Exists(self._lots().filter(marche=OuterRef("pk"), **lookups)))

    def filter_clause(self, queryset, name, value):
        return self._with_lot(queryset, clause=value)

    def filter_facilitator(self, queryset, name, value):
        return self._with_lot(queryset, facilitator=value)

    def filter_department(self, queryset, name, value):
        """As ``Lot.execution_departments``: the contract's département when recorded, else
        the territories of its lots' facilitators."""
        by_facilitator = Exists(
            self._lots().filter(marche=OuterRef("pk"), facilitator__departments=value)
        )
        return queryset.filter(Q(department=value) | Q(department__isnull=True) & by_facilitator)

    def _with_gaps(self, queryset, value, **kinds):
        """The contracts with (``value``) or without a followed lot in that state
        (``reporting.marches_with``: the rules of ``gaps``)."""
        ids = marches_with(self._lots().filter(marche__in=queryset), self.today, **kinds)
        return queryset.filter(pk__in=ids) if value else queryset.exclude(pk__in=ids)

    def filter_behind(self, queryset, name, value):
        return self._with_gaps(queryset, value, late=True)

    def filter_missing(self, queryset, name, value):
        return self._with_gaps(queryset, value, missing=True)
