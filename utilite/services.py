"""Writes of social utility reports: each service is one transaction and one journal entry.

The director saves a draft at each step (``report_save_draft``: what is given must be
valid, the rest may wait), then submits it (``report_submit``: every rule of the contract);
staff validate it (``report_validate``: read-only from then on) or send it back with a
comment (``report_send_back``). Who may call which is ``utilite.perms``'s to say (the views
and the API ask it first); the services keep the workflow's order.
"""

from collections import defaultdict

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone

from iae_portal.audit.services import audit_record, diff
from iae_portal.queue import enqueue_quietly
from structures.models import Membership

from . import computations
from .enums import ReportStatus
from .importer import COMPARED
from .models import ReportDelegate, SocialReport
from .perms import EDITABLE

STAFF_COMMENT_MAX_LENGTH = 5000
JOURNALLED = (*COMPARED, "grid_comments", "status", "staff_comment")


def refusal(problems):
    """A ``ValidationError`` holding each problem under its field (a form shows them)."""
    errors = defaultdict(list)
    for problem in problems:
        errors[problem.field or NON_FIELD_ERRORS].append(problem.message)
    return ValidationError(dict(errors))


def _snapshot(report):
    return {name: getattr(report, name) for name in JOURNALLED}


def _locked(report):
    return SocialReport.objects.select_for_update().select_related("structure").get(pk=report.pk)


def _journal(report, before, *, actor, action, reason=""):
    audit_record(
        actor=actor,
        action=action,
        obj=report,
        changes=diff(before, _snapshot(report)),
        reason=reason,
    )


@transaction.atomic
def report_save_draft(
    *, actor, structure, year, figures, grid=(None, None, None, None), today=None
):
    """Create or update ``structure``'s report of ``year`` as a draft (a report sent back
    stays « à corriger » until submitted again). ``figures``: {code: value or text};
    ``grid``: (participants, priority axes, {criterion: score}, {criterion: comment}).
    Raises ``ValidationError`` (French, by field) for a refused value, a submitted or
    validated report, a year not ended or a structure that is no SIAE."""
    today = today or timezone.localdate()
    problems = computations.structure_problems(
        structure.siret, structure.kind, structure.get_kind_display()
    )
    problems += computations.year_problems(year, today)
    clean, grid_values, value_problems = computations.clean_draft(figures, *grid)
    problems += value_problems
    if problems:
        raise refusal(problems)
    report = SocialReport.objects.select_for_update().filter(structure=structure, year=year).first()
    if report is None:
        report = SocialReport(structure=structure, year=year)
        before = {}
    else:
        if report.status not in EDITABLE:
            raise ValidationError(
                f"Le bilan {year} est {report.get_status_display().lower()} : il ne peut plus "
                "être modifié."
            )
        before = _snapshot(report)
    report.set_figures(clean)
    for name, value in grid_values.items():
        setattr(report, name, value)
    report.save()
    _journal(report, before, actor=actor, action="utilite.save_draft")
    return report


@transaction.atomic
def report_submit(*, actor, report, today=None):
    """Submit a draft or a report sent back, once every rule of the contract holds."""
    report = _locked(report)
    if report.status not in EDITABLE:
        raise ValidationError(
            f"Le bilan est {report.get_status_display().lower()} : il ne peut pas être soumis."
        )
    structure = report.structure
    _, grid, problems = computations.validate_report(
        report.figures(),
        year=report.year,
        today=today or timezone.localdate(),
        grid=(
            report.grid_participants,
            report.priority_axes,
            report.grid_scores,
            report.grid_comments,
        ),
    )
    problems += computations.structure_problems(
        structure.siret, structure.kind, structure.get_kind_display()
    )
    if problems:
        raise refusal(problems)
    before = _snapshot(report)
    report.status = ReportStatus.SOUMIS
    if grid is not None:
        report.priority_axes = list(grid.priority_axes)
    report.submitted_at = timezone.now()
    report.submitted_by = actor if actor is not None and actor.pk else None
    report.save()
    _journal(report, before, actor=actor, action="utilite.submit")
    return report


def _submitted(report, verb):
    report = _locked(report)
    if report.status != ReportStatus.SOUMIS:
        raise ValidationError(
            f"Seul un bilan soumis peut être {verb} ; celui-ci est "
            f"{report.get_status_display().lower()}."
        )
    return report


@transaction.atomic
def report_validate(*, actor, report):
    """Validate a submitted report: read-only from then on, counted in the statistics."""
    report = _submitted(report, "validé")
    before = _snapshot(report)
    report.status = ReportStatus.VALIDE
    report.validated_at = timezone.now()
    report.validated_by = actor if actor is not None and actor.pk else None
    report.save()
    _journal(report, before, actor=actor, action="utilite.validate")
    _notify_reviewed(report, "validate")
    return report


@transaction.atomic
def report_send_back(*, actor, report, comment):
    """Send a submitted report back to its director with what to correct."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"staff_comment": "Indiquez ce que la structure doit corriger."})
    if len(comment) > STAFF_COMMENT_MAX_LENGTH:
        raise ValidationError(
            {
                "staff_comment": f"Commentaire trop long : {len(comment)} caractères, "
                f"{STAFF_COMMENT_MAX_LENGTH} au plus."
            }
        )
    if "\x00" in comment:
        raise ValidationError({"staff_comment": "Le commentaire contient un caractère nul."})
    report = _submitted(report, "renvoyé pour correction")
    before = _snapshot(report)
    report.status = ReportStatus.A_CORRIGER
    report.staff_comment = comment
    report.save()
    _journal(report, before, actor=actor, action="utilite.send_back", reason=comment)
    _notify_reviewed(report, "send_back")
    return report


def _notify_reviewed(report, action):
    """Once committed, e-mail the review to those who fill the report in
    (``utilite.tasks.send_review_email``)."""
    transaction.on_commit(
        lambda: enqueue_quietly("utilite.tasks.send_review_email", report.pk, action)
    )


# -- Who fills the reports in: the director's delegates -----------------------------------


@transaction.atomic
def delegate_grant(*, actor, structure, user):
    """Allow ``user``, an active member of ``structure``, to fill in its reports."""
    if not Membership.objects.filter(user=user, structure=structure, is_active=True).exists():
        raise ValidationError({"user": "Cette personne n'est pas membre de la structure."})
    delegate, created = ReportDelegate.objects.get_or_create(
        structure=structure, user=user, defaults={"granted_by": actor}
    )
    if created:
        audit_record(
            actor=actor,
            action="utilite.delegate_grant",
            obj=structure,
            changes={"report_delegates": [None, user.email]},
        )
    return delegate


@transaction.atomic
def delegate_revoke(*, actor, delegate):
    """Withdraw a delegate's right to fill in the structure's reports."""
    structure, email = delegate.structure, delegate.user.email
    delegate.delete()
    audit_record(
        actor=actor,
        action="utilite.delegate_revoke",
        obj=structure,
        changes={"report_delegates": [email, None]},
    )


# -- Networks' tools (the API) ------------------------------------------------------------


class ReportFrozen(ValidationError):
    """A validated report is read-only: a write that would change it is refused."""


@transaction.atomic
def report_write(*, actor, structure, year, figures, grid=(None, None, None, None), today=None):
    """Create or overwrite ``structure``'s report of ``year`` as ``soumis``, as the import
    does (the API's writes, for networks' tools): every rule of the contract, a complete
    grid or none (``grid``: participants, priority axes, {criterion: score}, {criterion:
    comment}); a report in ``brouillon``, ``a_corriger`` or ``soumis`` is overwritten and
    becomes ``soumis``; a ``valide`` one is left as it is when nothing differs and refused
    (``ReportFrozen``) otherwise. Returns ``(report, changed)``; one journal entry
    (``utilite.submit``) when something was written."""
    today = today or timezone.localdate()
    clean, clean_grid, problems = computations.validate_report(
        figures, year=year, today=today, grid=grid
    )
    problems += computations.structure_problems(
        structure.siret, structure.kind, structure.get_kind_display()
    )
    if problems:
        raise refusal(problems)
    comments = {code: text for code, text in (grid[3] or {}).items() if text and text.strip()}
    values = {
        **clean,
        "grid_participants": clean_grid.participants if clean_grid else None,
        "priority_axes": list(clean_grid.priority_axes) if clean_grid else [],
        "grid_scores": clean_grid.scores if clean_grid else {},
        "grid_comments": comments if clean_grid else {},
    }
    report = SocialReport.objects.select_for_update().filter(structure=structure, year=year).first()
    if report is None:
        report, before = SocialReport(structure=structure, year=year), {}
    else:
        before = _snapshot(report)
        changed = [name for name, value in values.items() if getattr(report, name) != value]
        if report.status == ReportStatus.VALIDE:
            if changed:
                raise ReportFrozen(
                    f"Le bilan {year} de cette structure est validé : il ne peut plus être "
                    f"modifié (champs différents : {', '.join(changed)})."
                )
            return report, False
        if not changed and report.status == ReportStatus.SOUMIS:
            return report, False
    for name, value in values.items():
        setattr(report, name, value)
    report.status = ReportStatus.SOUMIS
    report.submitted_at = timezone.now()
    report.submitted_by = actor if actor is not None and actor.pk else None
    report.save()
    _journal(report, before, actor=actor, action="utilite.submit", reason="Par l'API")
    return report, True
