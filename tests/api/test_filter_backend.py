import django_filters
import pytest
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from iae_portal.api.filters import FilterSetBackend, InstantFilter, passes_through
from structures.api.filters import StructureFilter
from structures.api.views import StructureViewSet
from structures.models import Structure

pytestmark = pytest.mark.django_db


class Required(django_filters.FilterSet):
    city = django_filters.CharFilter(required=True)

    class Meta:
        model = Structure
        fields = ["city"]


class Custom(django_filters.FilterSet):
    since = InstantFilter(field_name="updated_at", lookup_expr="gte", query_name="since")

    class Meta:
        model = Structure
        fields = ["since"]


def test_filtersets_that_filter_nothing_without_their_parameters():
    assert passes_through(StructureFilter)
    assert not passes_through(Required)
    assert not passes_through(Custom)


@pytest.mark.parametrize(
    "query",
    ["", "?page_size=10", "?kind=ACI", "?kind=XX", "?siae=true", "?region=", "?department_x=1"],
)
def test_same_queryset_as_django_filters_backend(query):
    request = Request(APIRequestFactory().get(f"/{query}"))
    view = StructureViewSet(request=request, action="list")
    queryset = Structure.objects.order_by("pk")
    results = []
    for backend in (DjangoFilterBackend(), FilterSetBackend()):
        try:
            results.append(str(backend.filter_queryset(request, queryset, view).query))
        except ValidationError as error:  # the same refusal from both
            results.append(repr(error))
    assert results[0] == results[1]
