"""The OpenAPI schema and its documentation page, within the portal's CSP.

Swagger UI's files come from ``drf-spectacular-sidecar`` (static files, no third party)
and its start-up script is a separate file (``?script``), so the page needs no inline
script nor inline style: the CSP stays as it is for every page."""

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny


class SchemaView(SpectacularAPIView):
    permission_classes = [AllowAny]
    throttle_classes = []


class DocsView(SpectacularSwaggerSplitView):
    permission_classes = [AllowAny]
    throttle_classes = []
    template_name = "api/swagger_ui.html"
    title = "API du portail IAE"
