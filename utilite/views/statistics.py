"""What staff see of social utility (``/utilite-sociale/statistiques/``): per year and group
(a département of the reader's territory or their région × a kind or all), the medians and
quartiles of every indicator and axis, pooled rates and totals (the bilan's statistics,
``utilite.presenters``), their evolution over the years, the missing reports with their
reminder, and the exports (CSV for French Excel, XLSX) through ``iae_portal.exports``.

Who reads which groups is ``perms.statistics_scope``'s: staff their territory's, members
their structures' groups only (no list of structures), others nothing. A query naming a
département beyond the reader's territory is a 404; any other bad value (an unknown year,
kind or code, a NUL byte) is the form's French error, answered with a 400.
"""

import re
from decimal import Decimal
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from iae_portal.exports import NUMBER, Column, download
from structures.enums import StructureKind
from structures.models import Department, Region, Structure

from .. import computations, perms, presenters
from ..indicators import AXES, AXES_BY_CODE, BOOL, COMPUTED, INDICATORS, SHARE
from ..reminders import remind_missing_report

ALL = presenters.ALL
DEPARTMENT_CODE = re.compile(r"[0-9AB]{2,3}")
DEFAULT_CODE = "exit_rate_dynamic"


def _code_choices():
    return [
        ("Chiffres déclarés", [(i.code, i.label) for i in INDICATORS]),
        ("Parts calculées", [(c.code, c.label) for c in COMPUTED]),
        ("Axes de la grille d'auto-évaluation", [(a.code, a.label) for a in AXES]),
    ]


class StatisticsForm(forms.Form):
    year = forms.TypedChoiceField(label="Année", coerce=int)
    department = forms.ChoiceField(label="Territoire", required=False)
    kind = forms.ChoiceField(label="Type de structure", required=False)
    code = forms.ChoiceField(label="Évolution de", required=False)

    def __init__(self, data, *, years, departments, region_label, kinds):
        super().__init__(data)
        self.fields["year"].choices = [(year, str(year)) for year in years]
        self.fields["department"].choices = [("", region_label), *departments]
        labels = dict(StructureKind.choices)
        self.fields["kind"].choices = [
            (ALL, "Tous les types de SIAE"),
            *[(kind, f"{kind} — {labels.get(kind, kind)}") for kind in kinds],
        ]
        self.fields["code"].choices = _code_choices()


def region_label(scope):
    if scope.region is None:
        return "Toutes les structures du portail"
    names = Region.objects.filter(departments__code__in=list(scope.region)).distinct()
    return "Région " + ", ".join(sorted(region.name for region in names))


def statistics_request(user, query):
    """``(scope, form)`` of the statistics asked in ``query`` within what ``user`` reads:
    403 for those who read none, 404 for a département beyond their territory; a form
    with errors for any other bad value."""
    scope = perms.statistics_scope(user)
    if scope is None:
        raise PermissionDenied
    departments = presenters.territory_choices(scope.departments)
    years, latest = presenters.report_years(scope.region)
    chosen = query.get("department", "")
    # A known département beyond the reader's territory: not theirs to know of.
    if (
        chosen
        and chosen not in {code for code, _ in departments}
        and DEPARTMENT_CODE.fullmatch(chosen)
        and Department.objects.filter(code=chosen).exists()
    ):
        raise Http404
    data = {
        "year": str(latest),
        "department": "",
        "kind": ALL,
        "code": DEFAULT_CODE,
        **{key: query.get(key) for key in ("year", "department", "kind", "code") if key in query},
    }
    form = StatisticsForm(
        data,
        years=years,
        departments=departments,
        region_label=region_label(scope),
        kinds=scope.kinds or presenters.KINDS,
    )
    return scope, form


def _choice(form):
    data = form.cleaned_data
    return (
        data["year"],
        data["department"] or None,
        data["kind"] or ALL,
        data["code"] or DEFAULT_CODE,
    )


def _query(year, department, kind, code):
    return urlencode({"year": year, "department": department or "", "kind": kind, "code": code})


@login_required
def statistics(request):
    scope, form = statistics_request(request.user, request.GET)
    if not form.is_valid():
        return render(
            request,
            "utilite/statistics.html",
            {"form": form, "invalid": True, "scope": scope},
            status=400,
        )
    year, department, kind, code = _choice(form)
    stats = presenters.GroupStatistics(
        year=year, department=department, kind=kind, region=scope.region, code=code
    )
    chart, evolution = stats.evolution()
    territory = department or None
    missing = None
    if scope.missing:
        missing = presenters.missing_reports(year, [territory] if territory else scope.region, kind)
    labels = dict(form.fields["department"].choices)
    kinds = dict(form.fields["kind"].choices)
    return render(
        request,
        "utilite/statistics.html",
        {
            "form": form,
            "scope": scope,
            "year": year,
            "stats": stats,
            "sections": stats.sections(),
            "territory_label": labels.get(department or "", ""),
            "kind_label": kinds.get(kind, kind),
            "code_label": presenters.label_of(code),
            "evolution_chart": chart,
            "evolution": evolution,
            "missing": missing,
            "today": timezone.localdate(),
            "query": _query(year, department, kind, code),
            "privacy_min": computations.PRIVACY_MIN_REPORTS,
        },
    )


# -- Exports ---------------------------------------------------------------------------------

STATISTICS_COLUMNS = [
    Column("Année", NUMBER, 8),
    Column("Territoire", width=30),
    Column("Type de structure", width=30),
    Column("Indicateur", width=45),
    Column("Code", width=24),
    Column("Unité", width=16),
    Column("Nombre de valeurs (n)", NUMBER, 12),
    Column("Médiane", NUMBER, 12),
    Column("1er quartile", NUMBER, 12),
    Column("3e quartile", NUMBER, 12),
    Column("Total", NUMBER, 14),
    Column("Taux global", NUMBER, 12),
    Column("Part de oui", NUMBER, 12),
]
MISSING_COLUMNS = [
    Column("SIRET", width=16),
    Column("Structure", width=40),
    Column("Type", width=8),
    Column("Département", width=12),
    Column("Statut du bilan", width=16),
    Column("Dernière relance", width=20),
]


def _as_shown(kind, value):
    """A statistic as the export gives it: shares and yes-shares in percent (as the page)."""
    if value is None:
        return None
    value = Decimal(str(value))
    if kind in (SHARE, BOOL):
        return value * 100
    return value


def statistics_rows(year, department, region, kinds, territory_label):
    """A row per group (« tous » then each kind of ``kinds``) × statistic of ``year`` in
    the territory (``department`` or the région's ``region``): the bilan's statistics,
    nothing but ``n`` under three values."""
    territory = [department] if department else region
    rows = presenters.validated_rows(territory, [year])
    labels = dict(StructureKind.choices)
    for kind in (ALL, *kinds):
        group = presenters.group_statistics(presenters.of_group(rows, kind=kind), department, kind)
        kind_label = "Tous les types de SIAE" if kind == ALL else f"{kind} — {labels[kind]}"
        for code in presenters.STATISTIC_CODES:
            stats = group["axes" if code in AXES_BY_CODE else "indicators"][code]
            statistic_kind = presenters.kind_of(code)
            yield (
                year,
                territory_label,
                kind_label,
                presenters.label_of(code),
                code,
                presenters.unit(statistic_kind),
                stats["n"],
                *(
                    _as_shown(statistic_kind, stats.get(key))
                    for key in ("median", "q1", "q3", "total", "pooled", "yes_share")
                ),
            )


def _fmt(fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    return fmt


@login_required
def statistics_export(request, fmt):
    """The statistics of the chosen year and territory, for every kind the reader may
    choose (a row per group and statistic), as CSV (French Excel) or XLSX."""
    fmt = _fmt(fmt)
    scope, form = statistics_request(request.user, request.GET)
    if not form.is_valid():
        raise Http404
    year, department, _, _ = _choice(form)
    territory_label = dict(form.fields["department"].choices)[department or ""]
    kinds = [code for code, _ in form.fields["kind"].choices if code != ALL]
    rows = statistics_rows(year, department, scope.region, kinds, territory_label)
    suffix = f"-{department}" if department else ""
    return download(
        fmt,
        f"utilite-sociale-statistiques-{year}{suffix}.{fmt}",
        STATISTICS_COLUMNS,
        rows,
        sheet_title=f"Statistiques {year}",
    )


@login_required
def missing_export(request, fmt):
    """The missing reports of the chosen year, territory and kind (staff only)."""
    fmt = _fmt(fmt)
    if not getattr(perms.statistics_scope(request.user), "missing", False):
        raise PermissionDenied
    scope, form = statistics_request(request.user, request.GET)
    if not form.is_valid():
        raise Http404
    year, department, kind, _ = _choice(form)
    missing = presenters.missing_reports(year, [department] if department else scope.region, kind)
    rows = (
        (
            item["structure"].siret,
            item["structure"].name,
            item["structure"].kind,
            item["structure"].department_id,
            item["status_label"],
            timezone.localtime(item["reminded_at"]).strftime("%d/%m/%Y %H:%M")
            if item["reminded_at"]
            else "",
        )
        for item in missing
    )
    suffix = f"-{department}" if department else ""
    return download(
        fmt,
        f"utilite-sociale-bilans-manquants-{year}{suffix}.{fmt}",
        MISSING_COLUMNS,
        rows,
        sheet_title=f"Bilans manquants {year}",
    )


# -- The reminder --------------------------------------------------------------------------


@login_required
@require_POST
def remind(request, siret):
    """« Relancer »: e-mail a missing report's structure's directors (``reminders``)."""
    scope = perms.statistics_scope(request.user)
    if scope is None or not scope.missing:
        raise PermissionDenied
    structure = get_object_or_404(
        perms.report_reach(request.user).filter(Structure.objects.all()), siret=siret
    )
    if not perms.can_remind(request.user, structure):
        raise PermissionDenied
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        year = None
    if year is None or not computations.MIN_YEAR <= year <= 2100:
        messages.error(request, "Année du bilan à relancer invalide.")
        return redirect("utilite:statistics")
    back = {
        "year": year,
        **{
            key: value
            for key in ("department", "kind", "code")
            if (value := request.POST.get(key, "")) and "\x00" not in value and len(value) < 40
        },
    }
    url = reverse("utilite:statistics") + "?" + urlencode(back) + "#manquants"
    try:
        emails = remind_missing_report(actor=request.user, structure=structure, year=year)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(url)
    except OSError:
        messages.error(
            request,
            "Le serveur d'e-mails ne répond pas : la relance n'a pas été envoyée, "
            "réessayez plus tard.",
        )
        return redirect(url)
    count = len(emails)
    messages.success(
        request,
        f"Relance envoyée à {count} directeur{'s' if count > 1 else ''} de « {structure.name} » "
        f"pour le bilan {year}.",
    )
    return redirect(url)
