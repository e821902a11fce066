"""The structures list as a CSV or XLSX download (``exports``): written during the request
up to ``IAE_EXPORT_IMMEDIATE_ROWS`` structures, prepared in the background beyond."""

from django.contrib.auth.decorators import login_required
from django.urls import reverse

from iae_portal.exports import download
from iae_portal.prepared.shortcuts import immediate_or_prepared

from . import exports, prepared

FORMAT_NAMES = {"csv": "CSV", "xlsx": "Excel"}


@login_required
def structure_export(request, fmt):
    queryset = prepared.export_queryset(request.user, request.GET)
    query = request.GET.copy()
    query.pop("page", None)
    query = query.urlencode()
    return immediate_or_prepared(
        request,
        rows=queryset.count(),
        immediate=lambda: download(
            fmt,
            exports.filename(fmt),
            exports.COLUMNS,
            exports.rows(queryset),
            sheet_title=exports.SHEET,
        ),
        kind=prepared.EXPORT,
        params={"format": fmt, "query": query},
        title=f"Export des structures ({FORMAT_NAMES[fmt]})",
        back_url=reverse("structures:list") + (f"?{query}" if query else ""),
    )
