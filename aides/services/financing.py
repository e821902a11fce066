"""A dossier's financing plan: the director saves it (the project's cost and its funders
besides the region, each with its document), the pages, the instruction and the
convention read its checks in French (``financing_checks``), and the campaign
dashboard its leverage. The figures are the model's.

Decisions:
- A plan is saved as it is, balanced or not, over the cap or not: the director sees the
  checks as warnings, and the dossier's submission does not wait for them (the plan is
  not a required part of the file; the instruction reads it).
- A line's document is a ``justificatif_cofinancement`` uploaded with the line (checked
  and scanned like every upload, through the documents service) or one of the dossier's
  current documents chosen in a list: a director who already sent the funder's letter
  picks it, one who has it at hand sends it with the line.
- Only the instructeur's favourable opinion (with or without reservations) on a plan over
  the cap is refused, when the scheme's parameters say the cap blocks; otherwise the
  instructeur reads the same sentences as warnings.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from iae_portal.audit.services import audit_record, diff

from .. import perms
from ..enums import DocumentKind, DossierState, FundingStatus
from ..models import FinancingPlan, FundingLine
from ..presenters import money
from ..workflow import APPLICANT_EDITABLE
from .documents import _add as document_store
from .documents import _checked as document_checked
from .dossiers import DossierChanged, TransitionRefused, _compare_and_set

JUSTIFICATIF = DocumentKind.JUSTIFICATIF_COFINANCEMENT
# Out of the running for the leverage: never filed, dropped, or refused by the commission.
NOT_FUNDED = (
    DossierState.BROUILLON,
    DossierState.RETIRE,
    DossierState.IRRECEVABLE,
    DossierState.SANS_SUITE,
    DossierState.REFUSE,
)


class PlanChanged(DossierChanged):
    """Someone saved the plan since the director opened it."""

    message = (
        "Le plan de financement a été modifié entre-temps (dans un autre onglet ou par un "
        "autre directeur) : rechargez la page pour voir la version actuelle."
    )


@dataclass
class LineInput:
    """A line as the form gives it: ``document`` one of the dossier's documents or
    ``None``, ``upload`` a new file (which wins over ``document``)."""

    funder: str
    amount: Decimal
    status: str = FundingStatus.DEMANDE
    label: str = ""
    document: object = None
    upload: object = None


# -- Saving ---------------------------------------------------------------------------------


def financing_plan_save(*, actor, dossier, total_cost, lines, seen=None):
    """Replace the plan of ``dossier`` (created the first time) by ``total_cost`` and
    ``lines`` (``LineInput``), while ``actor`` may edit the dossier. The new documents are
    checked and scanned first, outside the transaction (``documents``); then, in one
    transaction, they are stored, the lines replaced, and one journal entry written with
    the plan before and after. ``seen``: the plan's ``updated_at`` the director loaded
    (``None`` for a plan they saw empty); another save since raises ``PlanChanged``.

    Raises ``PermissionDenied``, ``ValidationError`` (an upload refused; ``line_index`` says which line),
    ``TransitionRefused`` (a chosen document is not one of the dossier's current ones) or
    ``DossierChanged``."""
    if not perms.can_edit_financing_plan(actor, dossier):
        raise PermissionDenied
    lines = list(lines)
    checked = {}
    for index, line in enumerate(lines):
        if line.upload is None:
            continue
        try:
            checked[index] = document_checked(actor=actor, dossier=dossier, upload=line.upload)
        except ValidationError as error:
            error.line_index = index  # the form shows it on its row
            raise
    return _save(actor, dossier, total_cost, lines, checked, seen)


@transaction.atomic
def _save(actor, dossier, total_cost, lines, checked, seen):
    plan = FinancingPlan.objects.select_for_update().filter(dossier=dossier).first()
    if (plan.updated_at if plan else None) != seen:
        raise PlanChanged
    current = set(dossier.documents.current().values_list("pk", flat=True))
    for line in lines:
        if line.upload is None and line.document is not None and line.document.pk not in current:
            raise TransitionRefused(
                "Ce justificatif ne fait plus partie du dossier (remplacé ou retiré) : "
                "choisissez-en un autre."
            )
    before = journal_view(plan) if plan else {}
    # The state is checked again here (the dossier may have been submitted since the page
    # was loaded) and the dossier's version moves on, as for its documents.
    _compare_and_set(dossier, dossier.version, APPLICANT_EDITABLE)
    for index, fields in checked.items():
        lines[index].document = document_store(
            actor=actor, dossier=dossier, kind=JUSTIFICATIF, fields=fields
        )
    if plan is None:
        plan = FinancingPlan(dossier=dossier)
    plan.total_cost = total_cost
    plan.updated_by = actor
    plan.save()  # updated_at moves on (auto_now): the API's updated_since sees it
    plan.lines.all().delete()
    FundingLine.objects.bulk_create(
        FundingLine(
            plan=plan,
            funder=line.funder,
            label=(line.label or "").strip(),
            amount=line.amount,
            status=line.status,
            document=line.document,
            position=position,
        )
        for position, line in enumerate(lines)
    )
    plan = FinancingPlan.objects.prefetch_related("lines__document").get(pk=plan.pk)
    plan.dossier = dossier
    changes = diff(before, journal_view(plan))
    if changes:
        audit_record(actor=actor, action="dossier.financing_plan", obj=dossier, changes=changes)
    return plan


def journal_view(plan):
    """The plan as the journal keeps it: its cost and one sentence per line."""
    return {
        "financing_total_cost": str(plan.total_cost),
        "financing_lines": [line_sentence(line) for line in plan.lines.all()],
    }


def line_sentence(line):
    label = f" — {line.label}" if line.label else ""
    document = f", justificatif {line.document.original_name}" if line.document_id else ""
    return (
        f"{line.get_funder_display()}{label} : {money(line.amount)}, "
        f"{line.get_status_display().lower()}{document}"
    )


# -- Leverage: the region's euro against the other funders' ---------------------------------


@dataclass
class Leverage:
    label: str
    dossiers: int = 0
    region: Decimal = Decimal("0.00")
    others: Decimal = Decimal("0.00")

    @property
    def ratio(self):
        if not self.region:
            return None
        return (self.others / self.region).quantize(Decimal("0.01"))

    @property
    def sentence(self):
        if self.ratio is None:
            return "—"
        return f"1\u00a0€ de la Région pour {money(self.ratio)} des autres financeurs"


def leverage(dossiers):
    """``(rows by département, total)`` of the plans of ``dossiers`` still in the running
    (not drafts, dropped or refused): the region's part (``region_amount``: voted, else
    proposed, computed or requested) against the other funders' counted lines. Three
    queries whatever the number of dossiers."""
    plans = (
        FinancingPlan.objects.filter(dossier__in=dossiers.exclude(state__in=NOT_FUNDED))
        .select_related("dossier__computation", "dossier__structure__department")
        .defer("dossier__data", "dossier__computation__input", "dossier__computation__result")
        .prefetch_related("lines")
        .order_by("dossier__structure__department_id", "pk")
    )
    rows, total = {}, Leverage("Total")
    for plan in plans:
        department = plan.dossier.structure.department
        key = department.pk if department else "~"  # no département: last
        if key not in rows:
            rows[key] = Leverage(str(department) if department else "Sans département")
        region, others = plan.region_amount(), plan.other_funding()
        for row in (rows[key], total):
            row.dossiers += 1
            row.region += region
            row.others += others
    return [rows[key] for key in sorted(rows)], total
