"""What the API refuses before its views, and its error shape for what fails outside them.

- A NUL byte in a query parameter (name or value) or in a path parameter is refused with a
  400 naming it: no database stores it, and PostgreSQL refuses it in a query (a 500).
- Any error answer under the API's address that is not already JSON (a middleware's
  refusal, Django's own 400, 404 or 500 page) is given the API's error shape, whatever
  ``DEBUG`` says.

First in ``MIDDLEWARE``: it sees every answer, the other middlewares' included.
"""

import json

from django.http import HttpResponse

from .errors import error_body

PREFIX = "/api/"
NUL = "\x00"
CODES = {
    400: ("bad_request", "Requête invalide."),
    401: ("not_authenticated", "Authentification requise."),
    403: ("permission_denied", "Action non autorisée."),
    404: ("not_found", "Cette adresse n'existe pas dans l'API."),
    405: ("method_not_allowed", "Méthode non permise."),
    413: ("payload_too_large", "Requête trop volumineuse."),
    429: ("throttled", "Trop de requêtes."),
    500: ("server_error", "Erreur interne du serveur : elle a été signalée."),
}
# Kept from the answer it replaces.
HEADERS = ("Allow", "Retry-After", "WWW-Authenticate", "Vary")


def json_error(status, code, message, field=None, body=None):
    body = body or error_body([(field, code, message)])
    text = json.dumps(body, separators=(",", ":"))  # ASCII: a lone surrogate is escaped
    return HttpResponse(text, status=status, content_type="application/json")


def _escaped(name):
    return name.replace(NUL, "\\u0000")


def nul_parameter(request, view_kwargs):
    """The name of the first query or path parameter holding a NUL byte, or ``None``."""
    for name, values in request.GET.lists():
        if NUL in name or any(NUL in value for value in values):
            return _escaped(name)
    match = getattr(request, "resolver_match", None)
    if match is not None and match.url_name is not None:  # not the API's catch-all 404
        for name, value in view_kwargs.items():
            if isinstance(value, str) and NUL in value:
                return name
    return None


class ApiErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path_info.startswith(PREFIX) or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        code, message = CODES.get(
            response.status_code,
            ("server_error" if response.status_code >= 500 else "error", "Erreur."),
        )
        data = getattr(response, "data", None)  # a DRF answer rendered in another format
        body = data if isinstance(data, dict) and "errors" in data else None
        replacement = json_error(response.status_code, code, message, body=body)
        for header in HEADERS:
            if header in response:
                replacement[header] = response[header]
        # Logged once: Django logged an exception's answer (with its traceback) already.
        replacement._has_been_logged = getattr(response, "_has_been_logged", False)
        return replacement

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.path_info.startswith(PREFIX):
            return None
        name = nul_parameter(request, view_kwargs)
        if name is None:
            return None
        return json_error(400, "null_characters_not_allowed", "Caractère nul interdit.", field=name)
