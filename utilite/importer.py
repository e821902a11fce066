"""CSV import of social utility reports (docs/utilite-sociale.md, ``import_utilite_sociale``),
through the core pipeline (``iae_portal.imports``): plan by line, report, apply all or
nothing with its journal entries.

The file: UTF-8, comma, a header, one row per structure and year: ``siret``, ``year``, the
typed indicators in part 1's order, then ``grid_participants``, ``priority_axes``
(``;``-separated) and the criteria in the grid's order, all empty without a grid. Each row
is upserted by (SIRET, year) as ``soumis``; a row differing from a ``valide`` report is an
error, one identical to the database writes nothing (a second run changes nothing).
Unknown and computed columns are errors; every error names its line and its column.
"""

import csv
import io
import itertools
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from iae_portal.audit.models import AuditEntry
from iae_portal.audit.services import diff
from iae_portal.imports import Importer, ImportPlan, ImportRejected, RowError, decode, read_records
from structures.models import Structure
from structures.validators import normalize_siret

from . import computations, perms
from .enums import ReportStatus
from .indicators import COMPUTED_CODES, CRITERION_CODES, IMPORT_COLUMNS, INDICATOR_CODES
from .models import SocialReport

AUDIT_ACTION = "utilite.import"
CHUNK = 900  # every IN (...) under SQLite's historical 999 bound variables
BATCH = 500
GRID_FIELDS = ("grid_participants", "priority_axes", "grid_scores")
COMPARED = (*INDICATOR_CODES, *GRID_FIELDS)


@dataclass
class ReportRow:
    line: int
    siret: str
    year: int
    values: dict  # the typed figures and the grid's columns, as the report stores them


@dataclass
class UtiliteImportPlan(ImportPlan):
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    rows: list = field(default_factory=list, repr=False)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    applied: bool = False

    @property
    def has_changes(self):
        return bool(self.created or self.updated)

    @property
    def summary(self):
        if self.errors:
            return (
                f"{len(self.rows)} bilan(s) lus, {self.error_line_count} ligne(s) en erreur : "
                "rien n'a été enregistré"
            )
        to_do = "" if self.applied else " (à faire)"
        return (
            f"{self.created} bilan(s) créé(s), {self.updated} mis à jour, "
            f"{self.unchanged} inchangé(s){to_do}"
        )


def _header_errors(content):
    """Line 1's errors: unknown, computed, unnamed or repeated columns (a missing column is
    ``read_records``'s)."""
    text, error = decode(content)
    if error is not None:
        return []  # read_records reports it
    try:
        header = next(csv.reader(io.StringIO(text, newline="")), [])
    except csv.Error:
        return []
    columns = [name.strip().lower() for name in header]
    errors = []
    for name, count in sorted(
        ((n, columns.count(n)) for n in set(columns)), key=lambda pair: columns.index(pair[0])
    ):
        if name in COMPUTED_CODES:
            errors.append(
                RowError(
                    1,
                    name,
                    f"Colonne calculée : « {name} » est calculée par le portail à partir des "
                    "nombres du bilan, retirez-la du fichier.",
                )
            )
        elif not name:
            errors.append(RowError(1, None, "Une colonne de l'en-tête n'a pas de nom."))
        elif name not in IMPORT_COLUMNS:
            errors.append(RowError(1, name, f"Colonne inconnue : « {name} »."))
        elif count > 1:
            errors.append(RowError(1, name, f"Colonne en double : « {name} »."))
    return errors


def _year(raw):
    try:
        return int(raw), None
    except ValueError:
        return None, f"Année invalide : « {raw} »." if raw else "Année obligatoire."


def _read_row(line, values, today, errors, warnings):
    """A ``ReportRow``, or ``None`` with its errors added."""
    found = []
    siret = normalize_siret(values["siret"])
    if not siret:
        found.append(RowError(line, "siret", "SIRET obligatoire."))
    year, reason = _year(values["year"])
    if reason:
        found.append(RowError(line, "year", reason))
    else:
        found += [
            RowError(line, p.field, p.message) for p in computations.year_problems(year, today)
        ]
    figures, problems = computations.clean_figures(values)
    problems += computations.consistency_problems(figures)
    grid, grid_problems = computations.clean_grid(
        values["grid_participants"],
        values["priority_axes"],
        {code: values[code] for code in CRITERION_CODES},
    )
    problems += grid_problems
    found += [RowError(line, p.field, p.message) for p in problems]
    warnings += [RowError(line, p.field, p.message) for p in computations.grid_warnings(grid)]
    if found:
        errors += found
        return None
    return ReportRow(
        line,
        siret,
        year,
        {
            **figures,
            "grid_participants": grid.participants if grid else None,
            "priority_axes": list(grid.priority_axes) if grid else [],
            "grid_scores": grid.scores if grid else {},
        },
    )


def read_file(content, today=None):
    """``(rows, errors, warnings)`` of a file, checked line by line (no database)."""
    today = today or timezone.localdate()
    errors = _header_errors(content)
    records, read_errors = read_records(content, IMPORT_COLUMNS)
    errors += read_errors
    if errors:
        return [], errors, []
    rows, warnings, first_line = [], [], {}
    for line, values in records:
        row = _read_row(line, values, today, errors, warnings)
        if row is None:
            continue
        key = (row.siret, row.year)
        if key in first_line:
            errors.append(
                RowError(
                    line,
                    None,
                    f"Même structure et même année que la ligne {first_line[key]} : une ligne "
                    "par structure et par année.",
                )
            )
            continue
        first_line[key] = line
        rows.append(row)
    return rows, errors, warnings


def _chunks(keys):
    return itertools.batched(sorted(keys), CHUNK)


class _Compare:
    """The rows against the database: structures by SIRET, reports by (structure, year)."""

    def __init__(self, rows, *, lock, reach=None):
        self.structures, self.outside = {}, set()
        for chunk in _chunks({row.siret for row in rows}):
            for pk, siret, kind, department in Structure.objects.filter(
                siret__in=chunk
            ).values_list("pk", "siret", "kind", "department_id"):
                self.structures[siret] = (pk, kind)
                if (
                    reach is not None
                    and not reach.everything
                    and (reach.departments is None or department not in reach.departments)
                ):
                    self.outside.add(siret)
        self.reports = {}
        pks = {pk for pk, _ in self.structures.values()}
        for chunk in _chunks(pks):
            reports = SocialReport.objects.filter(structure_id__in=chunk).order_by()
            if lock:
                reports = reports.select_for_update()
            reports = reports.filter(year__in={row.year for row in rows})
            for report in reports.only("pk", "structure_id", "year", "status", *COMPARED):
                self.reports[(report.structure_id, report.year)] = report
        self.errors, self.creates, self.updates, self.unchanged = [], [], [], 0
        for row in rows:
            self._compare(row)

    def _compare(self, row):
        if row.siret in self.outside:
            self.errors.append(
                RowError(
                    row.line,
                    "siret",
                    f"La structure de SIRET {row.siret} n'est pas de votre territoire : vous ne "
                    "pouvez pas importer son bilan.",
                )
            )
            return
        known = self.structures.get(row.siret)
        kind = known[1] if known else None
        problems = computations.structure_problems(row.siret, kind, _kind_label(kind))
        if problems:
            self.errors += [RowError(row.line, p.field, p.message) for p in problems]
            return
        report = self.reports.get((known[0], row.year))
        if report is None:
            self.creates.append((known[0], row))
            return
        changed = [name for name in COMPARED if getattr(report, name) != row.values[name]]
        if report.status == ReportStatus.VALIDE:
            if changed:
                self.errors.append(
                    RowError(
                        row.line,
                        None,
                        f"Le bilan {row.year} de cette structure est validé : il ne peut plus "
                        f"être modifié (colonnes différentes : {', '.join(changed)}).",
                    )
                )
            else:
                self.unchanged += 1
        elif changed or report.status != ReportStatus.SOUMIS:
            self.updates.append((report, row, changed))
        else:
            self.unchanged += 1


def _kind_label(kind):
    return dict(Structure._meta.get_field("kind").choices).get(kind, kind or "")


def plan_import(content, today=None, reach=None):
    """What importing ``content`` would do; writes nothing. ``reach``: the structures the
    person uploading may write (``structures.perms.Reach``; ``None``: every one)."""
    rows, errors, warnings = read_file(content, today)
    plan = UtiliteImportPlan(errors=errors, warnings=warnings, rows=rows)
    if rows:
        compare = _Compare(rows, lock=False, reach=reach)
        plan.errors = sorted(errors + compare.errors, key=lambda error: error.line)
        plan.created, plan.updated = len(compare.creates), len(compare.updates)
        plan.unchanged = compare.unchanged
    return plan


def apply_import(content, *, actor=None, name="", today=None, reach=None):
    """Import ``content`` all or nothing, in one transaction with a journal entry per
    report written; raises ``ImportRejected`` (nothing written) when a line is refused."""
    rows, errors, warnings = read_file(content, today)
    if errors:
        raise ImportRejected(UtiliteImportPlan(errors=errors, warnings=warnings, rows=rows))
    with transaction.atomic():
        compare = _Compare(rows, lock=True, reach=reach)
        if compare.errors:
            raise ImportRejected(
                UtiliteImportPlan(errors=compare.errors, warnings=warnings, rows=rows)
            )
        now = timezone.now()
        by = actor if actor is not None and actor.pk is not None else None
        entries = []
        created = [
            SocialReport(
                structure_id=structure_id,
                year=row.year,
                status=ReportStatus.SOUMIS,
                submitted_at=now,
                submitted_by=by,
                **row.values,
            )
            for structure_id, row in compare.creates
        ]
        SocialReport.objects.bulk_create(created, batch_size=BATCH)
        for report in created:
            entries.append((report, {"status": [None, ReportStatus.SOUMIS]}))
        updated = []
        for report, row, changed in compare.updates:
            before = {"status": report.status, **{n: getattr(report, n) for n in changed}}
            report.status = ReportStatus.SOUMIS
            for name_ in COMPARED:
                setattr(report, name_, row.values[name_])
            if not row.values["grid_scores"]:
                report.grid_comments = {}
            report.submitted_at, report.submitted_by, report.updated_at = now, by, now
            after = {"status": ReportStatus.SOUMIS, **{n: row.values[n] for n in changed}}
            entries.append((report, diff(before, after)))
            updated.append(report)
        SocialReport.objects.bulk_update(
            updated,
            [
                *COMPARED,
                "grid_comments",
                "status",
                "submitted_at",
                "submitted_by",
                "updated_at",
            ],
            batch_size=BATCH,
        )
        _audit(entries, actor=by, name=name)
    return UtiliteImportPlan(
        warnings=warnings,
        rows=rows,
        created=len(created),
        updated=len(updated),
        unchanged=compare.unchanged,
        applied=True,
    )


def _audit(entries, *, actor, name):
    """One journal entry per report created or changed, written in bulk."""
    content_type = ContentType.objects.get_for_model(SocialReport)
    structures = dict(
        Structure.objects.filter(pk__in={r.structure_id for r, _ in entries}).values_list(
            "pk", "name"
        )
    )
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                actor=actor,
                actor_label=actor.email if actor is not None else "système",
                action=AUDIT_ACTION,
                object_type=content_type,
                object_id=str(report.uuid),
                object_repr=f"Bilan d'utilité sociale {report.year} — "
                f"{structures[report.structure_id]}"[:255],
                changes=changes,
                reason=f"Import du fichier {name}" if name else "Import",
            )
            for report, changes in entries
        ],
        batch_size=BATCH,
    )


class UtiliteImport(Importer):
    """The reports file, for ``import_utilite_sociale`` (and, later, the staff upload page)."""

    def plan(self, content, *, user=None):
        return plan_import(content, reach=perms.import_reach(user))

    def apply(self, content, *, actor, name, user=None):
        return apply_import(content, actor=actor, name=name, reach=perms.import_reach(user))
