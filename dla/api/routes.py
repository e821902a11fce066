"""The DLA's resources of ``/api/v1/`` (``iae_portal.api.routes``), registered by
``DlaConfig.ready()``: accompaniments, prestations and the bilan."""

from iae_portal.api import routes

VIEWS = "dla.api.views"


def register():
    routes.register_viewset(
        "dla/accompaniments",
        f"{VIEWS}.AccompanimentViewSet",
        basename="dla-accompaniment",
        order=40,
    )
    routes.register_viewset(
        "dla/prestations", f"{VIEWS}.PrestationViewSet", basename="dla-prestation", order=40
    )
    routes.register_view("dla/bilan/", f"{VIEWS}.BilanView", name="dla-bilan", order=40)
