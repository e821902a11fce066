"""``/api/v1/``: every resource is one router registration.

An app exposes its resources from ``<app>/api/`` and registers them in ``routes`` from its
``AppConfig.ready()``; what a client sees follows from the viewset's ``visible_queryset``
and ``scope_paths`` (see ``scope``), its deletions from ``<app>/api/deletions.py``."""

from django.urls import include, path, re_path
from rest_framework.routers import DefaultRouter

from . import routes
from .docs import DocsView, SchemaView
from .views import DeletionViewSet, not_found


class Router(DefaultRouter):
    include_root_view = False
    include_format_suffixes = False


router = Router(trailing_slash=True)
for prefix, viewset, basename in routes.viewsets():  # the apps' resources
    router.register(prefix, viewset, basename=basename)
router.register("deletions", DeletionViewSet, basename="deletion")

app_name = "api"
urlpatterns = [
    *(path(route, view.as_view(), name=name) for route, view, name in routes.views()),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
    # Any other address under /api/v1/, line breaks included (``.`` alone stops at one).
    re_path(r"^(?P<path>(?s:.*))$", not_found),
]
