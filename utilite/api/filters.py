"""Filters of ``/api/v1/social-reports/``, and how a client's restriction narrows them."""

import django_filters
from django import forms

from ..computations import SIAE_KIND_CODES
from ..enums import ReportStatus
from ..models import SocialReport

# A département's client sees its structures' reports, a structure's client its own; a
# DLA's client none (its account reads no report anyway).
SCOPE = {"department": "structure__department_id", "structure": "structure_id"}


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=9999, **kwargs)


class SocialReportFilter(django_filters.FilterSet):
    year = YearFilter(field_name="year", help_text="Année du bilan.")
    status = django_filters.MultipleChoiceFilter(
        choices=ReportStatus.choices, help_text="Statut (plusieurs possibles)."
    )
    department = django_filters.CharFilter(
        field_name="structure__department_id",
        max_length=3,
        help_text="Département de la structure (code INSEE).",
    )
    structure = django_filters.CharFilter(
        field_name="structure__siret", max_length=14, help_text="SIRET de la structure."
    )
    kind = django_filters.MultipleChoiceFilter(
        field_name="structure__kind",
        choices=[(code, code) for code in SIAE_KIND_CODES],
        help_text="Type de la structure (plusieurs possibles).",
    )

    class Meta:
        model = SocialReport
        fields = ["year", "status", "department", "structure", "kind"]
