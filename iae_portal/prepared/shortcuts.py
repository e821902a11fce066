"""What an app's view calls to give a file now when it is small, or prepare it otherwise."""

from django.conf import settings
from django.shortcuts import redirect

from ..exports import download
from .services import prepare

FORMAT_NAMES = {"csv": "CSV", "xlsx": "Excel"}


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


def table_export(request, fmt, *, table, queryset, kind, query, title, list_url):
    """A list's export as ``fmt`` (``csv``, ``xlsx``): ``table`` is the app's module that
    describes it (``filename(fmt)``, ``COLUMNS``, ``rows(queryset)``, ``SHEET``), written
    now up to ``immediate_rows()`` rows, else prepared as ``kind`` from the list's ``query``
    (a query string); ``title`` names the file, ``list_url`` is the list it comes from."""
    return immediate_or_prepared(
        request,
        rows=queryset.count(),
        immediate=lambda: download(
            fmt, table.filename(fmt), table.COLUMNS, table.rows(queryset), sheet_title=table.SHEET
        ),
        kind=kind,
        params={"format": fmt, "query": query},
        title=f"{title} ({FORMAT_NAMES[fmt]})",
        back_url=list_url + (f"?{query}" if query else ""),
    )
