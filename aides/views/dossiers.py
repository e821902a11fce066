"""The dossier page, shared by the applicant and the staff, and its actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from iae_portal import compiled, uploads
from iae_portal.audit.services import audit_history

from .. import letters, perms, presenters, services
from ..forms.dossiers import CommentForm, PaymentForm, transition_form
from ..models import Dossier, DossierComment, DossierDocument, Instalment, LetterSettings
from ..services import financing_checks as checks
from ..workflow import TRANSITIONS, available

SYSTEM_TRANSITIONS = {"start_payment", "settle"}  # fired by payments, not by a button


def _dossiers(*related):
    return compiled.Statement(
        lambda uuid: Dossier.objects.select_related(
            "structure__department",
            "campaign__scheme",
            "computation__version",
            "instructor",
            "commission",
            *related,
        ).filter(uuid=uuid)
    )


# Every dossier's page and action reads one: its ten tables' SQL compiled once.
DOSSIER, DOSSIER_PAGE = _dossiers(), _dossiers("financing_plan")


def dossier_or_404(request, uuid, *, page=False):
    """The dossier ``request.user`` may open, or 404. For its ``page`` (a GET: no write
    checks its permissions on this instance), its structure's memberships are read with it
    (``perms.read_memberships``: the page's predicates and ``presenters.People`` read
    them), and its financing plan."""
    found = (DOSSIER_PAGE if page else DOSSIER)(uuid=uuid)
    if not found:
        raise Http404
    (dossier,) = found
    if page:
        perms.read_memberships(dossier)
    if not perms.can_view_dossier(request.user, dossier):
        raise Http404
    return dossier


def _documents(user, dossier):
    documents = perms.visible_documents(user, dossier)
    return {
        "documents": [d for d in documents if d.is_current],
        "former_documents": [d for d in documents if not d.is_current],
        # Its current documents are among them, whoever reads.
        "missing": presenters.document_labels(
            services.dossiers.missing_documents(dossier, documents)
        ),
    }


def _comments_of(**shown):
    return compiled.Statement(
        lambda dossier_id: (
            DossierComment.objects.filter(dossier_id=dossier_id, **shown)
            .select_related("author")
            .order_by("created_at", "pk")
        )
    )


# The messages staff read, and those the applicant reads.
COMMENTS, APPLICANT_COMMENTS = _comments_of(), _comments_of(internal=False)
INSTALMENTS = compiled.Statement(
    lambda dossier_id: Instalment.objects.filter(dossier_id=dossier_id).order_by("year")
)


def _comments(dossier, staff):
    """The messages its reader may read, each author named with their role (never their
    address)."""
    comments = (COMMENTS if staff else APPLICANT_COMMENTS)(dossier_id=dossier.pk)
    person = presenters.People(dossier)
    for comment in comments:
        comment.author_label = person(comment.author)
    return comments


def _context(request, dossier, forms=None):
    # Read once for the instruction's form and the page's financing section.
    checks.read_plan(dossier)
    actors = perms.dossier_actors(request.user, dossier)
    staff = perms.is_dossier_staff(request.user, dossier)
    can_view_letters = perms.can_view_letters(request.user, dossier)
    transitions = [t for t in available(dossier.state, actors) if t.name not in SYSTEM_TRANSITIONS]
    forms = forms or {}
    result = dossier.computation.result if dossier.computation_id else None
    return {
        "dossier": dossier,
        "staff": staff,
        "can_edit": perms.can_edit_dossier(request.user, dossier),
        "actions": [(t, forms.get(t.name) or transition_form(t, dossier)) for t in transitions],
        "result": presenters.explained(
            result, dossier.scheme.parameters(dossier.computation.version)
        )
        if result
        else None,
        # Staff also see the replaced or removed documents, marked, after the current ones.
        **_documents(request.user, dossier),
        "comments": _comments(dossier, staff),
        "comment_form": CommentForm() if perms.can_comment_dossier(request.user, dossier) else None,
        "can_comment_internally": perms.can_comment_internally(request.user, dossier),
        "instalments": INSTALMENTS(dossier_id=dossier.pk),
        "payment_form": PaymentForm() if perms.can_record_payment(request.user, dossier) else None,
        "history": presenters.dossier_history(audit_history(dossier), dossier, staff=staff),
        "letters": (
            list(letters.KINDS.items())
            if can_view_letters and not letters.not_ready_reason(dossier)
            else []
        ),
        "letters_not_ready": letters.not_ready_reason(dossier) if can_view_letters else None,
    }


@login_required
def dossier_detail(request, uuid):
    dossier = dossier_or_404(request, uuid, page=True)
    return render(request, "aides/dossier_detail.html", _context(request, dossier))


@login_required
@require_POST
def dossier_transition(request, uuid, name):
    dossier = dossier_or_404(request, uuid)
    transition = TRANSITIONS.get(name)
    if transition is None or name in SYSTEM_TRANSITIONS:
        raise Http404
    form = transition_form(transition, dossier, request.POST)
    if form.is_valid():
        try:
            services.dossier_transition(
                actor=request.user,
                dossier=dossier,
                name=name,
                expected_version=form.cleaned_data["version"],
                comment=form.cleaned_data["comment"],
                **form.payload(),
            )
        except services.DossierChanged as error:
            messages.error(request, error.message)
            return redirect(dossier)
        except services.TransitionRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, transition.done)
            return redirect(dossier)
    elif not transition.actors & perms.dossier_actors(request.user, dossier):
        raise PermissionDenied
    return render(
        request, "aides/dossier_detail.html", _context(request, dossier, {name: form}), status=400
    )


@login_required
@require_POST
def dossier_comment(request, uuid):
    dossier = dossier_or_404(request, uuid)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_add(
                actor=request.user,
                dossier=dossier,
                body=form.cleaned_data["body"],
                internal=form.cleaned_data["internal"],
            )
        except services.TransitionRefused as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Message enregistré.")
    else:
        errors = " ".join(error for errors in form.errors.values() for error in errors)
        messages.error(request, f"Message non enregistré : {errors}")
    return redirect(dossier)


@login_required
def document_download(request, uuid):
    document = get_object_or_404(
        DossierDocument.objects.select_related("dossier__structure__department"), uuid=uuid
    )
    if not perms.can_view_document(request.user, document):
        raise Http404
    # Named after its sniffed type, for its uploader alone until scanned clean.
    return uploads.download(request, document)


@login_required
@require_POST
def instalment_pay(request, uuid):
    instalment = get_object_or_404(Instalment.objects.select_related("dossier"), uuid=uuid)
    dossier = dossier_or_404(request, instalment.dossier.uuid)
    form = PaymentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez la date de paiement et la référence du mandat.")
        return redirect(dossier)
    try:
        services.instalment_pay(
            actor=request.user,
            instalment=instalment,
            paid_on=form.cleaned_data["paid_on"],
            reference=form.cleaned_data["reference"],
        )
    except services.DossierChanged:
        messages.error(request, "Ce versement a déjà été enregistré : rechargez la page.")
    except services.TransitionRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Versement de l'année {instalment.year} enregistré.")
    return redirect(dossier)


@login_required
def dossier_letter(request, uuid, kind):
    """The award letter or the convention of a voted dossier, as PDF: staff once voted,
    the applicant once the decision is notified."""
    dossier = dossier_or_404(request, uuid)
    if kind not in letters.KINDS:
        raise Http404
    if not perms.can_view_letters(request.user, dossier):
        raise PermissionDenied
    try:
        pdf = letters.render_letter_pdf(kind, dossier, LetterSettings.current())
    except letters.LetterNotReady as error:
        messages.error(request, error.message)
        return redirect(dossier)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{kind}-{dossier.reference}.pdf"'
    return response
