"""``/api/v1/``: every resource is one router registration.

An app exposes its resources from ``<app>/api/`` and registers them here; what a client
sees follows from the viewset's ``visible_queryset`` and ``scope_paths`` (see ``scope``),
its deletions from ``<app>/api/deletions.py``."""

from django.urls import include, path, re_path
from rest_framework.routers import DefaultRouter

from aides.api.views import CampaignViewSet, DossierViewSet, SchemeViewSet, SimulateView
from clauses.api.views import BilanView as ClausesBilanView
from clauses.api.views import HoursViewSet, LotViewSet, MarcheViewSet
from dla.api.views import AccompanimentViewSet, PrestationViewSet
from dla.api.views import BilanView as DlaBilanView
from structures.api.views import StructureViewSet

from .docs import DocsView, SchemaView
from .views import DeletionViewSet, not_found


class Router(DefaultRouter):
    include_root_view = False
    include_format_suffixes = False


router = Router(trailing_slash=True)
router.register("structures", StructureViewSet, basename="structure")
router.register("schemes", SchemeViewSet, basename="scheme")
router.register("campaigns", CampaignViewSet, basename="campaign")
router.register("dossiers", DossierViewSet, basename="dossier")
router.register("clauses/marches", MarcheViewSet, basename="clauses-marche")
router.register("clauses/lots", LotViewSet, basename="clauses-lot")
router.register("clauses/heures", HoursViewSet, basename="clauses-heures")
router.register("dla/accompaniments", AccompanimentViewSet, basename="dla-accompaniment")
router.register("dla/prestations", PrestationViewSet, basename="dla-prestation")
router.register("deletions", DeletionViewSet, basename="deletion")

app_name = "api"
urlpatterns = [
    path("aides/simulate/", SimulateView.as_view(), name="simulate"),
    path("clauses/bilan/", ClausesBilanView.as_view(), name="clauses-bilan"),
    path("dla/bilan/", DlaBilanView.as_view(), name="dla-bilan"),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
    # Any other address under /api/v1/, line breaks included (``.`` alone stops at one).
    re_path(r"^(?P<path>(?s:.*))$", not_found),
]
