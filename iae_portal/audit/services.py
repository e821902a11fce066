from django.contrib.contenttypes.models import ContentType

from ..compiled import Statement
from .models import AuditEntry


def _object_key(obj):
    """How the journal names ``obj``: its model's content type and its uuid (or key)."""
    return ContentType.objects.get_for_model(obj), str(getattr(obj, "uuid", None) or obj.pk)


def audit_record(*, actor, action, obj, changes=None, reason=""):
    """Append one audit entry for ``obj``; call it inside the service's transaction."""
    object_type, object_id = _object_key(obj)
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_label=(actor.email if actor is not None and actor.pk else "système"),
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=str(obj)[:255],
        changes=changes or {},
        reason=reason,
    )


def audit_entries_for(obj):
    object_type, object_id = _object_key(obj)
    return AuditEntry.objects.filter(object_type=object_type, object_id=object_id).select_related(
        "actor"
    )


# A page's history (a dossier's, on each of its pages): its SQL compiled once.
_HISTORY = Statement(
    lambda object_type_id, object_id: (
        AuditEntry.objects.filter(object_type_id=object_type_id, object_id=object_id)
        .select_related("actor")
        .order_by("at", "pk")
    )
)


def audit_history(obj):
    """``obj``'s audit entries with their actors, oldest first, as a list."""
    object_type, object_id = _object_key(obj)
    return _HISTORY(object_type_id=object_type.pk, object_id=object_id)


def diff(before, after):
    """Field-by-field changes between two dicts of plain values, as ``{field: [old, new]}``."""
    return {
        key: [_plain(before.get(key)), _plain(after.get(key))]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def _plain(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]  # a list stays a list, not its repr
    return str(value)
