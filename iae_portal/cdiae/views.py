"""The CDIAE report's page: a territory of the reader's reach and a year, then the PDF or
the workbook prepared in the background (the prepared file's page follows its progress)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse

from ..prepared.shortcuts import prepared_response
from . import registry
from .forms import ReportForm
from .prepared import REPORT, params
from .report import FORMAT_NAMES, title

# The formats a person downloads (the JSON is the command's).
PAGE_FORMATS = ("pdf", "xlsx")


@login_required
def report(request):
    if not registry.may_read_any(request.user):
        raise PermissionDenied
    form = ReportForm(request.POST or None, user=request.user)
    fmt = request.POST.get("format")
    if request.method == "POST":
        # A territory that exists but is beyond the reader's reach: refused, not a form error.
        asked = registry.scope_from_token(request.POST.get("scope", ""))
        if asked is not None and not registry.can_read(request.user, asked):
            raise PermissionDenied
        if fmt not in PAGE_FORMATS:
            form.add_error(None, "Choisissez le format du rapport : PDF ou Excel.")
        elif form.is_valid():
            scope, year = form.chosen_scope, form.cleaned_data["year"]
            return prepared_response(
                request,
                kind=REPORT,
                params=params(scope, year, fmt),
                title=f"{title(scope, year)} ({FORMAT_NAMES[fmt]})",
                back_url=reverse("cdiae:report"),
            )
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "cdiae/report.html",
        {"form": form, "tables": registry.tables()},
        status=status,
    )
