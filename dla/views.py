from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from iae_portal.bilans import people_csv, percent
from iae_portal.charts import hbar_chart
from iae_portal.pagination import PAGE_SIZES, page_size
from iae_portal.pdf import html_to_pdf, long_date
from structures.enums import StructureKind
from structures.models import Department

from . import perms
from .bilan import dla_bilan
from .enums import Mode, Theme
from .filters import AccompanimentFilter
from .forms import BilanForm
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


def _bilan_request(request):
    """``(form, year, departments)`` of the bilan asked, within what the user may read."""
    _require_dla_pages(request.user)
    allowed = perms.visible_departments(request.user)
    prestations = Prestation.objects.filter(
        accompaniment__in=perms.visible_accompaniments(request.user)
    )
    with_data = {day.year for day in prestations.dates("start_date", "year")}
    current = timezone.localdate().year
    years = sorted(with_data | {current}, reverse=True)
    departments = Department.objects.filter(dla__isnull=False).order_by("code")
    if allowed is not None:
        departments = departments.filter(code__in=allowed)
    choices = [(d.code, f"{d.code} — {d.name}") for d in departments]
    data = request.GET.copy()
    data.setdefault("year", str(max(with_data, default=current)))
    form = BilanForm(data, years=years, departments=choices)
    if not form.is_valid():
        raise Http404
    chosen = form.cleaned_data["department"]
    selected = [chosen] if chosen else allowed
    return form, form.cleaned_data["year"], selected


def _percent_chart(shares, labels, *, label):
    points = [(labels.get(key, key), value * 100) for key, value in shares.items()]
    return hbar_chart(points, label=label, unit=" %") if points else None


def _department_shown(form, departments):
    """The code of the département the bilan is of: the one chosen, or the only one the
    user may read (a chargé of one DLA); empty for several."""
    chosen = form.cleaned_data["department"]
    if chosen:
        return chosen
    return departments[0] if departments and len(departments) == 1 else ""


def _bilan_context(request):
    form, year, departments = _bilan_request(request)
    report = dla_bilan(year, departments=departments)
    kinds = dict(StructureKind.choices)
    themes = dict(Theme.choices)
    query = request.GET.copy()
    query["year"] = year
    return {
        "form": form,
        "bilan": report,
        "query": query.urlencode(),
        "department": _department_shown(form, departments),
        "kind_rows": [(kinds[k], v) for k, v in report["siae_kind_shares"].items()],
        "theme_rows": [
            (label, [(themes[t], v) for t, v in report["themes"][mode].items()])
            for mode, label in Mode.choices
        ],
        # Kinds by their codes (ACI, EI…): the full names are in the table below the chart.
        "kind_chart": _percent_chart(
            report["siae_kind_shares"], {}, label="SIAE bénéficiaires par type"
        ),
        "theme_charts": [
            (
                mode,
                _percent_chart(
                    report["themes"][mode],
                    themes,
                    label=f"Thèmes des prestations, mode {label.lower()}",
                ),
            )
            for mode, label in Mode.choices
        ],
        "network_chart": _percent_chart(
            _network_shares(report),
            {},
            label="Réseaux de l'IAE : SIAE adhérentes, prestations prescrites et réalisées",
        ),
    }


def _network_shares(report):
    prescribed, provided = report["prescribed_by_network_share"], report["network_provider_share"]
    return {
        "SIAE adhérentes": report["network_affiliated_share"],
        "Prescrites, indiv.": prescribed[Mode.INDIVIDUELLE],
        "Prescrites, coll.": prescribed[Mode.COLLECTIVE],
        "Réalisées, indiv.": provided[Mode.INDIVIDUELLE],
        "Réalisées, coll.": provided[Mode.COLLECTIVE],
    }


@login_required
def bilan(request):
    return render(request, "dla/bilan.html", _bilan_context(request))


@login_required
def bilan_pdf(request):
    """The same report as a PDF, through the letters' WeasyPrint pipeline (its fetcher reads
    ``static/`` only)."""
    context = _bilan_context(request)
    context["council"] = settings.PORTAL_COUNCIL_NAME
    context["today"] = long_date(timezone.localdate())
    pdf = html_to_pdf(render_to_string("dla/bilan_pdf.html", context))
    year = context["bilan"]["year"]
    suffix = f"-{context['department']}" if context["department"] else ""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bilan-dla-{year}{suffix}.pdf"'
    return response


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
    form, year, departments = _bilan_request(request)
    code = _department_shown(form, departments)
    department = Department.objects.get(code=code) if code else None
    suffix = f"-{code}" if code else ""
    rows = _figure_rows(dla_bilan(year, departments=departments), department)
    return people_csv(f"bilan-dla-{year}{suffix}.csv", ["Indicateur", "Valeur"], rows)
