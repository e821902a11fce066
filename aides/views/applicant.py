"""Pages of the applicant (SIAE directors): create a dossier, fill it in three steps that
each save on their own (data, documents, submission), follow dossiers and notifications.

Moving a dossier (submit, resubmit, withdraw) is done by the shared
``views.dossiers.dossier_transition``; these pages only show its buttons.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from iae_portal import links

from .. import perms, presenters, rules, services
from ..enums import DossierState
from ..forms.applicant import (
    DocumentForm,
    DossierCreateForm,
    DossierDataForm,
    DossierHeadForm,
    case_from,
    data_formsets,
    directed_structures,
    initial_from,
    section_table,
    summary_rows,
)
from ..forms.dossiers import transition_form
from ..forms.simulation import SECTION_TITLES, scheme_layout, with_extra_row
from ..messages import bad_input_text
from ..models import Notification
from ..rules.result import euros
from ..services.dossiers import missing_documents
from ..services.notifications import notifications_mark_read
from ..workflow import APPLICANT_EDITABLE, TRANSITIONS
from .dossiers import dossier_or_404

STEPS = (
    ("donnees", "Données du projet"),
    ("pieces", "Pièces justificatives"),
    ("depot", "Vérification et dépôt"),
)
MY_DOSSIERS_PER_PAGE = 25
NOTIFICATIONS_PER_PAGE = 20
MY_DOSSIERS_FIELDS = (
    "uuid",
    "reference",
    "title",
    "state",
    "requested_amount",
    "voted_amount",
    "created_at",
    "structure__name",
    "campaign__name",
    "campaign__scheme__name",
)


def step_url(dossier, step):
    return f"{reverse('aides:dossier_edit', args=[dossier.uuid])}?etape={step}"


@login_required
def dossier_create(request):
    """Choose a structure the user directs, an open campaign for its kind, and a title."""
    if not perms.can_create_dossiers(request.user):
        raise PermissionDenied
    structures = list(directed_structures(request.user))
    initial = {"campaign": request.GET.get("campagne")}
    siret = request.GET.get("structure")
    if siret:
        structures = [s for s in structures if s.siret == siret]
        if not structures:
            raise Http404
        initial["structure"] = siret
    elif len(structures) == 1:
        initial["structure"] = structures[0].siret
    data = request.POST if request.method == "POST" else None
    form = DossierCreateForm(data, structures=structures, initial=initial)
    if data is not None and form.is_valid():
        try:
            dossier = services.dossier_create(
                actor=request.user,
                structure=form.cleaned_data["structure"],
                campaign=form.cleaned_data["campaign"],
                title=form.cleaned_data["title"],
            )
        except services.TransitionRefused as error:
            form.add_error("campaign", str(error))
        else:
            messages.success(
                request,
                f"Dossier {dossier.reference} créé : renseignez maintenant les données du projet.",
            )
            return redirect(step_url(dossier, "donnees"))
    return render(
        request, "aides/applicant/dossier_create.html", {"form": form, "structures": structures}
    )


@login_required
def dossier_edit(request, uuid):
    """One of the three steps (``?etape=``); only those who may edit the dossier now."""
    dossier = dossier_or_404(request, uuid)
    if not perms.can_edit_dossier(request.user, dossier):
        raise PermissionDenied
    step = request.GET.get("etape")
    if step not in STEP_VIEWS:
        step = STEPS[0][0]
    return STEP_VIEWS[step](request, dossier, step)


def _render_step(request, dossier, step, context):
    request_comment = None
    if dossier.state == DossierState.COMPLEMENT_DEMANDE:
        # The request's reason is the first message since the state changed (later ones
        # may be the applicant's own).
        request_comment = (
            dossier.comments.filter(internal=False, created_at__gte=dossier.state_changed_at)
            .order_by("created_at")
            .first()
        )
    context = {
        "dossier": dossier,
        "step": step,
        "steps": [
            (code, f"{number}. {label}", step_url(dossier, code))
            for number, (code, label) in enumerate(STEPS, start=1)
        ],
        "request_comment": request_comment,
        **context,
    }
    return render(request, f"aides/applicant/step_{step}.html", context)


def _explained(dossier):
    if not dossier.computation_id:
        return None
    computation = dossier.computation
    return presenters.explained(computation.result, dossier.scheme.parameters(computation.version))


def _posted(post):
    """The POST with every row counted as new, since the whole data is saved each time
    (a row the user blanked is then dropped, not required), plus a row if asked."""
    data = post.copy()
    for section in SECTION_TITLES:
        if f"{section}-INITIAL_FORMS" in data:
            data[f"{section}-INITIAL_FORMS"] = "0"
    adding = post.get("add_row")
    if adding not in SECTION_TITLES:
        return data
    data = with_extra_row(data, adding)
    return data


def _data_forms(dossier, data=None):
    layout, kind = scheme_layout(dossier.scheme), dossier.structure.kind
    if data is not None:
        return (
            DossierHeadForm(data),
            DossierDataForm(data, layout=layout, kind=kind),
            data_formsets(layout, data),
        )
    computed = dossier.computation.total if dossier.computation_id else None
    requested = dossier.requested_amount if dossier.requested_amount != computed else None
    initial, rows = initial_from(dossier.data)
    return (
        DossierHeadForm(
            initial={
                "version": dossier.version,
                "title": dossier.title,
                "requested_amount": requested,
            }
        ),
        DossierDataForm(layout=layout, kind=kind, initial=initial),
        data_formsets(layout, rows=rows),
    )


def _data_step(request, dossier, step):
    """The scheme's form; saving computes the result at once (the eligibility check)."""
    data = _posted(request.POST) if request.method == "POST" else None
    head, form, formsets = _data_forms(dossier, data)
    changed = False
    saving = data is not None and "add_row" not in request.POST
    if saving and all(f.is_valid() for f in (head, form, *formsets.values())):
        try:
            services.dossier_save_data(
                actor=request.user,
                dossier=dossier,
                expected_version=head.cleaned_data["version"],
                data=case_from(form, formsets),
                title=head.cleaned_data["title"],
                requested_amount=head.cleaned_data["requested_amount"],
            )
        except services.DossierChanged as error:
            # The user's input stays on the page with the version they saw: saving again
            # is refused until they have looked at the current dossier.
            head.add_error(None, error.message)
            changed = True
        except rules.BadInput as error:
            form.add_error(None, bad_input_text(error))
        else:
            messages.success(request, "Données enregistrées : voici le résultat du calcul.")
            return redirect(f"{step_url(dossier, step)}#resultat")
    computed = dossier.computation.total if dossier.computation_id else None
    if computed is not None:
        head.fields[
            "requested_amount"
        ].help_text = f"Laissez vide pour demander le montant calculé ({euros(computed)})."
    return _render_step(
        request,
        dossier,
        step,
        {
            "head": head,
            "form": form,
            "sections": [(name, SECTION_TITLES[name], fs) for name, fs in formsets.items()],
            "result": _explained(dossier),
            "changed": changed,
        },
    )


def _documents_step(request, dossier, step):
    """One upload at a time, checked by content; what is there and what is missing."""
    required = list(dossier.scheme.required_documents)
    missing = missing_documents(dossier)
    form = DocumentForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        required_kinds=required,
        missing_kinds=missing,
    )
    if request.method == "POST" and form.is_valid():
        try:
            document = services.document_add(
                actor=request.user,
                dossier=dossier,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(
                request,
                f"Pièce ajoutée : {document.get_kind_display()} — {document.original_name}.",
            )
            return redirect(step_url(dossier, step))
    documents = list(dossier.documents.current().select_related("uploaded_by"))
    labels = dict(zip(required, presenters.document_labels(required), strict=True))
    return _render_step(
        request,
        dossier,
        step,
        {
            "form": form,
            "required_rows": [
                (labels[code], [d for d in documents if d.kind == code]) for code in required
            ],
            "other_documents": [d for d in documents if d.kind not in required],
            "missing": presenters.document_labels(missing),
            # A wrong document: replaced while editable, removed from a draft only.
            "can_remove": dossier.state == DossierState.BROUILLON,
        },
    )


def _submit_problems(dossier):
    """``[(French text, step to fix it or None, link text)]`` that would stop the submission."""
    if dossier.state != DossierState.BROUILLON:
        return []
    problems = []
    if not dossier.computation_id:
        problems.append(
            ("Les données du projet ne sont pas enregistrées.", "donnees", "Les renseigner")
        )
    missing = presenters.document_labels(missing_documents(dossier))
    if missing:
        problems.append((f"Pièces manquantes : {', '.join(missing)}.", "pieces", "Les ajouter"))
    if not dossier.campaign.is_open:
        problems.append(
            (
                "L'appel à candidatures n'est pas ouvert (du "
                f"{dossier.campaign.opens_on:%d/%m/%Y} au {dossier.campaign.closes_on:%d/%m/%Y}).",
                None,
                "",
            )
        )
    return problems


def _submit_step(request, dossier, step):
    """The summary of what will be sent, what is missing, and the buttons."""
    _head, form, formsets = _data_forms(dossier)
    send = TRANSITIONS["submit" if dossier.state == DossierState.BROUILLON else "resubmit"]
    return _render_step(
        request,
        dossier,
        step,
        {
            "summary": summary_rows(form),
            "tables": [
                (SECTION_TITLES[name], *section_table(formset))
                for name, formset in formsets.items()
                if formset.initial
            ],
            "result": _explained(dossier),
            "documents": dossier.documents.current(),
            "problems": [
                (text, step_url(dossier, fix) if fix else None, link)
                for text, fix, link in _submit_problems(dossier)
            ],
            "send": send,
            "send_form": transition_form(send, dossier),
            "withdraw": TRANSITIONS["withdraw"],
            "withdraw_form": transition_form(TRANSITIONS["withdraw"], dossier),
        },
    )


STEP_VIEWS = {"donnees": _data_step, "pieces": _documents_step, "depot": _submit_step}


def _page(queryset, number, per_page):
    """``Paginator(queryset, per_page).get_page(number)``, the first page read with one row
    more: without it, the rows are all there and need no counting (a director's dossiers
    mostly fit in one page). One query for such a page, two for any other, as before."""
    if number not in (None, "", "1"):
        return Paginator(queryset, per_page).get_page(number)
    rows = list(queryset[: per_page + 1])
    paginator = Paginator(rows, per_page)
    if len(rows) > per_page:
        paginator.count = queryset.count()
    return paginator.get_page(1)


@login_required
def my_dossiers(request):
    """The dossiers of the structures the user belongs to, newest first."""
    dossiers = (
        perms.own_dossiers(request.user)
        .select_related("structure", "campaign__scheme")
        # What the rows show (their links, ``can_edit_dossier``'s state and structure).
        .only(*MY_DOSSIERS_FIELDS)
        .order_by("-created_at", "-pk")
    )
    page = _page(dossiers, request.GET.get("page"), MY_DOSSIERS_PER_PAGE)
    # perms.can_edit_dossier for every row, in one query for the whole page.
    directed = perms.applicant_structure_ids(request.user)
    detail_url = links.with_key("aides:dossier_detail")
    edit_url = links.with_key("aides:dossier_edit")
    rows = [
        (
            d,
            d.state in APPLICANT_EDITABLE and d.structure_id in directed,
            detail_url(d.uuid),
            edit_url(d.uuid),
        )
        for d in page
    ]
    return render(
        request,
        "aides/applicant/my_dossiers.html",
        {"page": page, "rows": rows, "can_create": bool(directed)},
    )


@login_required
def notifications(request):
    """The user's notifications, newest first; those shown are marked read (POST: all)."""
    mine = Notification.objects.filter(user=request.user)
    if request.method == "POST":
        notifications_mark_read(user=request.user)
        messages.success(request, "Toutes vos notifications sont marquées comme lues.")
        return redirect("aides:notifications")
    page = Paginator(
        mine.select_related("dossier").order_by("-created_at", "-pk"), NOTIFICATIONS_PER_PAGE
    ).get_page(request.GET.get("page"))
    unread = {n.pk for n in page if n.read_at is None}
    if unread:
        notifications_mark_read(user=request.user, ids=unread)
    return render(request, "aides/applicant/notifications.html", {"page": page, "unread": unread})
