"""The journal, read-only, for those who answer for the council's decisions."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from iae_portal.pagination import PAGE_SIZES, page_size

from . import labels
from .filters import AuditEntryFilter
from .models import AuditEntry
from .perms import can_view_journal


@login_required
@require_safe
def journal(request):
    if not can_view_journal(request.user):
        raise PermissionDenied
    filterset = AuditEntryFilter(
        request.GET, queryset=AuditEntry.objects.select_related("object_type", "actor")
    )
    page = Paginator(filterset.qs, page_size(request)).get_page(request.GET.get("page"))
    for entry in page.object_list:
        # What a person reads: French words for the codes the services record.
        entry.action_label = labels.action_label(entry.action)
        entry.actor_name = labels.actor_name(entry)
        entry.change_rows = labels.changes(entry)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/journal.html",
        {"filter": filterset, "page": page, "page_sizes": PAGE_SIZES, "query": query.urlencode()},
    )
