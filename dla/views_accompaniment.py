"""The accompaniment page and its steps: each step's form is posted on its own and saved
through ``dla.services``; an invalid form comes back on the page with its errors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from iae_portal import uploads
from iae_portal.audit import labels as audit_labels
from iae_portal.audit.services import audit_entries_for
from structures.models import Structure
from structures.perms import visible_structures

from . import followups, perms, services
from .enums import STATE_ORDER, AccompanimentState, Milestone
from .forms_steps import (
    CloseForm,
    DeliverableForm,
    DiagnosticForm,
    FollowUpForm,
    PlanForm,
    PrestationForm,
    RequestForm,
)
from .models import Accompaniment, Deliverable, Diagnostic, Prestation, SupportPlan

State = AccompanimentState
# The progression shown at the top of the page: (step, state reached by it, label).
STEPS = (
    ("request", State.DEMANDE, "Demande"),
    ("diagnostic", State.DIAGNOSTIC, "Diagnostic partagé"),
    ("plan", State.PLAN, "Plan d'accompagnement"),
    ("prestation", State.INGENIERIE, "Ingénierie"),
    ("follow_up", State.SUIVI, "Suivi à 6, 12 et 24 mois"),
    ("close", State.CLOS, "Clôture"),
)
SAVED = {
    "request": "Demande enregistrée.",
    "diagnostic": "Diagnostic partagé enregistré.",
    "plan": "Plan d'accompagnement enregistré.",
    "prestation": "Prestation ajoutée.",
    "deliverables": "Livrables ajoutés.",
    "follow_up": "Suivi enregistré.",
    "close": "Accompagnement clos.",
}
HISTORY = 20


def _accompaniment(request, uuid):
    """The accompaniment for the page: 404 when ``request.user`` may not see it."""
    structures = Prefetch("structures", queryset=_structures())
    prestations = Prestation.objects.select_related("provider").prefetch_related(
        Prefetch("beneficiaries", queryset=_structures()), "deliverables"
    )
    accompaniment = get_object_or_404(
        Accompaniment.objects.select_related(
            "dla__department", "diagnostic", "plan__provider"
        ).prefetch_related(
            structures,
            Prefetch("prestations", queryset=prestations.order_by("start_date", "ref")),
            "follow_ups",
        ),
        uuid=uuid,
    )
    if not perms.can_view_accompaniment(request.user, accompaniment):
        raise Http404
    return accompaniment


def _structures():
    return Structure.objects.select_related("department").order_by("name")


def _recorded(accompaniment):
    """``{step: recorded?}`` read from the prefetched rows."""
    return {
        "request": accompaniment.request_date is not None,
        "diagnostic": _one_to_one_cached(accompaniment, "diagnostic") is not None,
        "plan": _one_to_one_cached(accompaniment, "plan") is not None,
        "prestation": bool(accompaniment.prestations.all()),
        "follow_up": bool(accompaniment.follow_ups.all()),
        "close": accompaniment.is_closed,
    }


def _one_to_one_cached(accompaniment, name):
    # select_related caches a missing reverse one-to-one as None: no query either way.
    try:
        return getattr(accompaniment, name)
    except (Diagnostic.DoesNotExist, SupportPlan.DoesNotExist):
        return None


def _open_steps(accompaniment, recorded):
    """The steps an editor may record now (dla.md's order: the plan follows the diagnostic,
    the engineering the plan, the follow-up the engineering)."""
    if accompaniment.is_closed:
        return set()
    reached = STATE_ORDER.index(accompaniment.state)
    steps = {"request", "diagnostic", "close"}
    if recorded["diagnostic"]:
        steps.add("plan")
    if reached >= STATE_ORDER.index(State.PLAN):
        steps.add("prestation")
    if recorded["prestation"]:
        steps.add("follow_up")
    return steps


def _forms(accompaniment, open_steps, bound):
    makers = {
        "request": lambda: RequestForm(recorded=accompaniment, prefix="request"),
        "diagnostic": lambda: DiagnosticForm(
            recorded=_one_to_one_cached(accompaniment, "diagnostic"), prefix="diagnostic"
        ),
        "plan": lambda: PlanForm(recorded=_one_to_one_cached(accompaniment, "plan"), prefix="plan"),
        "prestation": lambda: PrestationForm(accompaniment=accompaniment, prefix="prestation"),
        "follow_up": lambda: FollowUpForm(
            initial={"milestone": _next_follow_up(accompaniment)}, prefix="follow_up"
        ),
        "close": lambda: CloseForm(prefix="close"),
    }
    forms = {step: make() for step, make in makers.items() if step in open_steps}
    forms.update((step, form) for step, form in bound.items() if step in makers)
    return forms


def _last_end(accompaniment):
    """The end of the last prestation, read from the prefetched rows."""
    return max((p.end_date for p in accompaniment.prestations.all()), default=None)


def _schedule(accompaniment):
    """When each follow-up contact is due and may be recorded (``dla.followups``), with the
    contact recorded for it, if any."""
    today = timezone.localdate()
    recorded = {f.milestone: f for f in accompaniment.follow_ups.all()}
    latest = max(recorded, default=0)
    return [
        {
            "milestone": milestone,
            "due_on": due,
            "opens_on": opens,
            "recorded": recorded.get(milestone),
            "moot": milestone < latest,  # a later contact is recorded
            "open": opens <= today,
            "overdue": due < today,
        }
        for milestone, due, opens in followups.schedule(_last_end(accompaniment))
    ]


def _next_follow_up(accompaniment):
    """The contact the form offers first: the one the chargé's home lists (the latest that
    may be recorded, after the latest recorded), else the next to come."""
    recorded = max((f.milestone for f in accompaniment.follow_ups.all()), default=0)
    due = followups.due_milestones(_last_end(accompaniment), recorded, timezone.localdate())
    if due:
        return due[-1][0]
    later = [row["milestone"] for row in _schedule(accompaniment) if row["milestone"] > recorded]
    return later[0] if later else recorded or Milestone.SIX


def _viewable_structures(user, accompaniment, structures):
    """The ids of the page's structures ``user`` may open (``structures.perms``), in one
    query: the others are named without a link."""
    named = {s.pk for s in structures}
    for prestation in accompaniment.prestations.all():
        named.update(s.pk for s in prestation.beneficiaries.all())
    return set(visible_structures(user).filter(pk__in=named).values_list("pk", flat=True))


def _history(accompaniment):
    entries = list(audit_entries_for(accompaniment)[:HISTORY])
    for entry in entries:
        entry.label = audit_labels.action_label(entry.action)
        entry.actor_name = audit_labels.actor_name(entry)
    return entries


def _render(request, accompaniment, bound=None, *, status=200):
    bound = bound or {}
    user = request.user
    can_edit = perms.can_edit_accompaniment(user, accompaniment)
    recorded = _recorded(accompaniment)
    open_steps = _open_steps(accompaniment, recorded) if can_edit else set()
    prestations = accompaniment.prestations.all()
    for prestation in prestations if open_steps else ():
        # One deliverables form per prestation, with ids of its own.
        prestation.deliverable_form = bound.get(("deliverables", prestation.pk)) or (
            DeliverableForm(auto_id=f"id_livrables_{prestation.pk}_%s")
        )
    forms = _forms(accompaniment, open_steps, bound) if open_steps else {}
    steps = [
        {
            "code": code,
            "label": label,
            "done": recorded[code],
            "current": state == accompaniment.state,
        }
        for code, state, label in STEPS
    ]
    structures = accompaniment.beneficiary_structures()
    context = {
        "accompaniment": accompaniment,
        "structures": structures,
        "viewable_structures": _viewable_structures(user, accompaniment, structures),
        "can_use_list": perms.can_use_dla_pages(user),
        "prestations": prestations,
        "follow_ups": accompaniment.follow_ups.all(),
        "schedule": _schedule(accompaniment),
        "last_end": _last_end(accompaniment),
        "follow_up_notice": followups.DUE_NOTICE.days,
        "diagnostic": _one_to_one_cached(accompaniment, "diagnostic"),
        "plan": _one_to_one_cached(accompaniment, "plan"),
        "steps": steps,
        "can_edit": can_edit and not accompaniment.is_closed,
        "forms": forms,
        "provider_names": PrestationForm.provider_names() if "prestation" in forms else (),
        "history": _history(accompaniment) if perms.can_view_history(user, accompaniment) else None,
    }
    return render(request, "dla/accompaniment_detail.html", context, status=status)


@login_required
def accompaniment_detail(request, uuid):
    return _render(request, _accompaniment(request, uuid))


def _editable(request, uuid):
    accompaniment = _accompaniment(request, uuid)
    if not perms.can_edit_accompaniment(request.user, accompaniment):
        raise PermissionDenied
    return accompaniment


def _refused(form, refused):
    field = refused.field if refused.field in form.fields else None
    form.add_error(field, refused.message)


def _step(request, uuid, step, form, save, *, key=None):
    """Saves one step: ``save(accompaniment, form)`` calls its service; ``key``: where the
    bound form goes back on the page (the step by default)."""
    accompaniment = _editable(request, uuid)
    if accompaniment.is_closed:
        messages.error(request, services.CLOSED)
        return redirect(accompaniment)
    if form.is_valid():
        try:
            save(accompaniment, form)
        except services.StepRefused as refused:
            _refused(form, refused)
        else:
            messages.success(request, SAVED[step])
            return redirect(f"{accompaniment.get_absolute_url()}#etape-{step}")
    # The page is read again: a refused step rolled back, what is shown is what is stored.
    accompaniment = _accompaniment(request, uuid)
    return _render(request, accompaniment, {key or step: form}, status=400)


# Each step posted on its own: its form, and the service that saves it.
STEP_SAVERS = {
    "request": (RequestForm, services.accompaniment_update_request),
    "diagnostic": (DiagnosticForm, services.accompaniment_diagnose),
    "plan": (PlanForm, services.accompaniment_plan),
    "prestation": (PrestationForm, services.accompaniment_add_prestation),
    "follow_up": (FollowUpForm, services.accompaniment_follow_up),
    "close": (CloseForm, services.accompaniment_close),
}


@login_required
@require_POST
def step(request, uuid, step):
    form_class, service = STEP_SAVERS[step]
    return _step(
        request,
        uuid,
        step,
        # Each step's form has its step as prefix: several share field names (``days``…)
        # on one page, and each id must be unique there.
        form_class(request.POST, request.FILES, prefix=step),
        lambda a, form: service(actor=request.user, accompaniment=a, **form.service_kwargs()),
    )


@login_required
@require_POST
def step_deliverables(request, uuid, prestation):
    accompaniment = _accompaniment(request, uuid)
    target = next((p for p in accompaniment.prestations.all() if p.uuid == prestation), None)
    if target is None:
        raise Http404
    return _step(
        request,
        uuid,
        "deliverables",
        DeliverableForm(request.POST, request.FILES),
        lambda a, form: services.accompaniment_add_deliverables(
            actor=request.user, prestation=target, files=form.cleaned_data["files"]
        ),
        key=("deliverables", target.pk),
    )


@login_required
def accompaniment_request(request):
    """The quick form to log a new request (also shown on the list page)."""
    dlas = perms.request_dlas(request.user).select_related("department")
    if not perms.can_open_accompaniment(request.user):
        raise PermissionDenied
    # ``?siret=`` pre-fills the structure (a link from a structure's page).
    initial = {"structures": request.GET.get("siret", "")}
    form = RequestForm(request.POST or None, dlas=dlas, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            accompaniment = services.accompaniment_open(
                actor=request.user, dla=form.cleaned_data["dla"], **form.service_kwargs()
            )
        except services.StepRefused as refused:
            _refused(form, refused)
        else:
            messages.success(request, f"Demande enregistrée : accompagnement {accompaniment.ref}.")
            return redirect(accompaniment)
    status = 400 if form.is_bound else 200
    return render(request, "dla/request.html", {"form": form}, status=status)


@login_required
def deliverable_download(request, uuid):
    deliverable = get_object_or_404(
        Deliverable.objects.select_related("prestation__accompaniment"), uuid=uuid
    )
    if not perms.can_view_accompaniment(request.user, deliverable.prestation.accompaniment):
        raise Http404
    # Named after its sniffed type, for its uploader alone until scanned clean.
    return uploads.download(request, deliverable)
