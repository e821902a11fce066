"""``?updated_since=`` on every list, and the ISO 8601 instants the API reads."""

import datetime
import functools

import django_filters
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.filters import BaseFilterBackend

from .errors import FieldError

INSTANT_HELP = "Instant ISO 8601 (par exemple 2026-01-31T08:00:00Z ; sans fuseau : heure de Paris)."


def parse_instant(raw, field):
    """An aware datetime from ISO 8601 text, or a 400 on ``field``."""
    try:
        value = parse_datetime(raw.strip()) if len(raw) <= 64 else None
    except (ValueError, OverflowError):
        value = None
    if value is None:
        try:
            day = datetime.date.fromisoformat(raw.strip()) if len(raw) <= 10 else None
        except ValueError:
            day = None
        value = datetime.datetime.combine(day, datetime.time()) if day else None
    if value is None:
        raise FieldError(field, INSTANT_HELP, code="invalid")
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    try:
        # In UTC: PostgreSQL refuses offsets beyond ±15:59, which ISO 8601 allows.
        return value.astimezone(datetime.UTC)
    except OverflowError:  # an instant out of range (year 1 with an offset)
        raise FieldError(field, INSTANT_HELP, code="invalid") from None


def query_year(request, name="year"):
    """``?year=`` (a bilan's year) as an int from 1 to 9999, or a 400 on it."""
    raw = request.query_params.get(name, "").strip()
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 4 and int(raw) >= 1):
        raise FieldError(name, "Une année de 1 à 9999 est attendue.", code="invalid")
    return int(raw)


class InstantFilter(django_filters.CharFilter):
    """A filter on an instant read like ``updated_since`` (``parse_instant``): django-filter's
    own ``IsoDateTimeFilter`` passes offsets beyond ±15:59 that PostgreSQL refuses (a 500)."""

    def __init__(self, *args, query_name, **kwargs):
        self.query_name = query_name  # the parameter a 400 names
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        return super().filter(qs, parse_instant(value, self.query_name))


class UpdatedSinceFilter(BaseFilterBackend):
    """Objects created or changed at or after the instant (``view.updated_field``,
    ``updated_at`` by default; a view may also give ``updated_since_filter(queryset, t)``)."""

    param = "updated_since"

    def filter_queryset(self, request, queryset, view):
        raw = request.query_params.get(self.param)
        if raw is None or getattr(view, "action", "list") != "list":
            return queryset
        instant = parse_instant(raw, self.param)
        custom = getattr(view, "updated_since_filter", None)
        if custom is not None:
            return custom(queryset, instant)
        field = getattr(view, "updated_field", "updated_at")
        return queryset.filter(**{f"{field}__gte": instant})

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.param,
                "required": False,
                "in": "query",
                "description": "Seulement les objets créés ou modifiés à partir de cet instant. "
                + INSTANT_HELP,
                "schema": {"type": "string", "format": "date-time"},
            }
        ]


class FilterSetBackend(DjangoFilterBackend):
    """django-filter's backend, without building the ``FilterSet`` (its filters and their
    form, deep-copied: a tenth of a structures page's CPU) when the query names none of its
    filters and the answer is then known: every filter lets the queryset through on an
    empty value (django-filter's own filters, or a ``method``), none is required, and the
    FilterSet filters as django-filter does. Any parameter starting with a filter's name
    (``x_min``, ``x_after``…) takes the usual way, errors included."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and passes_through(filterset_class):
            names = tuple(filterset_class.base_filters)
            if not any(param.startswith(names) for param in request.query_params):
                return queryset.all()  # what ``FilterSet.qs`` gives with no filter applied
        return super().filter_queryset(request, queryset, view)


@functools.cache
def passes_through(filterset_class):
    """Whether ``filterset_class`` with none of its parameters filters nothing."""
    if (
        filterset_class.filter_queryset is not django_filters.FilterSet.filter_queryset
        or filterset_class.qs is not django_filters.FilterSet.qs
    ):
        return False
    return all(
        not declared.extra.get("required")
        and (
            declared.method is not None
            or type(declared).filter.__module__ == django_filters.filters.__name__
        )
        for declared in filterset_class.base_filters.values()
    )
