"""One error shape for every answer that is not a success:
``{"errors": [{"field": "positions[0].etp" or null, "code": "...", "message": "..."}]}``.

Whatever the cause: DRF's exceptions, Django's, the apps' registered ones, and an unexpected
exception (a 500, logged with its traceback); ``middleware.ApiErrorMiddleware`` gives the same
shape to what fails outside a view (a middleware, the URL resolver)."""

import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.signals import got_request_exception
from django.db import IntegrityError
from django.http import Http404
from django.utils.log import log_response
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from .exceptions import Conflict, FieldError, PayloadTooLarge, item_path, join_path

__all__ = ["Conflict", "FieldError", "PayloadTooLarge"]
logger = logging.getLogger("iae_portal.api")

NON_FIELD_KEYS = {"non_field_errors", "__all__", "detail"}


def flatten(detail, path=None):
    """DRF's nested error detail as a list of ``(field path or None, code, message)``."""
    if isinstance(detail, dict):
        items = []
        for key, value in detail.items():
            if key in NON_FIELD_KEYS:
                items += flatten(value, path)
            elif isinstance(key, int):  # a list's element (ListField)
                items += flatten(value, item_path(path, key))
            else:
                items += flatten(value, join_path(path, str(key)))
        return items
    if isinstance(detail, list):
        items = []
        for index, value in enumerate(detail):
            if isinstance(value, dict | list) and value:
                # A list of objects or lists: each element is addressed by its index.
                items += flatten(value, item_path(path, index))
            elif not isinstance(value, dict | list):
                items += flatten(value, path)
        return items
    return [(path, getattr(detail, "code", None) or "invalid", str(detail))]


def _text(value):
    """``value`` as text that can be written as UTF-8 (a lone surrogate of the request,
    echoed in a field's path or a message, would fail the rendering)."""
    if value is None:
        return None
    return str(value).encode("utf-8", "backslashreplace").decode("utf-8")


def error_body(items):
    return {
        "errors": [{"field": _text(f), "code": _text(c), "message": _text(m)} for f, c, m in items]
    }


def error_response(status_code, code, message, field=None, headers=None):
    return Response(error_body([(field, code, message)]), status=status_code, headers=headers)


# An app's own exceptions (a service's "changed meanwhile", a rule's bad input) and the API
# error each becomes, registered by the app's ``api`` package.
CONVERSIONS = {}


def register_conversion(exception_class, convert):
    """``convert(exc)`` → a DRF exception (``Conflict``, ``FieldError``…)."""
    CONVERSIONS[exception_class] = convert


def form_errors(form):
    """A Django form's errors as DRF's error detail (codes kept), ``{}`` when it is valid:
    an API checking its input with a page's form refuses what the page refuses, in its
    words."""
    if form.is_valid():
        return {}
    return {
        ("non_field_errors" if field == "__all__" else field): [
            exceptions.ErrorDetail(" ".join(error.messages), code=error.code or "invalid")
            for error in errors
        ]
        for field, errors in form.errors.as_data().items()
    }


def _convert(exc):
    """Django's exceptions and the apps' registered ones as DRF's."""
    for exception_class, convert in CONVERSIONS.items():
        if isinstance(exc, exception_class):
            return convert(exc)
    if isinstance(exc, Http404):
        return exceptions.NotFound("Objet introuvable.")
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied("Action non autorisée.")
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            return exceptions.ValidationError(
                {
                    field: [
                        exceptions.ErrorDetail(e.messages[0], e.code or "invalid") for e in errs
                    ]
                    for field, errs in exc.error_dict.items()
                }
            )
        return exceptions.ValidationError(
            [exceptions.ErrorDetail(e.messages[0], e.code or "invalid") for e in exc.error_list]
        )
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge()
    if isinstance(exc, SuspiciousOperation):
        return exceptions.ParseError("Requête refusée.")
    if isinstance(exc, IntegrityError) and _unique_violation(exc):
        # A uniqueness lost to a concurrent write (validation passed before it committed);
        # any other constraint failing is a bug: a 500.
        logger.warning("API write conflict: %s", exc)
        return Conflict(
            "Conflit avec une écriture simultanée : relisez l'objet et réessayez.",
            code="concurrent_write",
        )
    return exc


def _unique_violation(error):
    """Whether an ``IntegrityError`` is a unique constraint's (PostgreSQL's SQLSTATE 23505,
    SQLite's message)."""
    sqlstate = getattr(error.__cause__, "sqlstate", None)
    if sqlstate is not None:
        return sqlstate == "23505"
    return "UNIQUE constraint failed" in str(error)


def server_error(exc, context):
    """An unexpected exception: logged with its traceback and signalled as Django does
    (error reporting), answered by a 500 in the error shape."""
    request = context.get("request")
    django_request = getattr(request, "_request", request)
    set_rollback()
    response = Response(
        error_body([(None, "server_error", "Erreur interne du serveur : elle a été signalée.")]),
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )
    log_response(
        "Internal Server Error: %s",
        getattr(django_request, "path", "?"),
        response=response,
        request=django_request,
        exception=exc,
    )
    got_request_exception.send(sender=None, request=django_request)
    return response


def exception_handler(exc, context):
    exc = _convert(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return server_error(exc, context)
    if isinstance(exc, exceptions.ValidationError):
        items = flatten(exc.detail) or [(None, "invalid", "Données invalides.")]
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        items = [(None, code, str(detail))]
    response.data = error_body(items)
    return response
