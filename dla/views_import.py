"""The upload of a DLA prestations CSV: a report first, then writing on confirmation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from iae_portal import pending_uploads

from . import perms
from .forms import DlaImportForm
from .importer import DlaImportRejected, RowError, apply_dla_import, plan_dla_import

SESSION_KEY = "dla_import"


def _plan(user, content):
    """The import plan, with an error on every row of a DLA ``user`` may not write to."""
    plan = plan_dla_import(content)
    allowed = perms.import_departments(user)
    if allowed is not None:
        plan.errors += [
            RowError(
                row.line,
                "dla_department",
                f"Vous n'êtes pas rattaché(e) au DLA du département {row.prestation.dla_department}.",
            )
            for row in plan.rows
            if row.prestation.dla_department not in allowed
        ]
    return plan


@login_required
def dla_import(request):
    if not perms.can_import(request.user):
        raise PermissionDenied
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request)
    form = DlaImportForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        plan = _plan(request.user, content)
        token = pending_uploads.stash(request, SESSION_KEY, name=upload.name, content=content)
        context.update(plan=plan, token=token, has_changes=any(plan.counts.values()))
    return render(request, "dla/import.html", context)


def _confirm(request):
    pending = pending_uploads.pending(request, SESSION_KEY)
    if pending is None:
        messages.error(request, pending_uploads.EXPIRED)
        return redirect("dla:import")
    # Planned again: the database may have changed since the report was shown.
    plan = _plan(request.user, pending["content"])
    try:
        applied = apply_dla_import(plan, actor=request.user, file_name=pending["name"])
    except DlaImportRejected:
        messages.error(request, "Le fichier contient des erreurs : rien n'a été enregistré.")
        return render(request, "dla/import.html", {"form": DlaImportForm(), "plan": plan})
    pending_uploads.forget(request, SESSION_KEY)
    messages.success(request, f"Import terminé : {applied.summary}.")
    return redirect("dla:list")
