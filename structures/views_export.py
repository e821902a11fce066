"""The structures list as a CSV or XLSX download (``exports``): written during the request
up to ``IAE_EXPORT_IMMEDIATE_ROWS`` structures, prepared in the background beyond."""

from django.contrib.auth.decorators import login_required
from django.urls import reverse

from iae_portal.prepared.shortcuts import table_export

from . import exports, prepared


@login_required
def structure_export(request, fmt):
    query = request.GET.copy()
    query.pop("page", None)
    return table_export(
        request,
        fmt,
        table=exports,
        queryset=prepared.export_queryset(request.user, request.GET),
        kind=prepared.EXPORT,
        query=query.urlencode(),
        title="Export des structures",
        list_url=reverse("structures:list"),
    )
