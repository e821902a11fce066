"""Throttling per API client (or per logged-in user): ``IAE_API_THROTTLE_RATE`` requests
per period, then 429 with ``Retry-After``.

The counts live in Django's cache: configure a shared cache (Redis) when several processes
serve the API, or each process counts on its own."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from .scope import client_of

DEFAULT_RATE = "1200/min"


class ClientRateThrottle(SimpleRateThrottle):
    scope = "api_client"

    def get_rate(self):
        # Read at each request (not once at import) so a deployment or a test can change it.
        return getattr(settings, "IAE_API_THROTTLE_RATE", DEFAULT_RATE)

    def allow_request(self, request, view):
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        client = client_of(request)
        if client is not None:
            ident = f"client-{client.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"anon-{self.get_ident(request)}"
        return f"throttle_{self.scope}_{ident}"
