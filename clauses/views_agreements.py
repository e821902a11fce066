"""Pages of the facilitators' partnership agreements (issue 19, part 5): the list, an
agreement with its quarters (objective prorated against realised hours, reviews held), its
form, a quarter's review with its minutes, the minutes' download."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from iae_portal import uploads
from iae_portal.pagination import PAGE_SIZES, page_size

from . import perms, services_agreements
from .agreement_hours import figures_of, monthly_hours
from .enums import Quarter
from .forms_agreements import AgreementForm, ReviewForm
from .models import Buyer, QuarterlyReview, ReviewMinutes


def _agreements(user):
    return (
        perms.visible_agreements(user)
        .select_related("facilitator")
        .prefetch_related(Prefetch("buyers", Buyer.objects.order_by("name")))
    )


def _agreement(request, uuid):
    return get_object_or_404(_agreements(request.user), uuid=uuid)


def current_figures(figures, today):
    """The figures of the last quarter ended by ``today`` (the first quarter before any
    has ended): where the agreement stands."""
    ended = [row for row in figures if row.has_ended(today)]
    return ended[-1] if ended else figures[0]


def quarter_label(year, quarter):
    return f"{Quarter(quarter).label} {year}"


@login_required
def agreement_list(request):
    """« Conventions de partenariat »: the agreements the user sees, where each stands at
    its last ended quarter (one query for the hours whatever the page's size)."""
    if not perms.can_list_agreements(request.user):
        raise PermissionDenied
    agreements = _agreements(request.user).annotate(
        reviews_held=Count("reviews", filter=Q(reviews__held_on__isnull=False))
    )
    page = Paginator(agreements.order_by("-start_date", "title", "pk"), page_size(request))
    page = page.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    hours = monthly_hours(rows)
    today = timezone.localdate()
    for agreement in rows:
        figures = figures_of(agreement, hours.get(agreement.pk, {}))
        agreement.current = current_figures(figures, today)
        agreement.behind = agreement.current.has_ended(today) and agreement.current.gap < 0
        agreement.quarters_ended = sum(1 for f in figures if f.has_ended(today))
    return render(
        request,
        "clauses/agreements/list.html",
        {
            "page": page,
            "rows": rows,
            "page_sizes": PAGE_SIZES,
            "query": "",
            "today": today,
            "can_add": perms.can_add_agreement(request.user),
        },
    )


def _form_page(request, form, agreement=None):
    return render(
        request,
        "clauses/agreements/form.html",
        {"form": form, "agreement": agreement},
        status=400 if form.is_bound and form.errors else 200,
    )


def _refused(form, refused):
    form.add_error(refused.field if refused.field in form.fields else None, refused.message)


@login_required
def agreement_add(request):
    if not perms.can_add_agreement(request.user):
        raise PermissionDenied
    facilitators = perms.agreement_facilitators(request.user).order_by("name")
    form = AgreementForm(request.POST or None, facilitators=facilitators)
    if request.method == "POST" and form.is_valid():
        agreement = services_agreements.agreement_create(
            actor=request.user, **form.service_kwargs()
        )
        messages.success(request, f"Convention « {agreement.title} » enregistrée.")
        return redirect("clauses:agreement", uuid=agreement.uuid)
    return _form_page(request, form)


@login_required
def agreement_edit(request, uuid):
    agreement = _agreement(request, uuid)
    if not perms.can_change_agreement(request.user, agreement):
        raise PermissionDenied
    # Whoever may change it may give it its own facilitator (perms.can_change_agreement).
    facilitators = perms.agreement_facilitators(request.user).order_by("name")
    form = AgreementForm(request.POST or None, instance=agreement, facilitators=facilitators)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services_agreements.agreement_update(
                actor=request.user, agreement=agreement, **form.service_kwargs()
            )
        except services_agreements.AgreementRefused as refused:
            _refused(form, refused)
        else:
            messages.success(request, f"Convention « {agreement.title} » modifiée.")
            return redirect("clauses:agreement", uuid=agreement.uuid)
    return _form_page(request, form, agreement)


@login_required
def agreement_detail(request, uuid):
    """An agreement and its quarters: the objective prorated to each quarter's end against
    the hours realised (``partnership``), and whether its review was held."""
    agreement = _agreement(request, uuid)
    today = timezone.localdate()
    reviews = {
        (r.year, r.quarter): r
        for r in agreement.reviews.annotate(minutes_count=Count("minutes")).order_by()
    }
    figures = figures_of(agreement)
    current = current_figures(figures, today)
    rows = [
        {
            "figures": f,
            "label": quarter_label(f.year, f.quarter),
            "review": reviews.get(f.key),
            "ended": f.has_ended(today),
            "started": f.has_started(today),
        }
        for f in figures
    ]
    return render(
        request,
        "clauses/agreements/detail.html",
        {
            "agreement": agreement,
            "rows": rows,
            "current": current,
            "behind": current.has_ended(today) and current.gap < 0,
            "today": today,
            "can_change": perms.can_change_agreement(request.user, agreement),
        },
    )


@login_required
def agreement_review(request, uuid, year, quarter):
    """A quarter's review: the agreement's hours against the realised ones for that
    quarter, the meeting (GET shows it, POST records it) and its minutes."""
    agreement = _agreement(request, uuid)
    figures = {f.key: f for f in figures_of(agreement)}
    quarter_figures = figures.get((year, quarter))
    if quarter_figures is None:  # any year or quarter outside the agreement, however large
        raise Http404
    can_change = perms.can_change_agreement(request.user, agreement)
    if request.method == "POST" and not can_change:
        raise PermissionDenied
    today = timezone.localdate()
    review = (
        QuarterlyReview.objects.filter(agreement=agreement, year=year, quarter=quarter)
        .prefetch_related(Prefetch("minutes", ReviewMinutes.objects.select_related("uploaded_by")))
        .first()
    )
    form = None
    if can_change and quarter_figures.has_started(today):
        instance = review or QuarterlyReview(agreement=agreement, year=year, quarter=quarter)
        form = ReviewForm(
            request.POST or None,
            request.FILES or None,
            instance=instance,
            start=quarter_figures.start,
            today=today,
        )
        if request.method == "POST" and form.is_valid():
            try:
                services_agreements.review_save(
                    actor=request.user,
                    agreement=agreement,
                    year=year,
                    quarter=quarter,
                    **form.service_kwargs(),
                )
            except services_agreements.AgreementRefused as refused:
                _refused(form, refused)
            else:
                messages.success(
                    request, f"Revue du {quarter_label(year, quarter).lower()} enregistrée."
                )
                return redirect(
                    "clauses:agreement_review", uuid=agreement.uuid, **_key(year, quarter)
                )
    elif request.method == "POST":
        raise Http404  # a quarter not started yet has no review to record
    keys = list(figures)
    index = keys.index((year, quarter))
    return render(
        request,
        "clauses/agreements/review.html",
        {
            "agreement": agreement,
            "figures": quarter_figures,
            "label": quarter_label(year, quarter),
            "review": review,
            "minutes": list(review.minutes.all()) if review else [],
            "form": form,
            "can_change": can_change,
            "started": quarter_figures.has_started(today),
            "ended": quarter_figures.has_ended(today),
            "previous": _key(*keys[index - 1]) if index > 0 else None,
            "next": _key(*keys[index + 1]) if index + 1 < len(keys) else None,
            "today": today,
        },
        status=400 if form is not None and form.is_bound and form.errors else 200,
    )


def _key(year, quarter):
    return {"year": year, "quarter": quarter}


def _minutes(request, uuid):
    minutes = get_object_or_404(
        ReviewMinutes.objects.select_related("review__agreement"), uuid=uuid
    )
    if not perms.can_download_minutes(request.user, minutes):
        raise Http404
    return minutes


@login_required
def review_minutes(request, uuid):
    """The minutes' file, named after its sniffed type, for its uploader alone until
    scanned clean."""
    return uploads.download(request, _minutes(request, uuid))


@login_required
@require_POST
def review_minutes_remove(request, uuid):
    minutes = _minutes(request, uuid)
    review = minutes.review
    if not perms.can_change_agreement(request.user, review.agreement):
        raise PermissionDenied
    services_agreements.minutes_remove(actor=request.user, minutes=minutes)
    messages.success(request, f"Compte rendu « {minutes.original_name} » retiré.")
    return redirect(
        "clauses:agreement_review",
        uuid=review.agreement.uuid,
        **_key(review.year, review.quarter),
    )
