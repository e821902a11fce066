"""CSV import of structures: plan (read, check, compare with the database), then apply.

Rules: ../shared/domain/structures.md, "CSV import of structures": upsert by SIRET, a bad
row reported with its line number and reason, all-or-nothing unless ``partial``. The
networks of a known structure become exactly the listed ones, as
``structures.services.affiliations_set`` does; a row identical to the database writes
nothing. Every read and write is done in bulk, never one query per row: the known
structures in three queries (``key_chunks``), the new rows and the audit entries through
COPY (``insert_rows``), so that a file of 50,000 rows stays a matter of seconds.

``import_structures`` reads, checks, compares and writes in one pass, the comparison made
again under lock inside its transaction: what it writes is right even if the database
changed since a plan.
"""

import datetime
import itertools
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from iae_portal.audit.models import AuditEntry
from iae_portal.audit.services import diff
from iae_portal.imports import (
    Importer,
    ImportPlan,
    ImportRejected,
    count,
    insert_rows,
    key_chunks,
)

from .api import stored
from .import_rows import RowError, iter_rows
from .models import Convention, Department, NetworkAffiliation, Structure

__all__ = [
    "RowError",
    "StructureChange",
    "StructureImportPlan",
    "StructureImportRejected",
    "StructuresImport",
    "apply_structures_import",
    "import_structures",
    "plan_structures_import",
]

AUDIT_ACTION = "structure.import"
BATCH = 500
CHUNK = 5000  # rows compared with the database, then written, at a time
SHOWN = 200  # changes of each kind a report keeps with their detail (the page shows as many)
IDENTITY_FIELDS = ("name", "kind", "legal_form", "department_id", "postal_code", "city")
CONVENTION_FIELDS = ("kind", "start_date", "end_date")


@dataclass
class StructureChange:
    """A structure the import creates or updates: ``changes`` is ``{field: [old, new]}``."""

    line: int
    siret: str
    name: str
    changes: dict


@dataclass
class StructureImportPlan(ImportPlan):
    """What an import does (``applied=False``: would do) to the structures of a file.

    ``created``/``updated``/``unchanged`` count the structures; ``creates`` and ``updates``
    detail the first ``SHOWN`` of them only (a 50,000-line file is not held as 50,000
    changes). ``source`` is the file itself, read again to write it: its rows are never
    held all at once."""

    errors: list[RowError] = field(default_factory=list)
    creates: list[StructureChange] = field(default_factory=list)
    updates: list[StructureChange] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    valid: int = 0  # valid rows of the file
    applied: bool = False
    source: object = field(default=None, repr=False)

    @property
    def has_changes(self):
        return bool(self.created or self.updated)

    @property
    def summary(self):
        """``"3 structures créées, 1 mise à jour, 2 inchangées, 1 ligne en erreur"``."""
        if self.applied:
            parts = [
                count(self.created, "structure créée", "structures créées"),
                count(self.updated, "mise à jour", "mises à jour"),
            ]
        else:
            parts = [
                count(self.created, "structure à créer", "structures à créer"),
                f"{count(self.updated)} à mettre à jour",
            ]
        parts.append(count(self.unchanged, "inchangée", "inchangées"))
        parts.append(count(self.error_line_count, "ligne en erreur", "lignes en erreur"))
        return ", ".join(parts)

    def add(self, change, *, created):
        """Count ``change``, kept in the detail while there are fewer than ``SHOWN``."""
        if created:
            self.created += 1
            shown = self.creates
        else:
            self.updated += 1
            shown = self.updates
        if len(shown) < SHOWN:
            shown.append(change)


class StructureImportRejected(ImportRejected):
    """The file has errors and the import is all-or-nothing: nothing was written."""

    def __init__(self, plan):
        super().__init__(
            plan,
            f"Import refusé, rien n'a été enregistré : "
            f"{count(plan.error_line_count, 'ligne en erreur', 'lignes en erreur')}.",
        )


def plan_structures_import(source):
    """Read and check a CSV file (``str``, UTF-8 ``bytes`` or a file object) and compare
    its rows with the database, by chunks. Writes nothing."""
    source = _content(source)
    plan = StructureImportPlan(source=source)
    errors = []
    _run(plan, iter_rows(source, _departments(), errors), write=None)
    plan.errors = sorted(errors, key=lambda error: error.line)
    return plan


def _content(source):
    return source.read() if hasattr(source, "read") else source


def _departments():
    return set(Department.objects.values_list("code", flat=True))


def apply_structures_import(plan, *, actor, partial=False, reason=""):
    """Write the valid rows of ``plan``'s file (``import_structures``); with errors and not
    ``partial``, raises ``StructureImportRejected`` with ``plan`` and writes nothing (with
    ``partial``, a file without a valid row is refused too, by ``import_structures``)."""
    if plan.errors and not partial:
        raise StructureImportRejected(plan)
    return import_structures(plan.source, actor=actor, partial=partial, reason=reason)


def import_structures(source, *, actor, partial=False, reason=""):
    """Read, check and write a file in one pass and one transaction, one audit entry per
    structure created or updated (``actor=None`` is the system); returns the plan of what
    was done. Each chunk of ``CHUNK`` rows is compared with the database under lock, then
    written, while the file has no error (or with ``partial``).

    A file with errors and not ``partial`` (or with no valid row) raises
    ``StructureImportRejected`` and writes nothing: from the chunk holding the first error
    on, the chunks are compared only, the ones before it rolled back (a late error costs
    their writing: a file is rarely refused, and then refused in one reading), and the plan it
    carries is what ``plan_structures_import`` says (the chunks hold distinct SIRETs, so a
    chunk written changes nothing to how the next ones compare)."""
    source = _content(source)
    errors = []
    result = StructureImportPlan(applied=True)
    write = {"actor": actor, "reason": reason, "now": timezone.now()}
    try:
        with transaction.atomic():
            rows = iter_rows(source, _departments(), errors)
            _run(result, rows, write=write, halt=None if partial else errors)
            result.errors = sorted(errors, key=lambda error: error.line)
            if _refuses(result, partial=partial):
                raise _Refused
    except _Refused:
        result.applied = False
        raise StructureImportRejected(result) from None
    stored.refresh_after_commit()  # the API's JSON, written ahead of the next sync
    return result


class _Refused(Exception):
    """Rolls back an import refused once its file is read."""


def _refuses(plan, *, partial):
    """Whether a file is refused: it has errors, and is not ``partial`` or has no valid row."""
    return bool(plan.errors) and (not partial or not plan.valid)


class StructuresImport(Importer):
    """The structures file, for ``import_structures`` and the upload page. With ``partial``
    its valid lines are written even if others are in error, unless none is valid."""

    def plan(self, content, *, partial=False, user=None):
        return plan_structures_import(content)

    def refuses(self, plan, *, partial=False):
        return _refuses(plan, partial=partial)

    def apply(self, content, *, actor, name, partial=False, user=None):
        return import_structures(content, actor=actor, partial=partial, reason=f"import {name}")


def _run(plan, rows, *, write, halt=None):
    """Compare ``rows`` with the database by chunks, counted in ``plan``; with ``write``
    (``save``'s arguments), each chunk is written once compared, under lock, until the
    list ``halt`` (the file's errors so far) is not empty."""
    day = timezone.localdate()
    for chunk in itertools.batched(rows, CHUNK):
        writing = write is not None and not halt
        writes = _compare(chunk, plan, day=day, lock=writing)
        if writing:
            writes.save(**write)
        plan.valid += len(chunk)


class _Affiliation(NamedTuple):
    pk: int
    network: str
    start_date: datetime.date | None
    end_date: datetime.date | None


@dataclass(slots=True)
class _Known:
    """A structure already in the database, read as plain values (cheaper than models):
    ``values`` as a tuple of ``IDENTITY_FIELDS`` (a dict each is 50 MB for 50,000 lines)."""

    pk: int
    uuid: uuid.UUID
    values: tuple
    affiliations: list = field(default_factory=list)
    conventions: dict = field(default_factory=dict)  # number: (pk, {kind, start, end})


@dataclass
class _Writes:
    """What the comparison decided to write, as plain data keyed by SIRET; ``save`` turns it
    into a fixed number of bulk statements (per chunk), whatever the number of rows."""

    day: datetime.date
    known: dict  # siret: _Known
    created: list = field(default_factory=list)  # StructureRow
    updated: list = field(default_factory=list)  # (siret, values, changed fields)
    ended_ids: list = field(default_factory=list)
    dropped_ids: list = field(default_factory=list)
    moved_ids: list = field(default_factory=list)
    new_affiliations: list = field(default_factory=list)  # (siret, network)
    new_conventions: list = field(default_factory=list)  # (siret, number, values)
    changed_conventions: list = field(default_factory=list)  # (pk, values)
    audited: list = field(default_factory=list)  # (siret, name, changes)

    def save(self, *, actor, reason, now):
        # New rows go down COPY (``insert_rows``): no model instance, no INSERT of
        # thousands of parameters; the new structures' keys and uuids come back in order.
        uuids = [uuid.uuid4() for _ in self.created]
        keys = insert_rows(
            Structure,
            [
                {"siret": row.siret, "uuid": uuid_, **row.values}
                for row, uuid_ in zip(self.created, uuids, strict=True)
            ],
            now=now,
        )
        ids = {
            row.siret: (pk, uuid_) for row, pk, uuid_ in zip(self.created, keys, uuids, strict=True)
        }
        ids |= {siret: (known.pk, known.uuid) for siret, known in self.known.items()}

        # One bulk_update per changed field, on the structures where it changed only.
        by_field = defaultdict(list)
        for siret, values, fields in self.updated:
            structure = Structure(pk=ids[siret][0], **values)
            for name in fields:
                by_field[name].append(structure)
        for name, structures in by_field.items():
            Structure.objects.bulk_update(structures, [name.removesuffix("_id")], batch_size=BATCH)
        # auto_now does not apply to bulk updates: set updated_at explicitly, on every
        # known structure with a change (its networks or conventions included: the API's
        # sync); the new ones were written with it.
        touched = {ids[siret][0] for siret, _, _ in self.audited if siret in self.known}
        _update(Structure, touched, updated_at=now)

        _update(NetworkAffiliation, self.ended_ids, end_date=self.day - datetime.timedelta(days=1))
        _update(NetworkAffiliation, self.moved_ids, start_date=self.day)
        for chunk in key_chunks(self.dropped_ids):
            NetworkAffiliation.objects.filter(pk__any=chunk).delete()
        insert_rows(
            NetworkAffiliation,
            [
                {"structure_id": ids[siret][0], "network": network, "start_date": self.day}
                for siret, network in self.new_affiliations
            ],
            now=now,
        )
        insert_rows(
            Convention,
            [
                {"structure_id": ids[siret][0], "number": number, **values}
                for siret, number, values in self.new_conventions
            ],
            now=now,
        )
        Convention.objects.bulk_update(
            [Convention(pk=pk, **values) for pk, values in self.changed_conventions],
            CONVENTION_FIELDS,
            batch_size=BATCH,
        )
        content_type = ContentType.objects.get_for_model(Structure).pk
        insert_rows(
            AuditEntry,
            (
                _audit_entry(ids[siret][1], name, changes, actor, reason, now, content_type)
                for siret, name, changes in self.audited
            ),
            now=now,
            count=len(self.audited),
        )


def _compare(rows, plan, *, day, lock):
    """The ``writes`` of how each row differs from the database as of ``day``, its changes
    counted in ``plan``."""
    known = _load_known([row.siret for row in rows], day=day, lock=lock)
    writes = _Writes(day=day, known=known)
    for row in rows:
        structure = known.get(row.siret)
        if structure is None:
            changes = _created({"siret": row.siret, **row.values})
            affiliations, conventions = [], {}
        else:
            same = structure.values == tuple(map(row.values.__getitem__, IDENTITY_FIELDS))
            before = dict(zip(IDENTITY_FIELDS, structure.values, strict=True))
            changes = {} if same else diff(before, row.values)
            affiliations, conventions = structure.affiliations, structure.conventions
        fields = list(changes)
        changes |= _networks_changes(row, affiliations, writes)
        changes |= _convention_changes(row, conventions, writes)
        if structure is None:
            writes.created.append(row)
        elif changes:
            writes.updated.append((row.siret, row.values, fields))
        else:
            plan.unchanged += 1
            continue
        plan.add(
            StructureChange(row.line, row.siret, row.values["name"], changes),
            created=structure is None,
        )
        writes.audited.append((row.siret, row.values["name"], changes))
    return writes


def _load_known(sirets, *, day, lock):
    """``{siret: _Known}`` with the affiliations not ended before ``day`` and the
    conventions: three queries (per chunk of SIRETs on SQLite)."""
    known = {}
    for chunk in key_chunks(sirets):
        structures = Structure.objects.filter(siret__any=chunk).order_by()
        if lock:
            structures = structures.select_for_update()
        by_pk = {}
        # Streamed (a server-side cursor on PostgreSQL), not fetched whole.
        for pk, uuid_, siret, *values in structures.values_list(
            "pk", "uuid", "siret", *IDENTITY_FIELDS
        ).iterator(chunk_size=2000):
            by_pk[pk] = known[siret] = _Known(pk, uuid_, tuple(values))
        if not by_pk:
            continue
        affiliations = NetworkAffiliation.objects.filter(structure_id__any=list(by_pk)).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=day)
        )
        for structure_id, *values in (
            affiliations.order_by()
            .values_list("structure_id", "pk", "network", "start_date", "end_date")
            .iterator(chunk_size=2000)
        ):
            by_pk[structure_id].affiliations.append(_Affiliation(*values))
        conventions = Convention.objects.filter(structure_id__any=list(by_pk)).order_by()
        for structure_id, pk, number, *values in conventions.values_list(
            "structure_id", "pk", "number", *CONVENTION_FIELDS
        ).iterator(chunk_size=2000):
            by_pk[structure_id].conventions[number] = (
                pk,
                dict(zip(CONVENTION_FIELDS, values, strict=True)),
            )
    return known


def _networks_changes(row, affiliations, writes):
    """Make the row's networks the current ones, as ``services.affiliations_set`` does:
    dropped ones end the day before (or vanish if they started that day), new ones start
    that day. Returns ``{"networks": [old, new]}`` when something changes."""
    day, wanted = writes.day, row.networks
    current = {a.network: a for a in affiliations if a.start_date is None or a.start_date <= day}
    # An open affiliation starting later would clash with a new open one: bring it forward.
    upcoming = {
        a.network: a
        for a in affiliations
        if a.start_date is not None and a.start_date > day and a.end_date is None
    }
    ended = [a for network, a in current.items() if network not in wanted]
    added = sorted(wanted - set(current))
    if not ended and not added:
        return {}
    for affiliation in ended:
        if affiliation.start_date == day:
            # Started today and ended today: it never held a full day, nothing to keep.
            writes.dropped_ids.append(affiliation.pk)
        else:
            writes.ended_ids.append(affiliation.pk)
    for network in added:
        if network in upcoming:
            writes.moved_ids.append(upcoming[network].pk)
        else:
            writes.new_affiliations.append((row.siret, network))
    return {"networks": [sorted(current), sorted(wanted)]}


def _convention_changes(row, conventions, writes):
    """Upsert the row's convention by (structure, number); the changes are keyed
    ``convention.<number>.<field>``."""
    wanted = row.convention
    if wanted is None:
        return {}
    after = {"kind": wanted.kind, "start_date": wanted.start_date, "end_date": wanted.end_date}
    pk, before = conventions.get(wanted.number, (None, {}))
    changes = diff(before, after)
    if not changes:
        return {}
    if pk is None:
        writes.new_conventions.append((row.siret, wanted.number, after))
    else:
        writes.changed_conventions.append((pk, after))
    return {f"convention.{wanted.number}.{name}": value for name, value in changes.items()}


def _created(values):
    """``diff({}, values)`` for a new structure's values (text only), without its work."""
    return {key: [None, values[key]] for key in sorted(values) if values[key] is not None}


def _update(model, pks, **values):
    for chunk in key_chunks(pks):
        model.objects.filter(pk__any=chunk).update(**values)


def _audit_entry(structure_uuid, name, changes, actor, reason, now, content_type):
    """The row ``audit_record`` would write, for ``insert_rows``."""
    known_actor = actor is not None and actor.pk is not None
    return {
        "at": now,
        "actor_id": actor.pk if known_actor else None,
        "actor_label": actor.email if known_actor else "système",
        "action": AUDIT_ACTION,
        "object_type_id": content_type,
        "object_id": str(structure_uuid),
        "object_repr": name[:255],
        "changes": changes,
        "reason": reason,
    }
