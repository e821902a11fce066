"""The resources of ``/api/v1/`` come from the apps (``iae_portal.api.routes``): the core's
``urls.py`` routes whatever they register, in a stable order."""

import importlib

from django.urls import clear_url_caches, resolve
from rest_framework import viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from iae_portal.api import routes
from iae_portal.api import urls as api_urls


class PingView(APIView):
    def get(self, request):
        return Response({})


class PingViewSet(viewsets.ViewSet):
    def list(self, request):
        return Response([])


def reload_api_urls():
    clear_url_caches()
    module = importlib.reload(api_urls)
    clear_url_caches()
    return module


def test_the_apps_register_their_resources_in_order():
    assert [prefix for prefix, _, _ in routes.viewsets()] == [
        "structures",
        "structure-activities",
        "schemes",
        "campaigns",
        "dossiers",
        "opinion-requests",
        "financing-plans",
        "clauses/marches",
        "clauses/lots",
        "clauses/heures",
        "clauses/achats-prevus",
        "clauses/interets",
        "dla/accompaniments",
        "dla/prestations",
        "social-reports",
    ]
    assert [route for route, _, _ in routes.views()] == [
        "aides/simulate/",
        "clauses/bilan/",
        "dla/bilan/",
    ]


def test_a_resource_registered_by_an_app_is_routed():
    routes.register_view("essai/ping/", f"{__name__}.PingView", name="essai-ping", order=5)
    routes.register_viewset("essais", PingViewSet, basename="essai", order=5)
    try:
        module = reload_api_urls()
        view = resolve("/essai/ping/", urlconf=module)
        assert view.url_name == "essai-ping" and view.func.view_class is PingView
        listing = resolve("/essais/", urlconf=module)
        assert listing.url_name == "essai-list" and listing.func.cls is PingViewSet
    finally:
        routes.unregister("essai/ping/")
        routes.unregister("essais")
        module = reload_api_urls()
    # Gone with its registration: the API's catch-all answers.
    assert resolve("/essais/", urlconf=module).url_name is None
