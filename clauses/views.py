from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from iae_portal.pagination import PAGE_SIZES, page_size

from . import perms, querysets, reporting, services
from .enums import RESERVED_TO, Modality
from .filters import MarcheFilter
from .forms import HoursFormSet, LotHoursForm, PeriodForm
from .models import HoursReport, Lot, Marche


@login_required
def marche_list(request):
    if not perms.can_list_marches(request.user):
        raise PermissionDenied
    facilitator_ids = perms.followed_facilitator_ids(request.user)
    today = timezone.localdate()
    filterset = MarcheFilter(
        request.GET,
        queryset=querysets.for_list(perms.visible_marches(request.user), facilitator_ids),
        facilitator_ids=facilitator_ids,
        today=today,
    )
    page = Paginator(filterset.qs, page_size(request)).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    lots = Lot.objects.filter(marche__in=[m.pk for m in rows])
    if facilitator_ids is not None:
        lots = lots.filter(facilitator_id__in=facilitator_ids)
    gaps = reporting.gaps_of(lots, today).values()
    behind = {g.lot.marche_id for g in gaps if g.late}
    missing = {g.lot.marche_id for g in gaps if g.missing}
    for marche in rows:
        marche.is_behind = marche.pk in behind
        marche.has_missing = marche.pk in missing
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "clauses/marche_list.html",
        {
            "filter": filterset,
            "page": page,
            "rows": rows,
            "page_sizes": PAGE_SIZES,
            "query": query.urlencode(),
            "can_import": perms.can_import(request.user),
            "can_view_bilan": perms.can_view_bilan(request.user),
        },
    )


def _marche_or_404(request, uuid):
    marche = get_object_or_404(Marche.objects.select_related("buyer", "department"), uuid=uuid)
    if not perms.can_view_marche(request.user, marche):
        raise Http404
    return marche


@login_required
def marche_detail(request, uuid):
    """A contract and the lots the user may see, each with its progress: the execution
    period is ``rules.execution_period`` (notification date + 12 months, the model having no
    execution dates); for a followed lot, its missing months and an alert when it is late
    (``gaps``: the buyer's view of its contract)."""
    marche = _marche_or_404(request, uuid)
    today = timezone.localdate()
    lots = querysets.with_realised(
        perms.visible_lots(request.user).filter(marche=marche).select_related("facilitator")
    ).order_by("ref")
    gaps = reporting.gaps_of(lots, today, flagged_only=False)
    followed = set(
        perms.followed_lots(request.user).filter(marche=marche).values_list("pk", flat=True)
    )
    can_edit_hours = perms.can_import(request.user)
    rows = []
    for lot in lots:
        lot.marche = marche
        rows.append(
            {
                "lot": lot,
                "progress": lot.progress(lot.hours_realised, today),
                "gaps": gaps.get(lot.pk),
                "can_report": lot.has_clause and lot.pk in followed,
                "is_reserved": lot.clause in RESERVED_TO,
                "can_edit_hours": can_edit_hours and lot.has_clause,
                "by_modality": [],
                "reports": [],
            }
        )
    by_lot = {row["lot"].pk: row for row in rows}
    totals = (
        HoursReport.objects.filter(lot__in=list(by_lot))
        .values_list("lot_id", "modality")
        .annotate(Sum("hours"))
        .order_by("lot_id", "modality")
    )
    labels = dict(Modality.choices)
    for lot_id, modality, total in totals:
        by_lot[lot_id]["by_modality"].append((labels[modality], total))
    # Participant references only on the lots the user follows (perms.can_view_participants).
    for report in (
        HoursReport.objects.filter(lot__in=followed & set(by_lot))
        .select_related("siae")
        .order_by("-period", "participant_ref")
    ):
        by_lot[report.lot_id]["reports"].append(report)
    start, end = rows[0]["lot"].execution_period() if rows else (None, None)
    amount, amount_from_lots = marche.amount_shown()
    return render(
        request,
        "clauses/marche_detail.html",
        {
            "marche": marche,
            "amount": amount,
            "amount_from_lots": amount_from_lots,
            "rows": rows,
            "start": start,
            "end": end,
            "today": today,
            "tolerance": reporting.late_tolerance(),
        },
    )


@login_required
def report_hours(request, uuid):
    lot = get_object_or_404(Lot.objects.select_related("marche__buyer", "facilitator"), uuid=uuid)
    if not perms.can_report_hours(request.user, lot):
        raise Http404
    data = request.POST if request.method == "POST" else None
    period_form = PeriodForm(data, initial={"period": request.GET.get("mois", "")})
    formset = HoursFormSet(data, prefix="lines")
    if data is not None and period_form.is_valid() and formset.is_valid():
        result = services.hours_report(
            actor=request.user,
            lot=lot,
            period=period_form.cleaned_data["period"],
            lines=formset.lines,
        )
        messages.success(request, f"Heures enregistrées : {result.summary}.")
        return redirect("clauses:detail", uuid=lot.marche.uuid)
    return render(
        request,
        "clauses/report_hours.html",
        {"lot": lot, "period_form": period_form, "formset": formset},
    )


@login_required
def lot_hours(request, uuid):
    """The clause officer computes or types the hours a lot requires."""
    lot = get_object_or_404(Lot.objects.select_related("marche__buyer"), uuid=uuid)
    if not perms.visible_lots(request.user).filter(pk=lot.pk).exists():
        raise Http404
    if not perms.can_edit_lot_hours(request.user, lot):
        raise PermissionDenied
    form = LotHoursForm(request.POST or None, lot=lot)
    if request.method == "POST" and form.is_valid():
        lot = services.lot_set_hours(actor=request.user, lot=lot, **form.service_arguments())
        messages.success(request, f"Heures exigées du lot {lot.ref} : {lot.hours_required} h.")
        return redirect("clauses:detail", uuid=lot.marche.uuid)
    return render(request, "clauses/lot_hours.html", {"lot": lot, "form": form})
