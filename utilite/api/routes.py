"""Social utility's resource of ``/api/v1/`` (``iae_portal.api.routes``), registered by
``UtiliteConfig.ready()``: the structures' yearly reports."""

from iae_portal.api import routes


def register():
    routes.register_viewset(
        "social-reports",
        "utilite.api.views.SocialReportViewSet",
        basename="social-report",
        order=50,
    )
