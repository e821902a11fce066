"""The resources of ``/api/v1/``: each app registers its own from its ``AppConfig.ready()``,
and ``iae_portal.api.urls`` (which names no domain app) routes them.

- ``register_viewset(prefix, view, basename=)``: a viewset, routed by the API's router
  (``structures/``, ``structures/<siret>/``…);
- ``register_view(route, view, name=)``: one view at ``route`` (``aides/simulate/``).

``view`` is the class or its dotted path (``"structures.api.views.StructureViewSet"``),
imported when the URLs are first read, not at start-up. Routes come by ``order`` (one per
app is enough), then in the order the app registered them, so the routes and the OpenAPI
schema keep their order whatever the order the apps start in.
"""

import itertools
from dataclasses import dataclass, field

from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Route:
    route: str
    view: object
    name: str
    order: int
    seq: int = field(default_factory=itertools.count().__next__, compare=False)

    def resolve(self):
        return import_string(self.view) if isinstance(self.view, str) else self.view


_VIEWSETS = {}
_VIEWS = {}


def register_viewset(prefix, view, *, basename, order=100):
    """Add (or replace: ``ready()`` may run twice) the viewset at ``prefix``."""
    _VIEWSETS[prefix] = Route(prefix, view, basename, order)


def register_view(route, view, *, name, order=100):
    """Add (or replace) the view at ``route``."""
    _VIEWS[route] = Route(route, view, name, order)


def unregister(route):
    _VIEWSETS.pop(route, None)
    _VIEWS.pop(route, None)


def _sorted(routes):
    return sorted(routes.values(), key=lambda route: (route.order, route.seq))


def viewsets():
    """``[(prefix, viewset class, basename)]`` in route order."""
    return [(r.route, r.resolve(), r.name) for r in _sorted(_VIEWSETS)]


def views():
    """``[(route, view class, name)]`` in route order."""
    return [(r.route, r.resolve(), r.name) for r in _sorted(_VIEWS)]
