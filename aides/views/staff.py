"""Pages of regional staff: the instruction queue (filters, bulk assignment, a commission's
vote, exports) and the campaigns (list, creation, dashboard)."""

import re
from collections import namedtuple

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum, Window
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from iae_portal import compiled
from iae_portal.charts import hbar_chart
from iae_portal.pagination import PAGE_SIZES, page_size
from iae_portal.prepared.shortcuts import table_export

from .. import exports, prepared, services
from ..figures import campaign_figures
from ..filters import DEPOSITED, SORTS_COUNTED_APART, QueueFilter, deposited
from ..forms.staff import BulkAssignForm, BulkVoteForm, CampaignForm
from ..models import AidScheme, Campaign, Dossier, OpinionRequest
from ..perms import (
    can_assign,
    can_manage_campaigns,
    can_view_queue,
    can_vote,
    visible_dossiers,
)
from ..services.financing import leverage


def _staff_only(request):
    if not can_view_queue(request.user):
        raise PermissionDenied


def _plural(count, word):
    return f"{count} {word}{'s' if count > 1 else ''}"


# -- The instruction queue ---------------------------------------------------------------


def _queue_queryset(user):
    return deposited(visible_dossiers(user).for_queue())


def _queue_filter(request):
    # The filter chooses and orders the page's keys only (``_queue_rows`` reads the rows):
    # no related rows to select, which each step of the queryset would copy.
    return QueueFilter(request.GET, queryset=visible_dossiers(request.user), user=request.user)


def _query_without(request, *names):
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


@login_required
def queue(request):
    _staff_only(request)
    if request.method == "POST":
        return _bulk_action(request, _queue_filter(request))
    user = request.user
    filterset = _queue_filter(request)
    page = _queue_page(
        filterset.qs.values_list("pk", flat=True),
        request,
        count_apart=filterset.order in SORTS_COUNTED_APART,
    )
    page.object_list = _queue_rows(page.object_list)
    campaign = filterset.filtered_campaign
    return render(
        request,
        "aides/staff/queue.html",
        {
            "filter": filterset,
            "page": page,
            "page_sizes": PAGE_SIZES,
            "query": _query_without(request, "page", "tout"),
            "export_query": _query_without(request, "page", "per_page", "tout"),
            "here_query": _query_without(request, "tout"),
            "select_all": request.GET.get("tout") == "1",
            "shows_closed": filterset.shows_closed,
            "selectable": can_assign(user) or can_vote(user),
            "campaign": campaign,
            "assign_form": BulkAssignForm(user=user) if can_assign(user) else None,
            "can_vote": can_vote(user),
            "vote_form": BulkVoteForm(campaign=campaign) if can_vote(user) and campaign else None,
        },
    )


# Beyond, an offset could overflow the database's integers: the paginator's way.
MAX_COUNTED_PAGE = 1_000_000


class _CountedPaginator(Paginator):
    """A paginator told its count (``count`` is a cached property: set, it is not asked)."""

    def __init__(self, object_list, per_page, count):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count


def _queue_page(keys, request, count_apart=False):
    """``Paginator(keys, page_size(request)).get_page(request.GET.get("page"))``, which
    counts the queue in a query of its own: where PostgreSQL reads the page from an index
    (``count_apart``), the first page of 9,000 open dossiers costs 4.1 ms against 7.7 (and
    22 once that index exists, which it then prefers). Otherwise the page is sorted from
    every dossier of the queue, and the count comes in the same query (``COUNT(*) OVER
    ()``): one pass over the queue instead of two. A page past the last (or a number
    below 1, or absurdly large) has no row to carry the count: the paginator's own way
    then, which answers the last page."""
    per_page = page_size(request)
    try:
        number = int(request.GET.get("page") or 1)
    except (TypeError, ValueError):
        number = 1  # as get_page: not a number, the first page
    if not count_apart and 1 <= number <= MAX_COUNTED_PAGE:
        bottom = (number - 1) * per_page
        rows = list(
            keys.annotate(queue_total=Window(Count("pk"))).values_list("pk", "queue_total")[
                bottom : bottom + per_page
            ]
        )
        if rows or number == 1:
            paginator = _CountedPaginator(keys, per_page, rows[0][1] if rows else 0)
            page = paginator.page(number)
            page.object_list = [key for key, _ in rows]
            return page
    return Paginator(keys, per_page).get_page(number)


def _queue_rows(keys):
    """The page's rows (``QueueRow``), in the page's order. The page's keys come first,
    sorted on the dossiers' own columns: joining and sorting every dossier of the queue
    with its structure, campaign and instructor costs three times as much."""
    keys = list(keys)
    rows = {values[0]: values for values in QUEUE_ROWS(keys=keys)}
    counts = opinion_counts(keys)
    return [QueueRow(*rows[key], *counts.get(key, (0, 0, 0))) for key in keys]


# What a row shows (aides_queue.queue_rows: its links, texts, labels and amounts), and no
# more: the structures', schemes' and campaigns' other columns are long texts.
QUEUE_ROW_FIELDS = (
    "uuid",
    "reference",
    "version",
    "state",
    "requested_amount",
    "proposed_amount",
    "submitted_at",
    "structure__siret",
    "structure__name",
    "structure__kind",
    "structure__department__code",
    "structure__department__name",
    "campaign__name",
    "campaign__scheme__name",
    "instructor__email",
    "instructor__first_name",
    "instructor__last_name",
)
# A row of the queue's page: its dossier's key, those values (``structure__name`` as
# ``structure_name``) and its opinion counts (``opinion_counts``). Values, not models:
# building a dossier with its structure, département, call, scheme and instructor cost four
# times as much as reading the values (2.1 ms against 0.5 a page of 25).
QueueRow = namedtuple(
    "QueueRow",
    [
        "pk",
        *(name.replace("__", "_") for name in QUEUE_ROW_FIELDS),
        "opinions_asked",
        "opinions_answered",
        "opinions_late",
    ],
)


# A page's rows and their opinion requests, the page's keys one array on PostgreSQL: their
# SQL compiled once.
QUEUE_ROWS = compiled.Statement(
    lambda keys: (
        Dossier.objects.filter(pk__any=keys).order_by().values_list("pk", *QUEUE_ROW_FIELDS)
    )
)
OPINION_REQUESTS = compiled.Statement(
    lambda keys: (
        OpinionRequest.objects.filter(dossier_id__any=keys, withdrawn_at__isnull=True)
        .order_by()
        .values_list("dossier", "answered_at", "due_on")
    )
)


def opinion_counts(keys, today=None):
    """The queue's « Avis » column of the dossiers ``keys``: ``{key: (asked, answered,
    late)}`` — the partners asked (requests not withdrawn), those who answered, those late
    (not answered and past due). One query of the page's few requests, counted here: three
    subqueries a row cost more to write than to run."""
    today = today or timezone.localdate()
    counts = {}
    for key, answered_at, due_on in OPINION_REQUESTS(keys=list(keys)):
        asked, answered, late = counts.get(key, (0, 0, 0))
        counts[key] = (
            asked + 1,
            answered + (answered_at is not None),
            late + (answered_at is None and due_on < today),
        )
    return counts


def _bulk_action(request, filterset):
    """Assign or vote the ticked dossiers, then back to the same filtered queue."""
    user, action = request.user, request.POST.get("action")
    if action == "assign":
        if not can_assign(user):
            raise PermissionDenied
        form, handle = BulkAssignForm(request.POST, user=user), _assign
    elif action == "vote":
        if not can_vote(user):
            raise PermissionDenied
        form, handle = BulkVoteForm(request.POST, campaign=filterset.filtered_campaign), _vote
    else:
        return HttpResponseBadRequest("Action inconnue.")
    if form.is_valid():
        handle(request, form, _selected(request, form.cleaned_data["dossier"]))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    back = _query_without(request, "tout")
    return redirect(reverse("aides:queue") + (f"?{back}" if back else ""))


def _selected(request, selection):
    """``[(dossier, version seen)]`` of the ticked dossiers still in the user's queue."""
    found = _queue_queryset(request.user).in_bulk([key for key, _ in selection], field_name="uuid")
    missing = len(selection) - len(found)
    if missing:
        messages.error(
            request, f"Dossiers cochés introuvables ou hors de votre périmètre : {missing}."
        )
    items = [(found[key], version) for key, version in selection if key in found]
    return sorted(items, key=lambda item: item[0].reference)


def _assign(request, form, items):
    instructor = form.cleaned_data["instructor"]
    try:
        count = services.dossiers_assign(
            actor=request.user, dossiers=[dossier for dossier, _ in items], instructor=instructor
        )
    except services.TransitionRefused as error:
        messages.error(request, str(error))
        return
    if count:
        messages.success(
            request,
            f"{_plural(count, 'dossier')} assigné{'s' if count > 1 else ''} à {instructor}.",
        )
    if len(items) > count:
        messages.info(
            request, f"Déjà assigné à {instructor} : {_plural(len(items) - count, 'dossier')}."
        )


def _vote(request, form, items):
    commission = form.cleaned_data["commission"]
    number = form.cleaned_data["deliberation_number"]
    voted, failures = services.dossiers_vote(
        actor=request.user, items=items, commission=commission, deliberation_number=number
    )
    if voted:
        messages.success(
            request,
            f"Vote enregistré pour {_plural(len(voted), 'dossier')} ({commission}, "
            f"délibération {number}).",
        )
    for dossier, message in failures:
        messages.error(request, f"Dossier {dossier.reference} non voté : {message}")


@login_required
def queue_export(request, fmt):
    """The filtered queue, every page, as ``csv`` or ``xlsx`` (see ``exports``): written
    during the request up to ``IAE_EXPORT_IMMEDIATE_ROWS`` dossiers, prepared in the
    background beyond (``prepared``)."""
    _staff_only(request)
    return table_export(
        request,
        fmt,
        table=exports,
        queryset=exports.queue_queryset(request.user, request.GET),
        kind=prepared.QUEUE_EXPORT,
        query=_query_without(request, "page", "per_page", "tout"),
        title="Export de la file d'instruction",
        list_url=reverse("aides:queue"),
    )


# -- Campaigns ---------------------------------------------------------------------------


@login_required
def campaign_list(request):
    _staff_only(request)
    counted = Q(dossiers__in=visible_dossiers(request.user), dossiers__state__in=DEPOSITED)
    # An aggregate drops Meta.ordering: the order is said again.
    campaigns = (
        Campaign.objects.select_related("scheme")
        .annotate(
            dossier_count=Count("dossiers", filter=counted),
            voted_total=Sum("dossiers__voted_amount", filter=counted),
        )
        .order_by("-opens_on", "name", "pk")
    )
    page = Paginator(campaigns, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "aides/staff/campaign_list.html",
        {
            "page": page,
            "today": timezone.localdate(),
            "can_create": can_manage_campaigns(request.user),
        },
    )


@login_required
def campaign_create(request):
    if not can_manage_campaigns(request.user):
        raise PermissionDenied
    form = CampaignForm(request.POST or None, initial=_chosen_scheme(request.GET))
    if request.method == "POST" and form.is_valid():
        campaign = services.campaign_create(
            actor=request.user,
            data=form.campaign_data(),
            commission_dates=form.commission_dates(),
        )
        messages.success(request, f"L'appel à candidatures « {campaign} » a été créé.")
        return redirect(campaign)
    return render(request, "aides/staff/campaign_form.html", {"form": form})


SLUG = re.compile(r"[-a-zA-Z0-9_]{1,64}")


def _chosen_scheme(query):
    """``?dispositif=<code>`` (the link of a scheme's page) preselects that scheme; anything
    else, malformed included, preselects nothing."""
    code = query.get("dispositif", "")
    if not SLUG.fullmatch(code):
        return {}
    # The form's scheme field is keyed by code (``to_field_name``).
    return {"scheme": code} if AidScheme.objects.filter(code=code).exists() else {}


@login_required
def campaign_dashboard(request, uuid):
    _staff_only(request)
    campaign = get_object_or_404(Campaign.objects.select_related("scheme"), uuid=uuid)
    dossiers = visible_dossiers(request.user).filter(campaign=campaign)
    figures = campaign_figures(campaign, dossiers)
    amounts = figures["amounts"]
    in_commission = Q(dossiers__in=dossiers)
    commissions = campaign.commissions.annotate(
        dossier_count=Count("dossiers", filter=in_commission),
        voted_total=Sum("dossiers__voted_amount", filter=in_commission),
    ).order_by("date")
    leverage_rows, leverage_total = leverage(dossiers)
    return render(
        request,
        "aides/staff/campaign_dashboard.html",
        {
            "campaign": campaign,
            "figures": figures,
            "commissions": commissions,
            "leverage_rows": leverage_rows,
            "leverage_total": leverage_total,
            "state_chart": hbar_chart(
                [(label, count) for _, label, count in figures["states"]],
                label="Nombre de dossiers par état",
            ),
            "amount_chart": hbar_chart(
                [
                    ("Enveloppe", figures["envelope"]),
                    ("Demandé", amounts["requested"]),
                    ("Proposé", amounts["proposed"]),
                    ("Voté", amounts["voted"]),
                    ("Payé", amounts["paid"]),
                ],
                label="Montants face à l'enveloppe (€)",
                unit=" €",
                reference_first=True,
            ),
            "today": timezone.localdate(),
        },
    )
