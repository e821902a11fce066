"""``external_id``: a client's own identifier for what it writes (unique per client)."""

from .errors import Conflict, FieldError
from .models import ExternalRef

MAX_LENGTH = 255


def read_external_id(data):
    """The request's ``external_id`` (stripped), ``None`` when absent; 400 when malformed."""
    value = data.get("external_id") if hasattr(data, "get") else None
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_LENGTH:
        raise FieldError(
            "external_id", f"Un texte de 1 à {MAX_LENGTH} caractères est attendu.", code="invalid"
        )
    if "\x00" in value:
        raise FieldError(
            "external_id", "Caractère nul interdit.", code="null_characters_not_allowed"
        )
    try:
        value.encode("utf-8")  # a lone surrogate ("\ud800" in JSON) cannot be stored
    except UnicodeEncodeError:
        raise FieldError(
            "external_id",
            "Caractère invalide (substitut isolé).",
            code="surrogate_characters_not_allowed",
        ) from None
    return value.strip()


def find(user, external_id, type):
    """The uuid the client's ``external_id`` names, ``None`` if it names nothing yet; 409
    when it names an object of another type."""
    ref = ExternalRef.objects.filter(user=user, external_id=external_id).first()
    if ref is None:
        return None
    if ref.type != type:
        raise Conflict(
            f"Cet external_id désigne déjà un objet de type « {ref.type} ».",
            code="external_id_in_use",
        )
    return ref.object_uuid


def remember(user, external_id, type, object_uuid):
    ExternalRef.objects.update_or_create(
        user=user, external_id=external_id, defaults={"type": type, "object_uuid": object_uuid}
    )


def external_ids(user, type, uuids):
    """``{uuid: external_id}`` for the given objects, in one query."""
    if not user.is_authenticated or not uuids:
        return {}
    rows = ExternalRef.objects.filter(user=user, type=type, object_uuid__in=list(uuids))
    return dict(rows.values_list("object_uuid", "external_id"))
