"""The staff upload of a structures CSV: a report first, then writing on confirmation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from iae_portal import pending_uploads

from . import perms
from .forms import StructureImportForm
from .importers import StructureImportRejected, apply_structures_import, plan_structures_import

SESSION_KEY = "structures_import"


@login_required
def structure_import(request):
    if not perms.can_import_structures(request.user):
        raise PermissionDenied
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request)
    form = StructureImportForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        plan = plan_structures_import(content)
        token = pending_uploads.stash(
            request,
            SESSION_KEY,
            name=upload.name,
            content=content,
            partial=form.cleaned_data["partial"],
        )
        context.update(plan=plan, token=token, partial=form.cleaned_data["partial"])
    return render(request, "structures/structure_import.html", context)


def _confirm(request):
    pending = pending_uploads.pending(request, SESSION_KEY)
    if pending is None:
        messages.error(request, pending_uploads.EXPIRED)
        return redirect("structures:import")
    # Planned again: the database may have changed since the report was shown.
    plan = plan_structures_import(pending["content"])
    try:
        applied = apply_structures_import(
            plan,
            actor=request.user,
            partial=pending["partial"],
            reason=f"import {pending['name']}",
        )
    except StructureImportRejected:
        messages.error(request, "Le fichier contient des erreurs : rien n'a été enregistré.")
        return render(
            request,
            "structures/structure_import.html",
            {"form": StructureImportForm(), "plan": plan, "partial": False},
        )
    pending_uploads.forget(request, SESSION_KEY)
    messages.success(request, f"Import terminé : {applied.summary}.")
    return redirect("structures:list")
