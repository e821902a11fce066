"""The director's financing plan page: the project's cost and its funders, with the
region's part read-only and the plan's checks; staff read it on the dossier page
(``templatetags/aides_financing``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from .. import perms
from ..forms.financing import PlanForm, line_formset
from ..services import financing
from ..services import financing_checks as checks
from ..services.dossiers import DossierChanged, TransitionRefused
from .dossiers import dossier_or_404


@login_required
def plan_edit(request, uuid):
    """While the applicant may change the dossier (draft, correction requested)."""
    dossier = dossier_or_404(request, uuid)
    if not perms.can_edit_financing_plan(request.user, dossier):
        raise PermissionDenied
    plan = checks.plan_of(dossier)
    if plan is not None:
        plan = checks.plan_as_applicant_reads(plan)
    seen_as = checks.as_applicant_reads(dossier)
    here = reverse("aides:financing_plan", args=[dossier.uuid])
    if request.method == "POST":
        adding = "add_line" in request.POST
        head = PlanForm(request.POST)
        lines = line_formset(dossier, request.POST, request.FILES, adding=adding)
        if not adding and head.is_valid() and lines.is_valid():
            kept = lines.kept()
            try:
                financing.financing_plan_save(
                    actor=request.user,
                    dossier=dossier,
                    total_cost=head.cleaned_data["total_cost"],
                    lines=[form.line() for form in kept],
                    seen=head.cleaned_data["seen"],
                )
            except ValidationError as error:
                kept[error.line_index].add_error("upload", error)
            except DossierChanged as error:
                head.add_error(None, error.message)
            except TransitionRefused as error:
                head.add_error(None, str(error))
            else:
                messages.success(request, "Plan de financement enregistré.")
                return redirect(f"{here}#verifications")
    else:
        head = PlanForm(
            initial={
                "total_cost": plan.total_cost if plan else None,
                "seen": plan.updated_at.isoformat() if plan else "",
            }
        )
        lines = line_formset(dossier, plan=plan)
    scheme = dossier.campaign.scheme
    return render(
        request,
        "aides/financing/plan_edit.html",
        {
            "dossier": dossier,
            "scheme": scheme,
            "plan": plan,
            "head": head,
            "lines": lines,
            "checks": checks.plan_checks(plan, scheme) if plan else [],
            "cap": checks.cap_wording(scheme),
            "figures": checks.plan_figures(plan) if plan else None,
            "region_amount": plan.region_amount() if plan else checks.region_part(seen_as),
            "region_source": checks.region_source(seen_as),
            "staff": False,
        },
        status=400 if request.method == "POST" and not adding else 200,
    )
