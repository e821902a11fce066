"""The yearly report's pages: the steps a director (or an employee they allow) fills in, one
per dimension of the manual then the DTS grid, each saved as a draft; the report's page
(its summary, the submission, and for staff the review); the directors' list of their
reports and the page where they allow employees to fill them in.

Who may do what is ``utilite.perms``'s; every write goes through ``utilite.services``.
A structure or a report the reader may not see is a 404; one they see but may not change,
a 403.
"""

import re
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from structures.enums import MembershipRole
from structures.models import Membership, Structure

from .. import computations, perms, services
from ..enums import ReportStatus
from ..forms import DelegateForm, DimensionForm, GridForm, SendBackForm
from ..indicators import (
    AXES,
    BOOL,
    BY_CODE,
    COMPUTED,
    CRITERION_CODES,
    DIMENSIONS,
    EUROS,
    GRID_PARTICIPANTS_ADVISED,
    HOURS,
    INDICATORS,
    SCALE,
    SCALE_LEVELS,
    SCORE_LABELS,
)
from ..models import MAX_YEAR, ReportDelegate, SocialReport
from ..yearly import FROM_YEARLY_FIGURES, taken_values, yearly_figures

SIRET = re.compile(r"\d{14}")
GRID_STEP = "grille"
STEPS = (*((code, label) for code, label, _ in DIMENSIONS), (GRID_STEP, "Grille DTS"))
STEP_CODES = tuple(code for code, _ in STEPS)
STEP_OF_FIELD = {
    **{i.code: i.dimension for i in INDICATORS},
    **dict.fromkeys(("grid_participants", "priority_axes", *CRITERION_CODES), GRID_STEP),
}
# The years a director's list offers, the last ended one first.
YEARS_OFFERED = 3


# -- Formatting -------------------------------------------------------------------------------


def percent(value):
    """A share (``Decimal`` 0.3) as French text, « 30,0 % » (« — » when undefined)."""
    if value is None:
        return "—"
    text = f"{(Decimal(value) * 100).quantize(Decimal('0.1'))}".replace(".", ",")
    return f"{text}\u00a0%"


def whole(value):
    """``12345`` → « 12 345 » (narrow no-break spaces, as French writes them)."""
    return f"{value:,}".replace(",", "\u202f")


def figure_text(code, value):
    """A typed figure as the report shows it."""
    if value is None:
        return "—"
    kind = BY_CODE[code].kind
    if kind == BOOL:
        return "Oui" if value else "Non"
    if kind == SCALE:
        levels = SCALE_LEVELS.get(code, ())
        return f"{value} — {levels[value]}" if value < len(levels) else str(value)
    if kind == EUROS:
        return f"{whole(value)}\u00a0€"
    if kind == HOURS:
        return f"{whole(value)}\u00a0h"
    return whole(value)


def shares_of(dimension, figures):
    """The computed shares of ``dimension`` from ``figures``, for the page (and the small
    script that recomputes them as one types: the codes it reads)."""
    values = computations.computed_shares(figures)
    return [
        {
            "code": share.code,
            "label": share.label,
            "text": percent(values[share.code]),
            "numerators": " ".join(share.numerators),
            "minus": " ".join(share.minus),
            "denominator": share.denominator,
        }
        for share in COMPUTED
        if share.dimension == dimension
    ]


# -- Finding the structure and the report -----------------------------------------------------


def _structure_or_404(request, siret):
    """The structure if ``request.user`` reads its reports (404 otherwise, and for a text
    that is no SIRET: nothing reaches the database)."""
    if not SIRET.fullmatch(siret):
        raise Http404
    structure = get_object_or_404(Structure.objects.select_related("department"), siret=siret)
    if not perms.report_reach(request.user).contains(structure):
        raise Http404
    return structure


def _open_year_or_404(year):
    """A year whose report may be started: ended, from ``computations.MIN_YEAR``."""
    if not computations.MIN_YEAR <= year < timezone.localdate().year:
        raise Http404
    return year


def _report(structure, year):
    if not computations.MIN_YEAR <= year <= MAX_YEAR:
        return None  # never stored (and beyond the column's range on PostgreSQL)
    return (
        SocialReport.objects.filter(structure=structure, year=year)
        .select_related("submitted_by", "validated_by")
        .first()
    )


def report_url(structure, year):
    return reverse("utilite:report", args=[structure.siret, year])


def step_url(structure, year, step):
    return reverse("utilite:report_step", args=[structure.siret, year, step])


def _steps(structure, year, current):
    return [
        (code, f"{number}. {label}", step_url(structure, year, code))
        for number, (code, label) in enumerate(STEPS, start=1)
    ] + [
        (
            "recapitulatif",
            f"{len(STEPS) + 1}. Récapitulatif et envoi",
            report_url(structure, year),
        )
    ]


def _grid_of(report):
    if report is None:
        return (None, [], {}, {})
    return (
        report.grid_participants,
        list(report.priority_axes or ()),
        dict(report.grid_scores or {}),
        dict(report.grid_comments or {}),
    )


def _submission_problems(report):
    """What would refuse the report's submission now (every rule of the contract)."""
    _, _, problems = computations.validate_report(
        report.figures(),
        year=report.year,
        today=timezone.localdate(),
        grid=_grid_of(report),
    )
    return problems


def _add_errors(form, problems, elsewhere):
    """Each problem at its field when the form has it, in ``elsewhere`` (field → messages)
    when the page shows that field read-only, else on top of the form."""
    for field, message in problems:
        if field in form.fields:
            form.add_error(field, message)
        elif field in elsewhere:
            elsewhere[field].append(message)
        else:
            form.add_error(None, message)


def _pairs(error):
    """``[(field or None, message)]`` of a service's ``ValidationError``."""
    if not hasattr(error, "error_dict"):
        return [(None, message) for message in error.messages]
    return [
        (None if field == NON_FIELD_ERRORS else field, message)
        for field, messages_ in error.message_dict.items()
        for message in messages_
    ]


# -- The steps ---------------------------------------------------------------------------------


@login_required
def report_step(request, siret, year, step):
    """One step of the report (a dimension, or the grid): saved as a draft on « Enregistrer »,
    then the next step; ``?verifier=1`` shows what the submission would refuse here."""
    structure = _structure_or_404(request, siret)
    if step not in STEP_CODES or structure.kind not in computations.SIAE_KIND_CODES:
        raise Http404
    if not perms.can_fill_report(request.user, structure):
        raise PermissionDenied
    _open_year_or_404(year)
    report = _report(structure, year)
    if report is not None and not perms.can_edit_report(request.user, report):
        messages.info(
            request,
            f"Le bilan {year} est {report.get_status_display().lower()} : il ne peut plus "
            "être modifié.",
        )
        return redirect(report_url(structure, year))
    yearly = yearly_figures(structure, year)
    taken = taken_values(yearly)
    data = request.POST if request.method == "POST" else None
    if step == GRID_STEP:
        form = GridForm(data, report=report)
        dimension_codes = []
    else:
        form = DimensionForm(data, dimension=step, report=report, locked=taken)
        dimension_codes = [i.code for i in INDICATORS if i.dimension == step]
    shown_taken = [code for code in dimension_codes if code in taken]
    taken_errors = {code: [] for code in shown_taken}
    current = report.figures() if report is not None else {}
    if data is not None and form.is_valid():
        figures = {**current, **taken}
        grid = _grid_of(report)
        if step == GRID_STEP:
            grid = form.grid()
        else:
            figures.update(form.figures())
        try:
            report = services.report_save_draft(
                actor=request.user, structure=structure, year=year, figures=figures, grid=grid
            )
        except ValidationError as error:
            _add_errors(form, _pairs(error), taken_errors)
        else:
            current = report.figures()
            # The rules between figures, shown at once at their fields (the draft is kept).
            here = [
                (p.field, p.message)
                for p in computations.consistency_problems(current)
                if STEP_OF_FIELD.get(p.field) == step
            ]
            if here:
                messages.warning(
                    request,
                    "Étape enregistrée en brouillon, mais des chiffres se contredisent : "
                    "corrigez-les avant de soumettre le bilan.",
                )
                _add_errors(form, here, taken_errors)
            else:
                messages.success(request, f"Étape « {dict(STEPS)[step]} » enregistrée.")
                if "stay" in request.POST:
                    return redirect(step_url(structure, year, step))
                following = STEP_CODES.index(step) + 1
                if following < len(STEP_CODES):
                    return redirect(step_url(structure, year, STEP_CODES[following]))
                return redirect(report_url(structure, year))
    elif data is None and report is not None and request.GET.get("verifier"):
        # The stored values, bound, with what the submission refuses at this step's fields.
        form = _checked_form(step, report, taken)
        _add_errors(
            form,
            [
                (p.field, p.message)
                for p in _submission_problems(report)
                if STEP_OF_FIELD.get(p.field) == step
            ],
            taken_errors,
        )
    figures = {**current, **taken}
    context = {
        "structure": structure,
        "year": year,
        "report": report,
        "step": step,
        "step_label": dict(STEPS)[step],
        "member": True,
        "steps": _steps(structure, year, step),
        "form": form,
        "yearly": yearly,
        "taken": [
            {
                "code": code,
                "label": BY_CODE[code].label,
                "value": taken[code],
                "text": figure_text(code, taken[code]),
                "errors": taken_errors[code],
            }
            for code in shown_taken
        ],
        "untaken": [code for code in dimension_codes if code in FROM_YEARLY_FIGURES]
        if yearly is None
        else [],
        "shares": [] if step == GRID_STEP else shares_of(step, figures),
        "is_last": step == STEP_CODES[-1],
        "advised": GRID_PARTICIPANTS_ADVISED,
        "grid_warnings": _grid_warning(report) if step == GRID_STEP else [],
    }
    template = "grid" if step == GRID_STEP else "step"
    return render(request, f"utilite/reports/{template}.html", context)


def _checked_form(step, report, taken):
    """The step's form bound to the stored values (so errors can be shown at its fields)."""
    if step == GRID_STEP:
        bound = GridForm(data=GridForm(report=report).initial)
    else:
        stored = DimensionForm(dimension=step, report=report, locked=taken).initial
        bound = DimensionForm(data=stored, dimension=step, locked=taken)
    bound.is_valid()
    return bound


def _grid_warning(report):
    """The advice of FICHE II-3 when fewer than three people filled the grid."""
    if report is None or report.grid_participants is None:
        return []
    if report.grid_participants < GRID_PARTICIPANTS_ADVISED:
        return [
            f"La grille a été remplie par {report.grid_participants} personne(s) : la "
            f"démarche recommande {GRID_PARTICIPANTS_ADVISED} personnes ou plus."
        ]
    return []


# -- The report's page: summary, submission, review ------------------------------------------


def _sections(report, taken_codes):
    """The report's figures by dimension, with the computed shares."""
    figures = report.figures()
    return [
        {
            "code": code,
            "label": label,
            "rows": [
                {
                    "code": i.code,
                    "label": i.label,
                    "text": figure_text(i.code, figures[i.code]),
                    "taken": i.code in taken_codes,
                }
                for i in INDICATORS
                if i.dimension == code
            ],
            "shares": shares_of(code, figures),
        }
        for code, label, _ in DIMENSIONS
    ]


def _grid_rows(report):
    """The grid by axis: its score, priority, and each criterion's score and comment."""
    if not report.grid_scores:
        return []
    scores, comments = report.grid_scores, report.grid_comments or {}
    axis_scores = report.axis_scores()
    rows = []
    for axis in AXES:
        score = axis_scores.get(axis.code)
        rows.append(
            {
                "code": axis.code,
                "label": axis.label,
                "fiche": axis.fiche,
                "score": "—" if score is None else f"{score}".replace(".", ","),
                "priority": axis.code in (report.priority_axes or ()),
                "criteria": [
                    {
                        "code": c.code,
                        "label": c.label,
                        "score": scores.get(c.code),
                        "score_label": SCORE_LABELS[scores[c.code]]
                        if scores.get(c.code) is not None
                        else "non noté",
                        "comment": comments.get(c.code, ""),
                    }
                    for c in axis.criteria
                ],
            }
        )
    return rows


@login_required
def report_detail(request, siret, year):
    """The report as it stands: every figure, the computed shares, the grid; for those who
    fill it in, what the submission still refuses and its button; for staff who review
    it, « Valider » and « Renvoyer pour correction »."""
    structure = _structure_or_404(request, siret)
    report = _report(structure, year)
    if report is None:
        if (
            structure.kind in computations.SIAE_KIND_CODES
            and perms.can_fill_report(request.user, structure)
            and computations.MIN_YEAR <= year < timezone.localdate().year
        ):
            return redirect(step_url(structure, year, STEP_CODES[0]))
        raise Http404
    return _render_report(request, structure, report)


def _render_report(request, structure, report, *, send_back_form=None, submit_errors=None):
    user = request.user
    editable = perms.can_edit_report(user, report)
    yearly = yearly_figures(structure, report.year)
    problems = []
    if editable:
        for problem in submit_errors or _submission_problems(report):
            step = STEP_OF_FIELD.get(problem.field)
            anchor = f"#id_{problem.field}" if step and problem.field else ""
            url = f"{step_url(structure, report.year, step)}?verifier=1{anchor}" if step else ""
            problems.append({"message": problem.message, "url": url})
    reviewable = perms.can_review_report(user, report)
    context = {
        "structure": structure,
        "year": report.year,
        "report": report,
        "editable": editable,
        "reviewable": reviewable,
        "steps": _steps(structure, report.year, "recapitulatif") if editable else [],
        "step": "recapitulatif",
        "sections": _sections(report, set(FROM_YEARLY_FIGURES) if yearly else set()),
        "yearly": yearly,
        "grid": _grid_rows(report),
        "grid_complete": bool(report.axis_scores()),
        "grid_warnings": _grid_warning(report),
        "problems": problems,
        "send_back_form": send_back_form or (SendBackForm() if reviewable else None),
        "member": perms.can_list_own_reports(user),
    }
    return render(request, "utilite/reports/report.html", context)


def _editable_report_or_error(request, siret, year):
    structure = _structure_or_404(request, siret)
    report = _report(structure, year)
    if report is None:
        raise Http404
    return structure, report


@login_required
@require_POST
def report_submit(request, siret, year):
    """Submit the report to the region's staff (every rule must hold)."""
    structure, report = _editable_report_or_error(request, siret, year)
    if not perms.can_fill_report(request.user, structure):
        raise PermissionDenied
    if not perms.can_edit_report(request.user, report):
        messages.info(request, f"Le bilan est {report.get_status_display().lower()}.")
        return redirect(report_url(structure, year))
    # The figures taken from the yearly figures are those of today.
    taken = taken_values(yearly_figures(structure, year))
    if taken and any(getattr(report, code) != value for code, value in taken.items()):
        report = services.report_save_draft(
            actor=request.user,
            structure=structure,
            year=year,
            figures={**report.figures(), **taken},
            grid=_grid_of(report),
        )
    try:
        services.report_submit(actor=request.user, report=report)
    except ValidationError as error:
        problems = [computations.Problem(field, message) for field, message in _pairs(error)]
        messages.error(request, "Le bilan ne peut pas encore être soumis : voyez ci-dessous.")
        return _render_report(request, structure, report, submit_errors=problems)
    messages.success(
        request,
        f"Bilan {year} soumis : le service de la Région l'examinera. Vous serez prévenu "
        "par e-mail de sa validation ou des corrections demandées.",
    )
    return redirect(report_url(structure, year))


def _reviewable_or_error(request, siret, year):
    structure, report = _editable_report_or_error(request, siret, year)
    if not perms.review_reach(request.user).contains(structure):
        raise PermissionDenied
    return structure, report


@login_required
@require_POST
def report_validate(request, siret, year):
    structure, report = _reviewable_or_error(request, siret, year)
    try:
        services.report_validate(actor=request.user, report=report)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"Bilan {year} de {structure.name} validé : ses directeurs sont prévenus."
        )
    return redirect(report_url(structure, year))


@login_required
@require_POST
def report_send_back(request, siret, year):
    structure, report = _reviewable_or_error(request, siret, year)
    form = SendBackForm(request.POST)
    if form.is_valid():
        try:
            services.report_send_back(
                actor=request.user, report=report, comment=form.cleaned_data["staff_comment"]
            )
        except ValidationError as error:
            if report.status != ReportStatus.SOUMIS:
                messages.error(request, " ".join(error.messages))
                return redirect(report_url(structure, year))
            for field, message in _pairs(error):
                form.add_error("staff_comment" if field else None, message)
        else:
            messages.success(
                request,
                f"Bilan {year} de {structure.name} renvoyé pour correction : ses directeurs "
                "sont prévenus.",
            )
            return redirect(report_url(structure, year))
    return _render_report(request, structure, report, send_back_form=form)


# -- The directors' list and their delegates -------------------------------------------------


def last_ended_year(today=None):
    return (today or timezone.localdate()).year - 1


@login_required
def my_reports(request):
    """The reports of the structures of one's memberships, by year (the last ended years,
    and any other year a report exists for), with what one may do on each."""
    if not perms.can_list_own_reports(request.user):
        raise PermissionDenied
    structures = list(
        Structure.objects.filter(
            memberships__user=request.user,
            memberships__is_active=True,
            kind__in=computations.SIAE_KIND_CODES,
        )
        .select_related("department")
        .prefetch_related(
            Prefetch("social_reports", SocialReport.objects.order_by("-year"), to_attr="reports")
        )
        .order_by("name")
        .distinct()
    )
    fillable = set(perms.fillable_structures(request.user).values_list("pk", flat=True))
    directed = set(
        Membership.objects.filter(
            user=request.user, is_active=True, role=MembershipRole.DIRECTEUR
        ).values_list("structure_id", flat=True)
    )
    last = last_ended_year()
    rows = []
    for structure in structures:
        by_year = {report.year: report for report in structure.reports}
        can_fill = structure.pk in fillable
        years = sorted(
            set(by_year) | (set(range(last - YEARS_OFFERED + 1, last + 1)) if can_fill else set()),
            reverse=True,
        )
        rows.append(
            {
                "structure": structure,
                "can_fill": can_fill,
                "directs": structure.pk in directed,
                "years": [
                    _year_row(structure, year, by_year.get(year), can_fill) for year in years
                ],
            }
        )
    return render(
        request,
        "utilite/reports/my_reports.html",
        {"rows": rows, "last": last, "due": f"30/06/{last + 1}"},
    )


def _year_row(structure, year, report, can_fill):
    """A year of a structure: its report's state and the action offered."""
    editable = report is None or report.status in perms.EDITABLE
    action = None
    if can_fill and editable:
        if report is None:
            action = (f"Remplir le bilan {year}", step_url(structure, year, STEP_CODES[0]))
        elif report.status == ReportStatus.A_CORRIGER:
            action = (f"Corriger le bilan {year}", report_url(structure, year))
        else:
            action = (f"Continuer le bilan {year}", report_url(structure, year))
    return {
        "year": year,
        "report": report,
        "status": report.get_status_display() if report else "Non commencé",
        "url": report_url(structure, year) if report else None,
        "action": action,
    }


def _delegates_page_structure(request, siret):
    structure = _structure_or_404(request, siret)
    if not perms.can_manage_delegates(request.user, structure):
        raise PermissionDenied
    return structure


@login_required
def delegates(request, siret):
    """The employees a director allows to fill in the structure's reports (the directors
    always may)."""
    structure = _delegates_page_structure(request, siret)
    current = list(
        ReportDelegate.objects.filter(structure=structure)
        .select_related("user", "granted_by")
        .order_by("user__last_name", "user__email")
    )
    members = list(
        Membership.objects.filter(structure=structure, is_active=True)
        .exclude(role=MembershipRole.DIRECTEUR)
        .exclude(user__in=[d.user_id for d in current])
        .select_related("user")
        .order_by("user__last_name", "user__email")
    )
    form = DelegateForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        user = form.cleaned_data["user"]
        try:
            services.delegate_grant(actor=request.user, structure=structure, user=user)
        except ValidationError as error:
            for _field, message in _pairs(error):
                form.add_error("user", message)
        else:
            messages.success(
                request,
                f"{user.get_full_name() or user.email} peut désormais remplir les bilans "
                "d'utilité sociale de la structure.",
            )
            return redirect("utilite:delegates", siret=structure.siret)
    active = set(
        Membership.objects.filter(
            structure=structure, is_active=True, user__in=[d.user_id for d in current]
        ).values_list("user_id", flat=True)
    )
    return render(
        request,
        "utilite/reports/delegates.html",
        {
            "structure": structure,
            "delegates": [(d, d.user_id in active) for d in current],
            "form": form if members else None,
        },
    )


@login_required
@require_POST
def delegate_remove(request, siret, pk):
    structure = _delegates_page_structure(request, siret)
    delegate = get_object_or_404(
        ReportDelegate.objects.select_related("user", "structure"), pk=pk, structure=structure
    )
    services.delegate_revoke(actor=request.user, delegate=delegate)
    messages.success(
        request,
        f"{delegate.user.get_full_name() or delegate.user.email} ne peut plus remplir les "
        "bilans d'utilité sociale de la structure.",
    )
    return redirect("utilite:delegates", siret=structure.siret)
