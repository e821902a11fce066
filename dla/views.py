from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, Prefetch
from django.shortcuts import render
from django.urls import reverse

from iae_portal.bilans import people_csv, percent
from iae_portal.pagination import PAGE_SIZES, page_size
from iae_portal.prepared.shortcuts import prepared_response
from structures.enums import StructureKind
from structures.models import Department

from . import perms, prepared
from .bilan import dla_bilan
from .bilan_report import bilan_context, bilan_request, department_shown
from .enums import Mode, Theme
from .filters import AccompanimentFilter
from .forms_steps import RequestForm
from .models import Prestation


def _require_dla_pages(user):
    if not perms.can_use_dla_pages(user):
        raise PermissionDenied


@login_required
def accompaniment_list(request):
    _require_dla_pages(request.user)
    dlas = perms.request_dlas(request.user).select_related("department")
    prestations = Prestation.objects.select_related("provider").prefetch_related("beneficiaries")
    queryset = (
        perms.visible_accompaniments(request.user)
        .for_list()
        .prefetch_related("structures", Prefetch("prestations", queryset=prestations))
        # New requests (no prestation yet) first, on every database.
        .order_by(F("first_start").desc(nulls_first=True), "-request_date", "ref")
    )
    filterset = AccompanimentFilter(request.GET, queryset=queryset)
    page = Paginator(filterset.qs, page_size(request)).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "dla/accompaniment_list.html",
        {
            "filter": filterset,
            "page": page,
            "page_sizes": PAGE_SIZES,
            "query": query.urlencode(),
            "can_import": perms.can_import(request.user),
            "request_form": RequestForm(dlas=dlas) if dlas.exists() else None,
        },
    )


@login_required
def bilan(request):
    return render(request, "dla/bilan.html", bilan_context(request.user, request.GET))


@login_required
def bilan_pdf(request):
    """The same report as a PDF, through the letters' WeasyPrint pipeline (its fetcher reads
    ``static/`` only), prepared in the background (``dla.prepared``): the request checks
    what is asked and answers with the file's page."""
    form, year, departments = bilan_request(request.user, request.GET)
    code = department_shown(form, departments)
    query = {"year": str(year), **({"department": code} if form.cleaned_data["department"] else {})}
    title = f"Bilan DLA {year}" + (f" — {code}" if code else "") + " (PDF)"
    back = reverse("dla:bilan") + "?" + urlencode(query)
    return prepared_response(
        request, kind=prepared.BILAN_PDF, params={"query": query}, title=title, back_url=back
    )


def _figure_rows(report, department):
    """``dla_bilan``'s figures as ``(label, value)`` rows a person reads (the command keeps
    dla.md's keys); shares as percentages."""
    kinds, themes = dict(StructureKind.choices), dict(Theme.choices)
    modes = {Mode.INDIVIDUELLE: "individuelles", Mode.COLLECTIVE: "collectives"}
    rows = [("Année", report["year"])]
    if department:
        rows.append(("Département", f"{department.code} — {department.name}"))
    rows += [
        ("Prestations avec au moins une SIAE bénéficiaire", report["prestations"]),
        ("SIAE bénéficiaires", report["siae_beneficiaries"]),
        ("Bénéficiaires de toutes sortes", report["all_beneficiaries"]),
        (
            "Part des SIAE parmi les bénéficiaires (%)",
            percent(report["siae_share_of_beneficiaries"]),
        ),
    ]
    rows += [
        (f"Part des prestations {modes[mode]} (%)", percent(value))
        for mode, value in report["mode_shares"].items()
    ]
    rows += [
        (f"Part des SIAE bénéficiaires par type — {kinds[kind]} (%)", percent(value))
        for kind, value in report["siae_kind_shares"].items()
    ]
    rows += [
        (f"Thèmes des prestations {modes[mode]} — {themes[theme]} (%)", percent(value))
        for mode, shares in report["themes"].items()
        for theme, value in shares.items()
    ]
    rows.append(
        ("SIAE adhérentes d'au moins un réseau (%)", percent(report["network_affiliated_share"]))
    )
    for key, verb in (
        ("prescribed_by_network_share", "prescrites"),
        ("network_provider_share", "réalisées"),
    ):
        rows += [
            (f"Prestations {modes[mode]} {verb} par un réseau (%)", percent(value))
            for mode, value in report[key].items()
        ]
    rows += [
        ("Salariés permanents des SIAE bénéficiaires", report["permanents"]),
        ("Salariés en insertion des SIAE bénéficiaires", report["insertion_employees"]),
    ]
    return rows


@login_required
def bilan_csv(request):
    """The bilan as ``Indicateur;Valeur`` rows in French, for French Excel."""
    form, year, departments = bilan_request(request.user, request.GET)
    code = department_shown(form, departments)
    department = Department.objects.get(code=code) if code else None
    suffix = f"-{code}" if code else ""
    rows = _figure_rows(dla_bilan(year, departments=departments), department)
    return people_csv(f"bilan-dla-{year}{suffix}.csv", ["Indicateur", "Valeur"], rows)
