"""The aids' resources of ``/api/v1/`` (``iae_portal.api.routes``), registered by
``AidesConfig.ready()``: the schemes' catalogue, campaigns, dossiers, the partners' opinion
requests, financing plans and the simulator."""

from iae_portal.api import routes

VIEWS = "aides.api.views"


def register():
    routes.register_viewset("schemes", f"{VIEWS}.SchemeViewSet", basename="scheme", order=20)
    routes.register_viewset("campaigns", f"{VIEWS}.CampaignViewSet", basename="campaign", order=20)
    routes.register_viewset("dossiers", f"{VIEWS}.DossierViewSet", basename="dossier", order=20)
    routes.register_viewset(
        "opinion-requests",
        f"{VIEWS}.OpinionRequestViewSet",
        basename="opinion-request",
        order=20,
    )
    routes.register_viewset(
        "financing-plans", f"{VIEWS}.FinancingPlanViewSet", basename="financing-plan", order=20
    )
    routes.register_view("aides/simulate/", f"{VIEWS}.SimulateView", name="simulate", order=20)
