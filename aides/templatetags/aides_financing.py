"""The financing plan's section of the dossier page (``{% financing_plan_section %}``):
its figures and checks for the reader, read-only; its editor for the applicant while they
may change the dossier is ``views.financing``."""

import copy

from django import template
from django.urls import reverse

from .. import perms
from ..services import financing_checks as checks

register = template.Library()


@register.inclusion_tag("aides/financing/_section.html", takes_context=True)
def financing_plan_section(context):
    """Reads ``dossier`` and ``request`` of the dossier page; nothing for a reader who may
    not see the plan."""
    dossier, user = context["dossier"], context["request"].user
    if not perms.can_view_financing_plan(user, dossier):
        return {"shown": False}
    staff = perms.is_dossier_staff(user, dossier)
    plan = checks.plan_of(dossier)
    reader_dossier = dossier if staff else checks.as_applicant_reads(dossier)
    if plan is not None and not staff:
        # A copy: the plan may be the one the page read for its other readers too.
        plan = checks.plan_as_applicant_reads(copy.copy(plan))
    scheme = dossier.campaign.scheme
    can_edit = perms.can_edit_financing_plan(user, dossier)
    return {
        "shown": True,
        "dossier": dossier,
        "scheme": scheme,
        "plan": plan,
        "staff": staff,
        "checks": checks.plan_checks(plan, scheme) if plan else [],
        "cap": checks.cap_wording(scheme),
        "figures": checks.plan_figures(plan) if plan else None,
        "region_source": checks.region_source(reader_dossier),
        "edit_url": reverse("aides:financing_plan", args=[dossier.uuid]) if can_edit else None,
    }


@register.filter
def public_cap(scheme):
    """« 80 % (bloquant pour l'avis d'instruction) », or ``""`` without a cap."""
    return checks.cap_wording(scheme) or ""
