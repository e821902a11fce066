"""What the pages refuse before any view: a NUL byte in the address or in a query
parameter (its name or a value). No database stores one, and PostgreSQL refuses it in a
query, which a view looking an object up would turn into a 500. An address holding one
names nothing (404); a query parameter holding one is a malformed request (400). Both
answer with the French error pages.

The API (``/api/``) refuses them itself, in its JSON error shape, naming the parameter
(``iae_portal.api.middleware``). A NUL byte in a posted form's field is the form's to
refuse (Django's text fields do: « Les caractères nuls ne sont pas autorisés. »)."""

from django.core.exceptions import BadRequest
from django.http import Http404

from .api.middleware import PREFIX as API_PREFIX

NUL = "\x00"


def nul_in_query(query):
    """Whether a ``QueryDict`` holds a NUL byte in a name or a value."""
    return any(
        NUL in name or any(NUL in value for value in values) for name, values in query.lists()
    )


class MalformedRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(API_PREFIX):
            if NUL in request.path_info:
                raise Http404("NUL byte in the address")
            if nul_in_query(request.GET):
                raise BadRequest("NUL byte in a query parameter")
        return self.get_response(request)
