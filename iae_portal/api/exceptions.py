"""The API's own exceptions, each answered in the error shape by ``errors.exception_handler``.

Apart from ``errors`` (which imports DRF's views, whose settings import the parsers) so that
the parsers can raise them."""

from rest_framework import exceptions, status


class Conflict(exceptions.APIException):
    """409: the object's state forbids the action (``code`` says why)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "Conflit avec l'état actuel de l'objet."
    default_code = "conflict"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "Requête trop volumineuse."
    default_code = "payload_too_large"


class FieldError(exceptions.ValidationError):
    """400 on one field, with the field's path (``[1].positions[0].etp``)."""

    def __init__(self, field, message, code="invalid"):
        self.field = field
        detail = [exceptions.ErrorDetail(message, code=code)]
        super().__init__(detail if field is None else {field: detail})


def join_path(path, key):
    """``positions`` + ``etp`` → ``positions.etp``; ``None`` + ``etp`` → ``etp``."""
    if path is None:
        return key
    return f"{path}{key}" if key.startswith("[") else f"{path}.{key}"


def item_path(path, index):
    """``positions`` + 0 → ``positions[0]``."""
    return f"{path or ''}[{index}]"
