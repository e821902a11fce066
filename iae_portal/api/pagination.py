"""Cursor (keyset) pagination in a stable order.

Pages are read in the order of ``view.cursor_ordering`` (unique, never-changing fields:
``("uuid",)`` by default), from the last key of the previous page: a record changed during
a sync keeps its place, so following ``next`` returns every record that existed at the
start exactly once. No COUNT, no OFFSET: each page costs the same whatever its depth.
"""

import base64
import binascii
import datetime
import functools
import json
import operator
import uuid
from collections import OrderedDict

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.encoding import force_str
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from .errors import FieldError

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
# A cursor the API gave is a few dozen characters (the keys of one row).
MAX_CURSOR_LENGTH = 1000


def _plain(value):
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return force_str(value) if isinstance(value, uuid.UUID) else value


def _aware(value):
    """A cursor's instant in UTC: PostgreSQL refuses offsets beyond ±15:59, which ISO 8601
    (and so a forged cursor) allows."""
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value, datetime.UTC)
        return value.astimezone(datetime.UTC)  # OverflowError out of range
    return value


def _encode(direction, values):
    raw = json.dumps([direction, values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


class KeysetPagination(BasePagination):
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.ordering = tuple(getattr(view, "cursor_ordering", ("uuid",)))
        self.page_size = self._page_size(request)
        direction, key = self._decode(request, queryset.model)
        if key is not None:
            queryset = queryset.filter(self._after(key, reverse=direction == "p"))
        fields = [f"-{f}" if direction == "p" else f for f in self.ordering]
        rows = list(queryset.order_by(*fields)[: self.page_size + 1])
        more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        if direction == "p":
            rows.reverse()
        self.has_next = more if direction == "n" else True
        self.has_previous = key is not None if direction == "n" else more
        self.first_key = self._key(rows[0]) if rows else None
        self.last_key = self._key(rows[-1]) if rows else None
        if not rows:
            # An empty page: its links start again from the cursor it was asked from.
            self.first_key = self.last_key = key and [_plain(value) for value in key]
        return rows

    def _page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return DEFAULT_PAGE_SIZE
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= MAX_PAGE_SIZE or not raw.strip().isdigit():
            raise FieldError(
                "page_size",
                f"Un nombre entier entre 1 et {MAX_PAGE_SIZE} est attendu.",
                code="invalid",
            )
        return size

    def _decode(self, request, model):
        raw = request.query_params.get(self.cursor_query_param)
        if raw is None:
            return "n", None
        try:
            if len(raw) > MAX_CURSOR_LENGTH:
                raise ValueError
            padded = raw + "=" * (-len(raw) % 4)
            decoded = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
            if not isinstance(decoded, list) or len(decoded) != 2:
                raise ValueError
            direction, values = decoded
            if direction not in ("n", "p") or not isinstance(values, list):
                raise ValueError
            if len(values) != len(self.ordering) or not all(isinstance(v, str) for v in values):
                raise ValueError
            for value in values:
                value.encode("utf-8")  # a lone surrogate: UnicodeEncodeError
                if "\x00" in value:
                    raise ValueError
            key = [
                _aware(model._meta.get_field(name).to_python(value))
                for name, value in zip(self.ordering, values, strict=True)
            ]
            if any(value is None or isinstance(value, bool) for value in key):
                raise ValueError
        except (
            ValueError,
            TypeError,
            UnicodeError,
            OverflowError,
            RecursionError,
            binascii.Error,
            DjangoValidationError,
        ):
            raise FieldError("cursor", "Curseur invalide.", code="invalid") from None
        return direction, key

    def _after(self, key, *, reverse):
        """Rows strictly after ``key`` in the ordering (before it when ``reverse``):
        (a > x) or (a = x and b > y)…"""
        op = "lt" if reverse else "gt"
        conditions = [
            Q(**dict(zip(self.ordering[:i], key[:i], strict=True)), **{f"{name}__{op}": key[i]})
            for i, name in enumerate(self.ordering)
        ]
        return functools.reduce(operator.or_, conditions)

    def _key(self, row):
        # A row may be a model or, read with ``values()``, a dict.
        if isinstance(row, dict):
            return [_plain(row[name]) for name in self.ordering]
        return [_plain(getattr(row, name)) for name in self.ordering]

    def _link(self, direction, key):
        url = self.request.build_absolute_uri()
        if key is None:
            return remove_query_param(url, self.cursor_query_param)
        return replace_query_param(url, self.cursor_query_param, _encode(direction, key))

    def get_next_link(self):
        return self._link("n", self.last_key) if self.has_next else None

    def get_previous_link(self):
        return self._link("p", self.first_key) if self.has_previous else None

    def get_paginated_response(self, data):
        return Response(
            OrderedDict(
                [
                    ("next", self.get_next_link()),
                    ("previous", self.get_previous_link()),
                    ("results", data),
                ]
            )
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "Page suivante (null à la fin).",
                },
                "previous": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "Page précédente (null au début).",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Curseur opaque, tel que donné par `next` ou `previous`.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Taille de page, de 1 à {MAX_PAGE_SIZE} (défaut {DEFAULT_PAGE_SIZE}).",
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": MAX_PAGE_SIZE,
                    "default": DEFAULT_PAGE_SIZE,
                },
            },
        ]
