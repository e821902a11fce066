"""Partners' opinions (avis): the instructeur's request page, the request's page (the
partner reads the dossier as filed, the documents chosen, and answers; staff read every
opinion), the list « Avis demandés », and the downloads a partner may make.

Partners never open the dossier's page (its comments, the instruction's opinion): every
access of theirs goes through the requests addressed to them (``perms``)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from iae_portal import uploads
from iae_portal.audit.services import audit_entries_for

from .. import perms, presenters
from ..forms.applicant import (
    DossierDataForm,
    data_formsets,
    initial_from,
    section_table,
    summary_rows,
)
from ..forms.opinions import OpinionForm, OpinionRequestForm
from ..forms.simulation import SECTION_TITLES, scheme_layout
from ..models import (
    DossierDocument,
    OpinionRequest,
    PartnerOpinionAttachment,
)
from ..opinion_presenters import state_of
from ..services import opinions as services
from ..services.dossiers import TransitionRefused
from .dossiers import dossier_or_404

REQUESTS_PER_PAGE = 25


def _request_or_404(request, uuid):
    opinion_request = get_object_or_404(
        OpinionRequest.objects.select_related(
            "dossier__structure__department",
            "dossier__campaign__scheme",
            "dossier__computation__version",
            "partner",
            "organisation",
            "requested_by",
        ),
        uuid=uuid,
    )
    if not perms.can_view_opinion_request(request.user, opinion_request):
        raise Http404
    return opinion_request


# -- The instructeur asks -------------------------------------------------------------------


@login_required
def opinion_request_create(request, uuid):
    """« Demander un avis » on a dossier: partners of the region or a person invited by
    e-mail, the question, the due date, the documents shared."""
    dossier = dossier_or_404(request, uuid)
    if not perms.can_request_opinion(request.user, dossier):
        raise PermissionDenied
    posted = request.method == "POST"
    form = OpinionRequestForm(request.POST if posted else None, dossier=dossier)
    if posted and form.is_valid():
        try:
            created = services.opinion_request_create(
                actor=request.user, dossier=dossier, **form.service_kwargs()
            )
        except ValidationError as error:
            form.add_error("invite_email", error)
        except TransitionRefused as error:
            form.add_error(None, str(error))
        else:
            names = ", ".join(str(r.partner) for r in created)
            messages.success(
                request,
                f"Demande d'avis envoyée à {names}, pour le {created[0].due_on:%d/%m/%Y}.",
            )
            return redirect(reverse("aides:dossier_detail", args=[dossier.uuid]) + "#avis")
    return render(
        request,
        "aides/opinions/request_form.html",
        {
            "dossier": dossier,
            "form": form,
            "reminder_days": settings.IAE_OPINION_REMINDER_DAYS_BEFORE,
        },
        status=400 if posted else 200,
    )


@login_required
@require_POST
def opinion_request_withdraw(request, uuid):
    opinion_request = _request_or_404(request, uuid)
    if not perms.can_withdraw_opinion_request(request.user, opinion_request):
        raise PermissionDenied
    try:
        services.opinion_request_withdraw(actor=request.user, request=opinion_request)
    except TransitionRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"La demande d'avis à {opinion_request.partner} est retirée.")
    return redirect(reverse("aides:dossier_detail", args=[opinion_request.dossier.uuid]) + "#avis")


# -- The request's page ---------------------------------------------------------------------


def filed_data(dossier):
    """The dossier's data as the applicant filed it, in French: ``(rows, tables)`` as the
    submission step shows them (labels and values; the sections' tables)."""
    layout, kind = scheme_layout(dossier.scheme), dossier.structure.kind
    initial, rows = initial_from(dossier.data)
    form = DossierDataForm(layout=layout, kind=kind, initial=initial)
    formsets = data_formsets(layout, rows=rows)
    return summary_rows(form), [
        (SECTION_TITLES[name], *section_table(formset))
        for name, formset in formsets.items()
        if formset.initial
    ]


def _page_context(request, opinion_request, form=None):
    user, dossier = request.user, opinion_request.dossier
    today = timezone.localdate()
    staff = perms.is_dossier_staff(user, dossier)
    opinions = list(
        perms.visible_request_opinions(user, opinion_request)
        .select_related("author", "request__organisation")
        .prefetch_related("attachments")
    )
    own = [o for o in opinions if o.request_id == opinion_request.pk]
    others = [o for o in opinions if o.request_id != opinion_request.pk]
    rows, tables = filed_data(dossier)
    result = dossier.computation.result if dossier.computation_id else None
    can_answer = perms.can_answer_opinion_request(user, opinion_request)
    return {
        "opinion_request": opinion_request,
        "dossier": dossier,
        "staff": staff,
        "council": settings.PORTAL_COUNCIL_NAME,
        "state": state_of(opinion_request, today),
        "summary": rows,
        "tables": tables,
        "result": presenters.explained(
            result, dossier.scheme.parameters(dossier.computation.version)
        )
        if result
        else None,
        "documents": perms.visible_shared_documents(user, opinion_request).order_by(
            "kind", "uploaded_at"
        ),
        "own_opinions": own,
        "other_opinions": others,
        "form": (form or OpinionForm()) if can_answer else None,
        "late": opinion_request.due_on < today,
        "can_withdraw": perms.can_withdraw_opinion_request(user, opinion_request),
        "history": list(audit_entries_for(opinion_request).order_by("at", "pk")) if staff else None,
    }


@login_required
def opinion_request_detail(request, uuid):
    opinion_request = _request_or_404(request, uuid)
    return render(
        request, "aides/opinions/request_detail.html", _page_context(request, opinion_request)
    )


@login_required
@require_POST
def opinion_give(request, uuid):
    """The partner's answer (a new opinion each time: none is ever changed)."""
    opinion_request = _request_or_404(request, uuid)
    if not perms.can_answer_opinion_request(request.user, opinion_request):
        raise PermissionDenied
    form = OpinionForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.opinion_give(
                actor=request.user,
                request=opinion_request,
                position=form.cleaned_data["position"],
                text=form.cleaned_data["text"],
                attachments=form.cleaned_data["attachments"],
            )
        except ValidationError as error:
            form.add_error("attachments", error)
        except TransitionRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, "Votre avis est enregistré et transmis au service instructeur."
            )
            return redirect(opinion_request)
    return render(
        request,
        "aides/opinions/request_detail.html",
        _page_context(request, opinion_request, form),
        status=400,
    )


# -- « Avis demandés » ----------------------------------------------------------------------


@login_required
def opinion_request_list(request):
    """The requests ``request.user`` may open: a partner's own (waiting first, the oldest
    due date first, late ones marked), staff those of their dossiers."""
    user = request.user
    if not perms.can_list_opinion_requests(user):
        raise PermissionDenied
    waiting_first = Case(
        When(answered_at__isnull=True, withdrawn_at__isnull=True, then=0),
        default=1,
        output_field=IntegerField(),
    )
    requests = (
        perms.visible_opinion_requests(user)
        .select_related(
            "dossier__structure", "dossier__campaign__scheme", "partner", "organisation"
        )
        .order_by(waiting_first, "due_on", "created_at", "pk")
    )
    page = Paginator(requests, REQUESTS_PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [(r, state_of(r, today)) for r in page]
    return render(
        request,
        "aides/opinions/request_list.html",
        {"page": page, "rows": rows, "staff": perms.can_view_queue(user)},
    )


# -- Downloads ------------------------------------------------------------------------------


@login_required
def opinion_document(request, uuid):
    """A dossier's document shared with a partner (staff: as on the dossier page)."""
    document = get_object_or_404(
        DossierDocument.objects.select_related("dossier__structure__department"), uuid=uuid
    )
    if not perms.can_view_shared_document(request.user, document):
        raise Http404
    return uploads.download(request, document)


@login_required
def opinion_attachment(request, uuid):
    """A file joined to an opinion: the dossier's staff, its author, and the partners with
    whom the opinions are shared."""
    attachment = get_object_or_404(
        PartnerOpinionAttachment.objects.select_related(
            "opinion__request__dossier__structure__department"
        ),
        uuid=uuid,
    )
    if not perms.can_view_partner_opinion(request.user, attachment.opinion):
        raise Http404
    return uploads.download(request, attachment)
