"""The applicant's changes to a document already attached: replace it (draft or correction
requested) or remove it (draft). Attaching is the documents step of ``views.applicant``;
nothing is deleted (``services.documents``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .. import perms, services
from ..forms.applicant import DocumentFileForm
from ..models import DossierDocument
from .applicant import step_url


def _document_or_404(request, uuid):
    """A document ``request.user`` may see; replaced or removed ones are staff's only."""
    document = get_object_or_404(
        DossierDocument.objects.select_related(
            "dossier__structure__department", "dossier__campaign__scheme"
        ),
        uuid=uuid,
    )
    if not perms.can_view_document(request.user, document):
        raise Http404
    return document


@login_required
def document_replace(request, uuid):
    """A new file for a document, of the same kind, checked as any upload."""
    document = _document_or_404(request, uuid)
    if not perms.can_replace_document(request.user, document):
        raise PermissionDenied
    dossier = document.dossier
    back = step_url(dossier, "pieces")
    posted = request.method == "POST"
    form = DocumentFileForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        try:
            new = services.document_replace(
                actor=request.user, document=document, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            form.add_error("file", error)
        except services.TransitionRefused as error:
            messages.error(request, str(error))
            return redirect(back)
        except services.DossierChanged as error:
            messages.error(request, error.message)
            return redirect(back)
        else:
            messages.success(
                request,
                f"La pièce « {document.get_kind_display()} » a été remplacée par le fichier "
                f"« {new.original_name} ». L'ancien fichier reste dans l'historique du "
                "dossier, pour le service instructeur.",
            )
            return redirect(back)
    return render(
        request,
        "aides/applicant/document_replace.html",
        {"dossier": dossier, "document": document, "form": form, "back": back},
    )


@login_required
@require_POST
def document_remove(request, uuid):
    """Take a document out of a draft (it stays in the history staff see)."""
    document = _document_or_404(request, uuid)
    if not perms.can_remove_document(request.user, document):
        raise PermissionDenied
    try:
        services.document_remove(actor=request.user, document=document)
    except services.TransitionRefused as error:
        messages.error(request, str(error))
    except services.DossierChanged as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"La pièce « {document.get_kind_display()} — {document.original_name} » a été "
            "retirée du dossier.",
        )
    return redirect(step_url(document.dossier, "pieces"))
