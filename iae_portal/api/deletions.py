"""The deletions feed: a tombstone for each deleted object of a registered model.

An app registers its models in ``<app>/api/deletions.py`` (found at start-up by
``ApiConfig.ready``)::

    register(
        Structure,
        type="structure",
        scope=lambda s: {"department": s.department_id, "structure": s.uuid},
        audience=structure_audience,
    )

- ``type``: the name the feed gives (``structure``, ``dossier``…);
- ``object_id``: the identifier the API exposes (the ``uuid`` by default);
- ``scope``: what the object belonged to, kept in the tombstone: ``department`` (code),
  ``structure`` (uuid), ``dla`` (the DLA's département code); the region follows from the
  département (through the lookup an app gives ``register_regions``). A list of values (an
  object of several départements, or any other kind such as ``facilitator``) is kept in the
  tombstone's ``scopes``, matched by ``scoped_to``;
- ``restrict``: for each client restriction kind, whether it narrows this type
  (``True``: compare with the tombstone's column; ``False``: not narrowed, as the
  resource's ``scope_paths`` maps it to ``None``); a kind left out hides the type from
  clients restricted that way;
- ``audience``: ``user → Q`` over the tombstone's columns (``department``, ``region``,
  ``structure``, ``dla``): whose deletions this user saw, mirroring the resource's
  perms.py queryset (``Q()`` for everything, ``None`` for nothing).
"""

import functools
import operator
from dataclasses import dataclass, field

from django.db.models import Q
from django.db.models.signals import post_delete, pre_delete

from . import scope_kinds
from .models import Deletion

REGISTRY = {}


@dataclass(frozen=True)
class Registration:
    model: type
    type: str
    object_id: object
    scope: object
    audience: object
    restrict: dict = field(default_factory=dict)


def register(model, *, type, audience, scope=None, object_id=None, restrict=None):
    registration = Registration(
        model=model,
        type=type,
        object_id=object_id or (lambda obj: obj.uuid),
        scope=scope or (lambda obj: {}),
        audience=audience,
        restrict=dict(restrict or {}),
    )
    REGISTRY[type] = registration
    pre_delete.connect(_remember, sender=model, weak=False, dispatch_uid=f"api-scope-{type}")
    post_delete.connect(_record, sender=model, weak=False, dispatch_uid=f"api-deletion-{type}")
    _BY_MODEL[model] = registration
    return registration


_BY_MODEL = {}
_COLUMNS = ("department", "region", "structure", "dla")


def _token(kind, value):
    return f" {kind}:{value} "


def scoped_to(kind, values):
    """Tombstones of objects that belonged to one of ``values`` of ``kind``, whether kept
    in the kind's own column or in ``scopes``."""
    parts = [Q(scopes__contains=_token(kind, value)) for value in values]
    if kind in _COLUMNS:
        parts += [Q(**{f"{kind}__in": list(values)})]
    return functools.reduce(operator.or_, parts) if parts else Q(pk__in=[])


def _remember(sender, instance, **kwargs):
    # Read while everything exists: a deletion removes an object's many-to-many links and
    # children (a contract's lots) before the object itself.
    instance._api_deletion_scope = _BY_MODEL[sender].scope(instance)


def _record(sender, instance, **kwargs):
    registration = _BY_MODEL[sender]
    scope = getattr(instance, "_api_deletion_scope", None)
    if scope is None:
        scope = registration.scope(instance)
    scope = {k: v for k, v in scope.items() if v is not None}
    many = {k: scope.pop(k) for k in list(scope) if isinstance(scope[k], list | tuple | set)}
    many |= {k: [scope.pop(k)] for k in list(scope) if k not in _COLUMNS}
    if many.get("department"):
        many["region"] = _regions(many["department"])
    scopes = "".join(
        _token(kind, value).rstrip()
        for kind in sorted(many)
        for value in sorted(str(v) for v in many[kind])
    )
    department = scope.get("department")
    region = next(iter(_regions([department])), "") if department else ""
    Deletion.objects.create(
        type=registration.type,
        object_id=str(registration.object_id(instance)),
        department=department or "",
        region=region,
        structure=str(scope.get("structure") or ""),
        dla=scope.get("dla") or "",
        scopes=f"{scopes} " if scopes else "",
    )


_REGIONS = []


def register_regions(lookup):
    """``lookup(department codes) → region codes``: the app that knows the départements
    registers it, so a tombstone keeps the region(s) of its département(s)."""
    _REGIONS[:] = [lookup]


def _regions(departments):
    if not _REGIONS:
        return []
    return sorted(set(_REGIONS[0](list(departments))))


def visible_deletions(user, client):
    """The tombstones ``user`` (through ``client``, if any) may read."""
    condition = None
    for registration in REGISTRY.values():
        audience = registration.audience(user)
        if audience is None:
            continue
        restricted = _restriction_q(registration, client)
        if restricted is None:
            continue
        part = Q(type=registration.type) & audience & restricted
        condition = part if condition is None else condition | part
    if condition is None:
        return Deletion.objects.none()
    return Deletion.objects.filter(condition)


def _restriction_q(registration, client):
    restriction = client.restriction if client is not None else None
    if restriction is None:
        return Q()
    kind, value = restriction
    if kind not in registration.restrict:
        return None
    if not registration.restrict[kind]:
        return Q()
    return scoped_to(kind, [_column_value(kind, value)])


def _column_value(kind, value):
    """The client's restriction value as the tombstone stores it (``scope_kinds``)."""
    declared = scope_kinds.get(kind)
    if declared is None or declared.tombstone is None:
        return value
    return declared.tombstone(value)
