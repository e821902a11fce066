"""What an app's view calls to give a file now when it is small, or prepare it otherwise."""

from django.conf import settings
from django.shortcuts import redirect

from .services import prepare


def immediate_rows():
    """Rows an export writes during the request: ``IAE_EXPORT_IMMEDIATE_ROWS`` (2,000)."""
    return getattr(settings, "IAE_EXPORT_IMMEDIATE_ROWS", 2000)


def prepared_response(request, *, kind, params, title, back_url=""):
    """Record (or find) the file for ``request.user`` and send them to its page."""
    prepared = prepare(owner=request.user, kind=kind, params=params, title=title, back_url=back_url)
    return redirect(prepared)


def immediate_or_prepared(request, *, rows, immediate, **prepared):
    """``immediate()`` (the download) up to ``immediate_rows()`` rows, else the file
    prepared in the background (``prepared``: ``prepared_response``'s arguments)."""
    if rows <= immediate_rows():
        return immediate()
    return prepared_response(request, **prepared)
