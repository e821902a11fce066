"""What every resource of the API shares: scoping, ETag on detail, upsert by
``external_id`` with ``Idempotency-Key``, and a write kept within the client's scope."""

import hashlib
import json

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils.http import parse_etags, quote_etag
from rest_framework import status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from . import externals
from .errors import FieldError
from .idempotency import idempotent
from .scope import client_of, restrict


def etag_of(data):
    raw = json.dumps(data, sort_keys=True, cls=DjangoJSONEncoder).encode()
    return quote_etag(hashlib.sha256(raw).hexdigest()[:40])


class ScopedMixin:
    """``visible_queryset()``: the app's perms.py queryset for ``request.user``;
    ``scope_paths``: how the client's restriction narrows it (see ``scope``)."""

    scope_paths = {}
    cursor_ordering = ("uuid",)
    lookup_field = "uuid"

    def visible_queryset(self):
        raise NotImplementedError

    def get_queryset(self):
        return restrict(self.visible_queryset(), client_of(self.request), self.scope_paths)

    def prepare(self, rows):
        """Load what the serializer needs for ``rows`` (a page, one object) in bulk."""
        return rows

    def paginate_queryset(self, queryset):
        return self.prepare(super().paginate_queryset(queryset))

    def get_object(self):
        return self.prepare([super().get_object()])[0]

    def retrieve(self, request, *args, **kwargs):
        data = self.get_serializer(self.get_object()).data
        etag = etag_of(data)
        wanted = request.headers.get("If-None-Match")
        if wanted and (etag in parse_etags(wanted) or wanted.strip() == "*"):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        return Response(data, headers={"ETag": etag})


class ReadOnlyViewSet(ScopedMixin, viewsets.ReadOnlyModelViewSet):
    pass


class UpsertMixin:
    """POST creates, or updates the object the client's ``external_id`` already names.

    Subclasses give ``external_type`` and ``write(serializer, instance)`` (calls the app's
    service, returns the object); ``scope_field`` names the field blamed when the written
    object would fall outside what the client may see; ``natural_instance(data)`` may name
    the visible object the request's own key already designates (then updated, 200)."""

    external_type = None
    scope_field = None
    write_serializer_class = None

    def write(self, serializer, instance):
        raise NotImplementedError

    @idempotent
    def create(self, request, *args, **kwargs):
        external_id = externals.read_external_id(request.data)
        instance = self._target(request, external_id)
        try:
            return self._save(request, instance, external_id)
        except (IntegrityError, ValidationError, DjangoValidationError):
            # A concurrent request with the same key may have created the object after this
            # one looked for it: its SIRET is then taken (400), or this insert waited for it
            # to commit and failed. Update that object instead; otherwise the error stands
            # (an IntegrityError is answered 409 by errors.exception_handler).
            created_meanwhile = None if instance else self._target(request, external_id)
            if created_meanwhile is None:
                raise
        return self._save(request, created_meanwhile, external_id)

    def _target(self, request, external_id):
        """The visible object the request designates (its ``external_id``, else its own
        natural key), ``None`` for a new one."""
        instance = None
        if external_id is not None:
            target = externals.find(request.user, external_id, self.external_type)
            if target is not None:
                instance = self.get_queryset().filter(uuid=target).first()
        if instance is None:
            instance = self.natural_instance(request.data)
        return instance

    def natural_instance(self, data):
        return None

    def update(self, request, *args, **kwargs):
        instance = self.get_object()
        external_id = externals.read_external_id(request.data)
        return self._save(request, instance, external_id, partial=kwargs.get("partial", False))

    def _save(self, request, instance, external_id, *, partial=False):
        serializer = self.write_serializer_class(
            instance, data=request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            obj = self.write(serializer, instance)
            if not self.get_queryset().filter(pk=obj.pk).exists():
                # Written outside what this client sees: undo and say where.
                raise FieldError(
                    self.scope_field, "Hors du périmètre de ce client.", code="out_of_scope"
                )
            if external_id is not None:
                externals.remember(request.user, external_id, self.external_type, obj.uuid)
        data = self.get_serializer(self.prepare([self.get_queryset().get(pk=obj.pk)])[0]).data
        data = dict(data)
        if external_id is not None:
            data["external_id"] = external_id
        if instance is None:
            return Response(
                data,
                status=status.HTTP_201_CREATED,
                headers={"Location": data.get("url", "")},
            )
        return Response(data)
