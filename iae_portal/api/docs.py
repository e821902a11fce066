"""The OpenAPI schema and its documentation page, within the portal's CSP.

Swagger UI's files come from ``drf-spectacular-sidecar`` (static files, no third party)
and its start-up script is a separate file (``?script``), so the page needs no inline
script nor inline style: the CSP stays as it is for every page.

drf-spectacular is not thread-safe (its extensions load lazily, its generator keeps state
in classes): two requests building the schema at once could fail. The schema is built by
one request at a time, then kept for the language and version it was built for, as long as
the URLs it describes stay the same (a reload of the URLs, in tests, builds it again)."""

import threading

from django.urls import get_resolver
from django.utils import translation
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

_LOCK = threading.Lock()
_BUILT = {}  # language → (URL resolver, schema)


class SchemaView(SpectacularAPIView):
    permission_classes = [AllowAny]
    throttle_classes = []

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        # Kept only for the portal's languages and without ``?version=``: ``?lang=`` and
        # ``?version=`` take any text, which must not grow the cache.
        try:
            key = translation.get_supported_language_variant(translation.get_language() or "")
        except LookupError:
            key = None
        resolver = get_resolver(self.urlconf)
        with _LOCK:
            built = _BUILT.get(key) if key and version is None else None
            if built is None or built[0] is not resolver:
                generator = self.generator_class(
                    urlconf=self.urlconf, api_version=version, patterns=self.patterns
                )
                schema = generator.get_schema(request=request, public=self.serve_public)
                built = (resolver, schema)
                if key and version is None:
                    _BUILT[key] = built
        filename = self._get_filename(request, version)
        return Response(
            data=built[1], headers={"Content-Disposition": f'inline; filename="{filename}"'}
        )


class DocsView(SpectacularSwaggerSplitView):
    permission_classes = [AllowAny]
    throttle_classes = []
    template_name = "api/swagger_ui.html"
    title = "API du portail IAE"
