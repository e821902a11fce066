"""What an API client may see: the apps' querysets for its account, narrowed by its
restriction (one département, one structure, one DLA: the kinds the apps register in
``scope_kinds``).

A resource declares ``scope_paths``: for each restriction kind, the ORM path to compare
with the client's value (``department`` → a département code, ``structure`` → a
structure's primary key, ``dla`` → a DLA's primary key), a function of that value giving
a ``Q`` (when no single path says it, as for a lot's execution département), or ``None``
when that restriction does not narrow the resource. A kind it does not mention shows
nothing: forgetting a path hides data rather than leaking it. ``scope_paths = None`` marks
a resource every client sees (the schemes' catalogue).
"""

from .models import ApiClient


def client_of(request):
    """The ``ApiClient`` behind the request, ``None`` for a browser session."""
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiClient) else None


def restrict(queryset, client, scope_paths):
    if client is None or scope_paths is None:
        return queryset
    restriction = client.restriction
    if restriction is None:
        return queryset
    kind, value = restriction
    if kind not in scope_paths:
        return queryset.none()
    path = scope_paths[kind]
    if path is None:
        return queryset
    if callable(path):
        return queryset.filter(path(value))
    return queryset.filter(**{path: value})
