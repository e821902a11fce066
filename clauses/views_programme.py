"""Pages of a buyer's yearly programme of planned purchases (issue 19, part 4): the
« Programmation des achats » list and its export, a purchase's page, entering and changing
a purchase, its notification (it becomes a contract) and its abandonment."""

from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import number_format
from django.views.decorators.http import require_POST

from iae_portal import exports
from iae_portal.pagination import PAGE_SIZES, page_size
from structures import naf

from . import perms, services_programme
from .enums import Clause, PurchaseStatus, Quarter
from .forms_programme import (
    AbandonForm,
    NotifyForm,
    ProgrammeFilterForm,
    PurchaseForm,
    factor_text,
)
from .models import Lot

RELATED = ("buyer", "facilitator", "department", "marche")
FACTOR_LABELS = {
    "labour_share": "Part de main-d'œuvre",
    "insertion_rate": "Taux d'insertion",
    "hourly_cost": "Coût horaire moyen",
}


def clause_lots():
    return Lot.objects.exclude(clause=Clause.NONE)


def with_notified_hours(purchases):
    """``hours_notified`` on each purchase: the hours required by the lots with a clause of
    the contract it became (0 while it has none), as one subquery."""
    hours = (
        clause_lots()
        .filter(marche=OuterRef("marche_id"))
        .order_by()
        .values("marche")
        .annotate(total=Sum("hours_required"))
        .values("total")[:1]
    )
    return purchases.annotate(
        hours_notified=Coalesce(Subquery(hours, output_field=IntegerField()), Value(0))
    )


def _filtered(request):
    """``(form, purchases)``: the purchases the user sees, by the list's filters."""
    form = ProgrammeFilterForm(request.GET or None, user=request.user)
    chosen = form.filters()
    purchases = perms.visible_purchases(request.user)
    if chosen["year"] is not None:
        purchases = purchases.filter(year=chosen["year"])
    if chosen["buyer"] is not None:
        purchases = purchases.filter(buyer=chosen["buyer"])
    if chosen["status"]:
        purchases = purchases.filter(status=chosen["status"])
    if chosen["facilitator"] is not None:
        purchases = purchases.filter(facilitator=chosen["facilitator"])
    form.year = chosen["year"]
    return form, purchases


def _totals(purchases):
    """The list's totals and its quarters: purchases, planned hours (with a clause),
    notified hours (the lots of the contracts they became), in three queries."""
    counts = purchases.order_by().aggregate(
        purchases=Count("pk"),
        notified=Count("pk", filter=Q(status=PurchaseStatus.NOTIFIE)),
        hours_planned=Coalesce(Sum("hours_planned", filter=~Q(clause=Clause.NONE)), 0),
    )
    lots = clause_lots().filter(marche__planned_purchase__in=purchases.values("pk"))
    counts["hours_notified"] = lots.aggregate(total=Coalesce(Sum("hours_required"), 0))["total"]
    by_quarter = {
        quarter: {"purchases": count, "hours_planned": hours or 0, "hours_notified": 0}
        for quarter, count, hours in purchases.order_by()
        .values_list("launch_quarter")
        .annotate(count=Count("pk"), hours=Sum("hours_planned", filter=~Q(clause=Clause.NONE)))
    }
    for quarter, hours in (
        lots.order_by()
        .values_list("marche__planned_purchase__launch_quarter")
        .annotate(hours=Sum("hours_required"))
    ):
        by_quarter[quarter]["hours_notified"] = hours or 0
    quarters = [
        {"label": label, **by_quarter[value]}
        for value, label in Quarter.choices
        if value in by_quarter
    ]
    return counts, quarters


@login_required
def programme_list(request):
    if not perms.can_list_purchases(request.user):
        raise PermissionDenied
    form, purchases = _filtered(request)
    totals, quarters = _totals(purchases)
    rows = with_notified_hours(purchases.select_related(*RELATED)).order_by(
        "year", "launch_quarter", "buyer__name", "object", "pk"
    )
    page = Paginator(rows, page_size(request)).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "clauses/programme/list.html",
        {
            "filter": SimpleNamespace(form=form),
            "year": form.year,
            "page": page,
            "page_sizes": PAGE_SIZES,
            "query": query.urlencode(),
            "totals": totals,
            "quarters": quarters,
            "can_add": perms.can_add_purchase(request.user),
        },
    )


EXPORT_HEADERS = [
    exports.Column("Année"),
    exports.Column("Trimestre de lancement"),
    exports.Column("Acheteur"),
    exports.Column("Objet"),
    exports.Column("Type de marché"),
    exports.Column("Codes NAF"),
    exports.Column("Montant estimé HT (€)", exports.AMOUNT),
    exports.Column("Clause prévue"),
    exports.Column("Heures prévues"),
    exports.Column("Facilitateur"),
    exports.Column("Département d'exécution"),
    exports.Column("État"),
    exports.Column("Marché notifié"),
    exports.Column("Heures exigées du marché notifié"),
]


@login_required
def programme_export(request, fmt):
    """The list (its filters, every page) as CSV or XLSX."""
    if not perms.can_list_purchases(request.user):
        raise PermissionDenied
    form, purchases = _filtered(request)
    rows = [
        [
            p.year,
            p.get_launch_quarter_display(),
            p.buyer.name,
            p.object,
            p.get_type_display(),
            ", ".join(p.activity_codes or []),
            p.estimated_amount_ht,
            p.get_clause_display(),
            p.hours_planned,
            p.facilitator.name if p.facilitator else "",
            f"{p.department.code} {p.department.name}" if p.department else "",
            p.get_status_display(),
            p.marche.ref if p.marche else "",
            p.hours_notified if p.marche else "",
        ]
        for p in with_notified_hours(purchases.select_related(*RELATED)).order_by(
            "year", "launch_quarter", "buyer__name", "object", "pk"
        )
    ]
    name = f"programmation-achats-{form.year or 'toutes-annees'}.{fmt}"
    return exports.download(fmt, name, EXPORT_HEADERS, rows, sheet_title="Programmation")


def _purchase(request, uuid):
    """The purchase if the user sees it, else 404."""
    return get_object_or_404(
        perms.visible_purchases(request.user).select_related(*RELATED, "buyer"), uuid=uuid
    )


def _changeable(request, uuid):
    purchase = _purchase(request, uuid)
    if not perms.can_change_purchase(request.user, purchase):
        raise PermissionDenied
    return purchase


@login_required
def purchase_detail(request, uuid):
    purchase = _purchase(request, uuid)
    lots = []
    if purchase.marche is not None:
        lots = list(purchase.marche.lots.order_by("ref"))
    return render(
        request,
        "clauses/programme/detail.html",
        {
            "purchase": purchase,
            "codes": [naf.label(code) for code in purchase.activity_codes or ()],
            "factors": [
                (FACTOR_LABELS[name], factor_text(name, value), getattr(purchase, name) is None)
                for name, value in purchase.hours_factors().items()
            ],
            "computed": purchase.computed_hours(),
            "lots": lots,
            "hours_notified": sum(lot.hours_required for lot in lots if lot.has_clause),
            "can_view_marche": purchase.marche is not None
            and perms.can_view_marche(request.user, purchase.marche),
            "can_change": perms.can_change_purchase(request.user, purchase),
        },
    )


def _hours(purchase):
    return f"{number_format(purchase.hours_planned, force_grouping=True)}\u00a0h"


@login_required
def purchase_create(request):
    if not perms.can_add_purchase(request.user):
        raise PermissionDenied
    form = PurchaseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        purchase = services_programme.purchase_create(
            actor=request.user, **form.service_arguments()
        )
        messages.success(
            request, f"Achat prévu enregistré : {_hours(purchase)} d'insertion prévues."
        )
        return redirect("clauses:purchase_detail", uuid=purchase.uuid)
    return render(request, "clauses/programme/form.html", {"form": form, "purchase": None})


@login_required
def purchase_edit(request, uuid):
    purchase = _changeable(request, uuid)
    form = PurchaseForm(request.POST or None, user=request.user, purchase=purchase)
    if request.method == "POST" and form.is_valid():
        purchase = services_programme.purchase_update(
            actor=request.user, purchase=purchase, **form.service_arguments()
        )
        messages.success(request, f"Achat prévu modifié : {_hours(purchase)} d'insertion prévues.")
        return redirect("clauses:purchase_detail", uuid=purchase.uuid)
    return render(request, "clauses/programme/form.html", {"form": form, "purchase": purchase})


@login_required
def purchase_notify(request, uuid):
    purchase = _changeable(request, uuid)
    marches = services_programme.attachable_marches(request.user, purchase)
    form = NotifyForm(request.POST or None, purchase=purchase, marches=marches)
    if request.method == "POST" and form.is_valid():
        try:
            purchase = services_programme.purchase_notify(
                actor=request.user, purchase=purchase, **form.service_arguments()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"Achat notifié : il est devenu le marché {purchase.marche.ref}."
            )
            return redirect("clauses:purchase_detail", uuid=purchase.uuid)
    return render(
        request,
        "clauses/programme/notify.html",
        {"form": form, "purchase": purchase, "has_marches": marches.exists()},
    )


@login_required
@require_POST
def purchase_abandon(request, uuid):
    purchase = _changeable(request, uuid)
    form = AbandonForm(request.POST)
    reason = form.cleaned_data["reason"].strip() if form.is_valid() else ""
    services_programme.purchase_abandon(actor=request.user, purchase=purchase, reason=reason)
    messages.success(request, "Achat abandonné : il reste dans le programme de l'année.")
    return redirect("clauses:purchase_detail", uuid=purchase.uuid)
