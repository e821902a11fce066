"""The staff upload of a marchés or heures CSV: a report first (a rolled-back run of the
importer), then writing on confirmation, as ``structures.views_import``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from iae_portal import pending_uploads

from . import perms, services
from .forms import ImportForm

SESSION_KEY = "clauses_import"


@login_required
def clauses_import(request):
    if not perms.can_import(request.user):
        raise PermissionDenied
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload, kind = form.cleaned_data["file"], form.cleaned_data["kind"]
        content = upload.read()
        plan = services.clauses_import_preview(kind=kind, content=content)
        token = pending_uploads.stash(
            request, SESSION_KEY, name=upload.name, content=content, kind=kind
        )
        context.update(plan=plan, token=token, kind=kind)
    return render(request, "clauses/import.html", context)


def _confirm(request):
    pending = pending_uploads.pending(request, SESSION_KEY)
    if pending is None:
        messages.error(request, pending_uploads.EXPIRED)
        return redirect("clauses:import")
    result = services.clauses_import(
        actor=request.user,
        kind=pending["kind"],
        content=pending["content"],
        name=pending["name"],
    )
    if not result.is_valid:
        # The database changed since the report: nothing was written.
        messages.error(request, "Le fichier contient des erreurs : rien n'a été enregistré.")
        return render(request, "clauses/import.html", {"form": ImportForm(), "plan": result})
    pending_uploads.forget(request, SESSION_KEY)
    messages.success(request, f"Import terminé : {result.summary}.")
    return redirect("clauses:list")
