"""The clauses' resources of ``/api/v1/`` (``iae_portal.api.routes``), registered by
``ClausesConfig.ready()``: contracts, lots, hours and the bilan."""

from iae_portal.api import routes

VIEWS = "clauses.api.views"


def register():
    routes.register_viewset(
        "clauses/marches", f"{VIEWS}.MarcheViewSet", basename="clauses-marche", order=30
    )
    routes.register_viewset("clauses/lots", f"{VIEWS}.LotViewSet", basename="clauses-lot", order=30)
    routes.register_viewset(
        "clauses/heures", f"{VIEWS}.HoursViewSet", basename="clauses-heures", order=30
    )
    routes.register_viewset(
        "clauses/achats-prevus",
        f"{VIEWS}.PlannedPurchaseViewSet",
        basename="clauses-achat",
        order=30,
    )
    routes.register_viewset(
        "clauses/interets", f"{VIEWS}.InterestViewSet", basename="clauses-interet", order=30
    )
    routes.register_view("clauses/bilan/", f"{VIEWS}.BilanView", name="clauses-bilan", order=30)
