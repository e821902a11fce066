"""Pages of the clauses matching (issue 19, parts 2 and 3): a reserved lot's ranked
candidates, its shortlist and their export, its NAF codes; the directors' « Marchés à
saisir », a lot's offer page, « intéressé », the daily e-mail's switch."""

from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from iae_portal import exports
from iae_portal.pagination import PAGE_SIZES, page_size
from iae_portal.params import int_param
from structures import naf
from structures import perms as structure_perms
from structures.models import Department

from . import perms, querysets, services_offers
from .forms import CandidatesForm
from .forms_offers import LotCodesForm, StructureChoiceForm, SubscriptionForm
from .models import Lot, LotInterest, OfferSubscription, ShortlistEntry
from .ranking import rank_for

LOT_RELATED = ("marche__buyer", "marche__department__region", "facilitator")
SHORTLIST_ACTIONS = [("ajouter", "Ajouter"), ("retirer", "Retirer")]
INTEREST_ACTIONS = [("interesse", "Je suis intéressé"), ("retirer", "Retirer")]


def _lot(uuid):
    return get_object_or_404(Lot.objects.select_related(*LOT_RELATED), uuid=uuid)


def _eligible(request, lot, departments, form):
    """The structures able to answer ``lot`` that the user may see, by the form's filters."""
    return querysets.able_to_answer(
        structure_perms.visible_structures(request.user),
        lot,
        departments=departments,
        **form.filters(),
    )


def _interests(lot):
    return list(
        LotInterest.objects.filter(lot=lot, withdrawn_at=None)
        .select_related("structure__department", "user")
        .order_by("created_at", "pk")
    )


@login_required
def lot_candidates(request, uuid):
    """The SIAE able to answer a reserved lot, ranked by ``clauses.matching`` with the
    reasons of each place, the shortlist and who said « intéressé »."""
    lot = _lot(uuid)
    if not perms.can_view_candidates(request.user, lot):
        raise Http404
    departments = lot.execution_departments()
    form = CandidatesForm(request.GET, lot=lot, departments=departments)
    structures = _eligible(request, lot, departments, form)
    ranked = rank_for(lot, structures, departments=departments)
    page = Paginator(ranked, page_size(request)).get_page(request.GET.get("page"))
    shortlisted = set(ShortlistEntry.objects.filter(lot=lot).values_list("structure_id", flat=True))
    interested = {i.structure_id for i in _interests(lot)}
    names = dict(
        Department.objects.filter(
            code__in={row.candidate.department for row in page.object_list}
        ).values_list("code", "name")
    )
    for row in page.object_list:
        row.department_name = names.get(row.candidate.department, "")
        row.shortlisted = row.candidate.key in shortlisted
        row.interested = row.candidate.key in interested
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "clauses/lot_candidates.html",
        {
            "lot": lot,
            "codes": [naf.label(code) for code in lot.activity_codes or ()],
            "departments": departments,
            "filter": SimpleNamespace(form=form, is_bound=form.is_bound, errors=form.errors),
            "page": page,
            "page_sizes": PAGE_SIZES,
            "query": query.urlencode(),
            "shortlist": list(
                ShortlistEntry.objects.filter(lot=lot)
                .select_related("structure__department")
                .order_by("added_at", "pk")
            ),
            "interests": _interests(lot),
            "can_set_codes": perms.can_set_lot_codes(request.user, lot),
            "can_shortlist": perms.can_shortlist(request.user, lot),
        },
    )


@login_required
@require_POST
def lot_shortlist(request, uuid):
    """Add a candidate to the lot's shortlist, or remove it."""
    lot = _lot(uuid)
    if not perms.can_view_candidates(request.user, lot):
        raise Http404
    if not perms.can_shortlist(request.user, lot):
        raise PermissionDenied
    siret = str(request.POST.get("siret", ""))[:20]
    if not siret.isdigit():  # a NUL byte never reaches PostgreSQL: « Structure inconnue »
        siret = ""
    candidates = list(
        querysets.able_to_answer(
            structure_perms.visible_structures(request.user).filter(siret=siret),
            lot,
            territory=querysets.Territory.ALL,
        )
    )
    form = StructureChoiceForm(request.POST, structures=candidates, actions=SHORTLIST_ACTIONS)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("clauses:lot_candidates", uuid=lot.uuid)
    structure = form.structure
    if form.cleaned_data["action"] == "ajouter":
        services_offers.shortlist_add(actor=request.user, lot=lot, structure=structure)
        messages.success(request, f"{structure.name} ajoutée à la présélection.")
    else:
        services_offers.shortlist_remove(actor=request.user, lot=lot, structure=structure)
        messages.success(request, f"{structure.name} retirée de la présélection.")
    return redirect("clauses:lot_candidates", uuid=lot.uuid)


EXPORT_HEADERS = [
    "Rang",
    "Score",
    "SIRET",
    "Raison sociale",
    "Département",
    "Activités (codes NAF)",
    "Raisons",
    "Présélectionnée",
    "Intéressée",
]


@login_required
def lot_candidates_export(request, uuid, fmt):
    """The ranking (``?liste=classement``) or the shortlist (default) as CSV or XLSX."""
    lot = _lot(uuid)
    if not perms.can_view_candidates(request.user, lot):
        raise Http404
    departments = lot.execution_departments()
    form = CandidatesForm(request.GET, lot=lot, departments=departments)
    ranked = rank_for(lot, _eligible(request, lot, departments, form), departments=departments)
    shortlisted = set(ShortlistEntry.objects.filter(lot=lot).values_list("structure_id", flat=True))
    interested = {i.structure_id for i in _interests(lot)}
    whole = request.GET.get("liste") == "classement"
    rows = [
        [
            row.position,
            row.score,
            row.candidate.siret,
            row.candidate.name,
            row.candidate.department,
            ", ".join(row.candidate.codes),
            " · ".join(row.reasons),
            "oui" if row.candidate.key in shortlisted else "non",
            "oui" if row.candidate.key in interested else "non",
        ]
        for row in ranked
        if whole or row.candidate.key in shortlisted
    ]
    kind = "classement" if whole else "preselection"
    name = f"siae-{kind}-{lot.marche.ref}-{lot.ref}.{fmt}".replace("/", "-").replace(" ", "-")
    return exports.download(fmt, name, EXPORT_HEADERS, rows, sheet_title="SIAE")


@login_required
def lot_codes(request, uuid):
    """Staff give a lot the NAF codes of its work."""
    lot = _lot(uuid)
    if not perms.visible_lots(request.user).filter(pk=lot.pk).exists():
        raise Http404
    if not perms.can_set_lot_codes(request.user, lot):
        raise PermissionDenied
    form = LotCodesForm(request.POST or None, initial={"codes": lot.activity_codes or []})
    if request.method == "POST" and form.is_valid():
        was_offered = lot.offered_at is not None
        lot = services_offers.lot_set_codes(
            actor=request.user, lot=lot, codes=form.cleaned_data["codes"]
        )
        text = f"Codes NAF du lot {lot.ref} enregistrés."
        if lot.offered_at and not was_offered:
            text += (
                " Le lot est proposé aux SIAE dont les activités et le territoire correspondent."
            )
        messages.success(request, text)
        return redirect("clauses:detail", uuid=lot.marche.uuid)
    return render(request, "clauses/offers/lot_codes.html", {"lot": lot, "form": form})


@login_required
def offers(request):
    """« Marchés à saisir »: the offered lots matching the structures the user directs."""
    if not perms.can_list_offers(request.user):
        raise PermissionDenied
    found = perms.offers_for(request.user)
    interests = set(
        LotInterest.objects.filter(
            lot__in=[lot for lot, _ in found], withdrawn_at=None
        ).values_list("lot_id", "structure_id")
    )
    rows = [
        {
            "lot": lot,
            "codes": [naf.label(code) for code in lot.activity_codes],
            "structures": [
                {"structure": s, "interested": (lot.pk, s.pk) in interests} for s in matched
            ],
        }
        for lot, matched in found
    ]
    subscription = OfferSubscription.objects.filter(user=request.user).first()
    page = Paginator(rows, page_size(request)).get_page(request.GET.get("page"))
    return render(
        request,
        "clauses/offers/list.html",
        {
            "page": page,
            "per_page": page.paginator.per_page
            if page.paginator.per_page != PAGE_SIZES[0]
            else None,
            "page_sizes": PAGE_SIZES,
            "query": "",
            "digest_enabled": subscription is None or subscription.enabled,
            "has_structures": bool(perms.directed_structures(request.user)),
        },
    )


@login_required
def offer_detail(request, uuid):
    """An offered lot as the SIAE see it, with « Je suis intéressé » for each matching
    structure of the user's; the lot's facilitator and staff see who is interested."""
    lot = _lot(uuid)
    if not perms.can_view_offer(request.user, lot):
        raise Http404
    mine = perms.offer_structures(request.user, lot)
    interests = _interests(lot)
    interested = {i.structure_id for i in interests}
    return render(
        request,
        "clauses/offers/detail.html",
        {
            "lot": lot,
            "codes": [naf.label(code) for code in lot.activity_codes],
            "departments": lot.execution_departments(),
            "mine": [{"structure": s, "interested": s.pk in interested} for s in mine],
            "interests": interests if perms.can_view_interests(request.user, lot) else None,
        },
    )


@login_required
@require_POST
def offer_interest(request, uuid):
    lot = _lot(uuid)
    if not perms.can_view_offer(request.user, lot):
        raise Http404
    form = StructureChoiceForm(
        request.POST, structures=perms.offer_structures(request.user, lot), actions=INTEREST_ACTIONS
    )
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("clauses:offer_detail", uuid=lot.uuid)
    structure = form.structure
    if form.cleaned_data["action"] == "interesse":
        services_offers.interest_declare(actor=request.user, lot=lot, structure=structure)
        messages.success(
            request,
            f"Intérêt de {structure.name} enregistré : le facilitateur du lot et le service "
            "des marchés le voient.",
        )
    else:
        services_offers.interest_withdraw(actor=request.user, lot=lot, structure=structure)
        messages.success(request, f"Intérêt de {structure.name} retiré.")
    if request.POST.get("retour") == "liste":
        return redirect(_offers_page(request.POST))
    return redirect("clauses:offer_detail", uuid=lot.uuid)


def _offers_page(data):
    """« Marchés à saisir » at the page (and page size) the form was sent from."""
    query = QueryDict(mutable=True)
    number = int_param(str(data.get("page", "")))
    if number and number > 1:
        query["page"] = number
    size = int_param(str(data.get("per_page", "")))
    if size in PAGE_SIZES and size != PAGE_SIZES[0]:
        query["per_page"] = size
    url = reverse("clauses:offers")
    return f"{url}?{query.urlencode()}" if query else url


@login_required
@require_POST
def offer_subscription(request):
    if not perms.can_list_offers(request.user):
        raise PermissionDenied
    form = SubscriptionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choix inconnu.")
        return redirect("clauses:offers")
    enabled = form.cleaned_data["enabled"]
    services_offers.subscription_set(actor=request.user, enabled=enabled)
    messages.success(
        request,
        "Vous recevrez un e-mail par jour au plus quand un nouveau lot correspond à votre "
        "structure."
        if enabled
        else "Vous ne recevrez plus d'e-mail des nouveaux lots à saisir.",
    )
    return redirect("clauses:offers")
