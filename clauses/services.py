"""Changes of state of the clauses app: each runs in a transaction and leaves an audit row."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction

from iae_portal.audit.services import audit_record, diff
from iae_portal.imports import Importer, ImportRejected

from . import perms
from .enums import ImportKind
from .import_heures import import_heures
from .import_marches import import_marches
from .models import HoursReport, ImportRun, Lot, bulk_update_touching

FACTORS = ("labour_share", "insertion_rate", "hourly_cost")


@dataclass(frozen=True)
class HoursLine:
    """One line of a monthly report (already checked by the form)."""

    participant_ref: str
    public_category: str
    modality: str
    siae: object  # structures.Structure or None
    hours: Decimal


@dataclass
class HoursReportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def summary(self):
        return (
            f"{self.created} créée(s), {self.updated} mise(s) à jour, {self.unchanged} inchangée(s)"
        )


def hours_report(*, actor, lot, period, lines):
    """Record the insertion hours of ``lines`` on ``lot`` for the month ``period`` (first
    day), as the facilitator's monthly report (clauses.md, step 4).

    A line is keyed like an ``import_heures`` row (participant, modality, SIAE): a known
    line takes the new public and hours, as a re-import would; lines not in the report are
    left alone. One audit entry on the lot records the month and the totals."""
    if not perms.can_report_hours(actor, lot):
        raise PermissionDenied
    result = HoursReportResult()
    with transaction.atomic():
        existing = {
            (r.participant_ref, r.modality, r.siae_id): r
            for r in HoursReport.objects.select_for_update()
            .filter(lot=lot, period=period)
            .order_by()
        }
        to_create, to_update = [], []
        for line in lines:
            key = (line.participant_ref, line.modality, line.siae.pk if line.siae else None)
            report = existing.get(key)
            if report is None:
                to_create.append(
                    HoursReport(
                        lot=lot,
                        period=period,
                        participant_ref=line.participant_ref,
                        public_category=line.public_category,
                        modality=line.modality,
                        siae=line.siae,
                        hours=line.hours,
                    )
                )
            elif (report.public_category, report.hours) != (line.public_category, line.hours):
                report.public_category, report.hours = line.public_category, line.hours
                to_update.append(report)
            else:
                result.unchanged += 1
        HoursReport.objects.bulk_create(to_create)
        bulk_update_touching(HoursReport, to_update, ["public_category", "hours"])
        result.created, result.updated = len(to_create), len(to_update)
        audit_record(
            actor=actor,
            action="heures déclarées",
            obj=lot,
            changes={
                "period": [None, f"{period:%Y-%m}"],
                "lines": [None, len(lines)],
                "hours": [None, str(sum((line.hours for line in lines), Decimal(0)))],
            },
            reason=result.summary,
        )
    return result


def lot_set_hours(*, actor, lot, hours=None, factors=None):
    """Set the insertion hours ``lot`` requires (clauses.md, « Computing the hours of a
    lot »): typed (``hours``), or computed from ``factors`` (``labour_share``,
    ``insertion_rate``, ``hourly_cost``; ``None`` for the buyer's default) with
    ``rules.hours_from_amount``. A later ``import_marches`` of the lot sets the file's
    hours again. One audit entry on the lot with what changed."""
    if not perms.can_edit_lot_hours(actor, lot):
        raise PermissionDenied
    typed = hours is not None
    with transaction.atomic():
        lot = Lot.objects.select_for_update().select_related("marche__buyer").get(pk=lot.pk)
        fields = ["hours_required", *FACTORS]
        before = {name: getattr(lot, name) for name in fields}
        if not typed:
            for name in FACTORS:
                setattr(lot, name, (factors or {}).get(name))
            hours = lot.computed_hours()
            if hours is None:
                raise ValueError("Un facteur du calcul manque, sans valeur par défaut.")
        lot.hours_required = hours
        lot.save(update_fields=[*fields, "updated_at"])
        audit_record(
            actor=actor,
            action="clauses.lot_hours",
            obj=lot,
            changes=diff(before, {name: getattr(lot, name) for name in fields}),
            reason="heures saisies" if typed else "heures calculées",
        )
    return lot


class _DryRun(Exception):
    def __init__(self, result):
        self.result = result


def _importer(kind):
    return {ImportKind.MARCHES: import_marches, ImportKind.HEURES: import_heures}[kind]


def clauses_import_preview(*, kind, content):
    """What the import of ``kind`` (``ImportKind``) would do with ``content``: it runs in a
    transaction that is always rolled back."""
    try:
        with transaction.atomic():
            raise _DryRun(_importer(kind)(content))
    except _DryRun as done:
        return done.result


def clauses_import(*, actor, kind, content, name):
    """Import ``content`` (a marchés or heures file named ``name``) for real, from the
    upload page (``actor`` the user) or the command (``actor=None``, the system).

    When it writes something, an ``ImportRun`` records who, which file and the counts, with
    its audit entry; a file with errors writes nothing, and a re-import that changes
    nothing leaves no trace either (clauses.md: a re-import changes nothing)."""
    with transaction.atomic():
        result = _importer(kind)(content)
        if result.is_valid and (result.created or result.updated):
            run = ImportRun.objects.create(
                kind=kind,
                file_name=name[:255],
                actor=actor if actor is not None and actor.pk else None,
                created=result.created,
                updated=result.updated,
                unchanged=result.unchanged,
            )
            audit_record(
                actor=actor,
                action=f"clauses.import_{kind}",
                obj=run,
                changes={
                    "file": [None, run.file_name],
                    "created": [None, result.created],
                    "updated": [None, result.updated],
                    "unchanged": [None, result.unchanged],
                },
                reason=result.summary,
            )
    return result


class ClausesImport(Importer):
    """The marchés or heures file (``kind``, an ``ImportKind``), for ``import_marches``,
    ``import_heures`` and the upload page."""

    def plan(self, content, *, kind, user=None):
        return clauses_import_preview(kind=kind, content=content)

    def apply(self, content, *, actor, name, kind, user=None):
        result = clauses_import(actor=actor, kind=kind, content=content, name=name)
        if result.errors:
            raise ImportRejected(result)
        return result
