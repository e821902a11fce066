"""One error shape for every answer that is not a success:
``{"errors": [{"field": "positions[0].etp" or null, "code": "...", "message": "..."}]}``."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

NON_FIELD_KEYS = {"non_field_errors", "__all__", "detail"}


class Conflict(exceptions.APIException):
    """409: the object's state forbids the action (``code`` says why)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "Conflit avec l'état actuel de l'objet."
    default_code = "conflict"


class FieldError(exceptions.ValidationError):
    """400 on one field, with the field's path (``[1].positions[0].etp``)."""

    def __init__(self, field, message, code="invalid"):
        self.field = field
        detail = [exceptions.ErrorDetail(message, code=code)]
        super().__init__(detail if field is None else {field: detail})


def flatten(detail, path=None):
    """DRF's nested error detail as a list of ``(field path or None, code, message)``."""
    if isinstance(detail, dict):
        items = []
        for key, value in detail.items():
            if key in NON_FIELD_KEYS:
                items += flatten(value, path)
            elif isinstance(key, int):  # a list's element (ListField)
                items += flatten(value, f"{path or ''}[{key}]")
            else:
                items += flatten(value, _join(path, str(key)))
        return items
    if isinstance(detail, list):
        items = []
        for index, value in enumerate(detail):
            if isinstance(value, dict | list) and value:
                # A list of objects or lists: each element is addressed by its index.
                items += flatten(value, f"{path or ''}[{index}]")
            elif not isinstance(value, dict | list):
                items += flatten(value, path)
        return items
    return [(path, getattr(detail, "code", None) or "invalid", str(detail))]


def _join(path, key):
    if path is None:
        return key
    return f"{path}{key}" if key.startswith("[") else f"{path}.{key}"


def error_body(items):
    return {"errors": [{"field": f, "code": c, "message": m} for f, c, m in items]}


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
    if isinstance(exc, SuspiciousOperation):
        return exceptions.ParseError("Requête refusée.")
    return exc


def exception_handler(exc, context):
    exc = _convert(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        items = flatten(exc.detail) or [(None, "invalid", "Données invalides.")]
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        items = [(None, code, str(detail))]
    response.data = error_body(items)
    return response
