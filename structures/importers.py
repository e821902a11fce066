"""CSV import of structures: plan (read, check, compare with the database), then apply.

Rules: ../shared/domain/structures.md, "CSV import of structures": upsert by SIRET, a bad
row reported with its line number and reason, all-or-nothing unless ``partial``. The
networks of a known structure become exactly the listed ones, as
``structures.services.affiliations_set`` does; a row identical to the database writes
nothing. Every read and write is done in bulk (chunks of at most ``CHUNK`` SIRETs), never
one query per row, so that a file of a few thousand rows stays a matter of seconds.

``apply_structures_import`` compares the rows with the database again inside its
transaction: what it writes is right even if the database changed since the plan.
"""

import datetime
import itertools
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from iae_portal.audit.models import AuditEntry
from iae_portal.audit.services import diff

from .import_rows import RowError, StructureRow, decode, read_rows
from .models import Convention, Department, NetworkAffiliation, Structure

__all__ = [
    "RowError",
    "StructureChange",
    "StructureImportPlan",
    "StructureImportRejected",
    "apply_structures_import",
    "plan_structures_import",
]

AUDIT_ACTION = "structure.import"
# SQLite accepts 999 bound variables in older builds: stay below it in every IN (...).
CHUNK = 900
BATCH = 500
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
class StructureImportPlan:
    """What an import does (``applied=False``: would do) to the structures of a file."""

    errors: list[RowError] = field(default_factory=list)
    creates: list[StructureChange] = field(default_factory=list)
    updates: list[StructureChange] = field(default_factory=list)
    unchanged: int = 0
    applied: bool = False
    rows: list[StructureRow] = field(default_factory=list, repr=False)

    @property
    def is_valid(self):
        return not self.errors

    @property
    def error_line_count(self):
        return len({error.line for error in self.errors})

    @property
    def summary(self):
        """``"3 structures créées, 1 mise à jour, 2 inchangées, 1 ligne en erreur"``."""
        created, updated = len(self.creates), len(self.updates)
        if self.applied:
            parts = [
                _count(created, "structure créée", "structures créées"),
                _count(updated, "mise à jour", "mises à jour"),
            ]
        else:
            parts = [
                _count(created, "structure à créer", "structures à créer"),
                f"{updated} à mettre à jour",
            ]
        parts.append(_count(self.unchanged, "inchangée", "inchangées"))
        parts.append(_count(self.error_line_count, "ligne en erreur", "lignes en erreur"))
        return ", ".join(parts)


class StructureImportRejected(Exception):
    """The file has errors and the import is all-or-nothing: nothing was written."""

    def __init__(self, plan):
        self.plan = plan
        super().__init__(
            f"Import refusé, rien n'a été enregistré : "
            f"{_count(plan.error_line_count, 'ligne en erreur', 'lignes en erreur')}."
        )


def plan_structures_import(source):
    """Read and check a CSV file (``str``, UTF-8 ``bytes`` or a file object) and compare
    its rows with the database. Writes nothing."""
    text, error = decode(source)
    if error is not None:
        return StructureImportPlan(errors=[error])
    departments = set(Department.objects.values_list("code", flat=True))
    rows, errors = read_rows(text, departments)
    plan, _ = _compare(rows, day=timezone.localdate(), lock=False)
    plan.errors = errors
    return plan


def apply_structures_import(plan, *, actor, partial=False, reason=""):
    """Write the plan's valid rows in one transaction, one audit entry per structure created
    or updated (``actor=None`` is the system). With errors and not ``partial``, raises
    ``StructureImportRejected`` and writes nothing. Returns the plan of what was done."""
    if plan.errors and not partial:
        raise StructureImportRejected(plan)
    with transaction.atomic():
        result, writes = _compare(plan.rows, day=timezone.localdate(), lock=True)
        writes.save(actor=actor, reason=reason, now=timezone.now())
    result.errors = list(plan.errors)
    result.applied = True
    return result


@dataclass
class _Writes:
    """Everything the comparison decided to write, grouped for bulk statements."""

    new_structures: list = field(default_factory=list)
    changed_structures: list = field(default_factory=list)
    ended_affiliations: list = field(default_factory=list)
    dropped_affiliation_ids: list = field(default_factory=list)
    moved_affiliations: list = field(default_factory=list)
    new_affiliations: list = field(default_factory=list)
    new_conventions: list = field(default_factory=list)
    changed_conventions: list = field(default_factory=list)
    audited: list = field(default_factory=list)  # (structure, changes)

    def save(self, *, actor, reason, now):
        Structure.objects.bulk_create(self.new_structures, batch_size=BATCH)
        _ensure_pks(self.new_structures)
        for structure in self.changed_structures:
            structure.updated_at = now  # auto_now is not applied by bulk_update
        Structure.objects.bulk_update(
            self.changed_structures,
            [name.removesuffix("_id") for name in IDENTITY_FIELDS] + ["updated_at"],
            batch_size=BATCH,
        )
        for ids in itertools.batched(self.dropped_affiliation_ids, CHUNK):
            NetworkAffiliation.objects.filter(pk__in=ids).delete()
        NetworkAffiliation.objects.bulk_update(self.ended_affiliations, ["end_date"], batch_size=BATCH)
        NetworkAffiliation.objects.bulk_update(self.moved_affiliations, ["start_date"], batch_size=BATCH)
        NetworkAffiliation.objects.bulk_create(self.new_affiliations, batch_size=BATCH)
        Convention.objects.bulk_create(self.new_conventions, batch_size=BATCH)
        Convention.objects.bulk_update(self.changed_conventions, CONVENTION_FIELDS, batch_size=BATCH)
        AuditEntry.objects.bulk_create(
            [_audit_entry(structure, changes, actor, reason, now) for structure, changes in self.audited],
            batch_size=BATCH,
        )


def _compare(rows, *, day, lock):
    """``(plan, writes)``: how each row differs from the database as of ``day``."""
    plan, writes = StructureImportPlan(rows=rows), _Writes()
    existing = _load_existing([row.siret for row in rows], day=day, lock=lock)
    for row in rows:
        structure = existing.get(row.siret)
        if structure is None:
            structure = Structure(siret=row.siret, **row.values)
            changes = diff({}, {"siret": row.siret, **row.values})
            affiliations, conventions = [], []
        else:
            changes = diff({name: getattr(structure, name) for name in IDENTITY_FIELDS}, row.values)
            for name, value in row.values.items():
                setattr(structure, name, value)
            affiliations, conventions = structure.import_affiliations, structure.conventions.all()
        changes |= _networks_changes(structure, affiliations, row.networks, day, writes)
        changes |= _convention_changes(structure, conventions, row.convention, writes)
        if structure.pk is None:
            writes.new_structures.append(structure)
            plan.creates.append(StructureChange(row.line, row.siret, structure.name, changes))
        elif changes:
            writes.changed_structures.append(structure)
            plan.updates.append(StructureChange(row.line, row.siret, structure.name, changes))
        else:
            plan.unchanged += 1
            continue
        writes.audited.append((structure, changes))
    return plan, writes


def _load_existing(sirets, *, day, lock):
    """``{siret: structure}`` with ``import_affiliations`` (not ended before ``day``) and
    ``conventions`` prefetched: a few queries per chunk of SIRETs."""
    not_ended = NetworkAffiliation.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
    found = {}
    for chunk in itertools.batched(sirets, CHUNK):
        queryset = Structure.objects.filter(siret__in=chunk).prefetch_related(
            Prefetch("affiliations", queryset=not_ended, to_attr="import_affiliations"),
            "conventions",
        )
        if lock:
            queryset = queryset.select_for_update()
        found.update((structure.siret, structure) for structure in queryset)
    return found


def _networks_changes(structure, affiliations, wanted, day, writes):
    """Make ``wanted`` the current networks, as ``services.affiliations_set`` does: dropped
    ones end the day before ``day`` (or vanish if they started on ``day``), new ones start
    on ``day``. Returns ``{"networks": [old, new]}`` when something changes."""
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
    yesterday = day - datetime.timedelta(days=1)
    for affiliation in ended:
        if affiliation.start_date is not None and affiliation.start_date > yesterday:
            # Started today and ended today: it never held a full day, nothing to keep.
            writes.dropped_affiliation_ids.append(affiliation.pk)
        else:
            affiliation.end_date = yesterday
            writes.ended_affiliations.append(affiliation)
    for network in added:
        if network in upcoming:
            upcoming[network].start_date = day
            writes.moved_affiliations.append(upcoming[network])
        else:
            writes.new_affiliations.append(
                NetworkAffiliation(structure=structure, network=network, start_date=day)
            )
    return {"networks": [sorted(current), sorted(wanted)]}


def _convention_changes(structure, conventions, wanted, writes):
    """Upsert the row's convention by (structure, number); changes keyed
    ``convention.<number>.<field>``."""
    if wanted is None:
        return {}
    convention = next((c for c in conventions if c.number == wanted.number), None)
    after = {"kind": wanted.kind, "start_date": wanted.start_date, "end_date": wanted.end_date}
    before = {} if convention is None else {name: getattr(convention, name) for name in after}
    changes = diff(before, after)
    if not changes:
        return {}
    if convention is None:
        writes.new_conventions.append(Convention(structure=structure, number=wanted.number, **after))
    else:
        for name, value in after.items():
            setattr(convention, name, value)
        writes.changed_conventions.append(convention)
    return {f"convention.{wanted.number}.{name}": value for name, value in changes.items()}


def _ensure_pks(structures):
    # bulk_create sets primary keys on PostgreSQL and SQLite ≥ 3.35; fetch them otherwise.
    missing = {s.siret: s for s in structures if s.pk is None}
    for chunk in itertools.batched(missing, CHUNK):
        for pk, siret in Structure.objects.filter(siret__in=chunk).values_list("pk", "siret"):
            missing[siret].pk = pk


def _audit_entry(structure, changes, actor, reason, now):
    """The entry ``audit_record`` would write, built for ``bulk_create``."""
    known_actor = actor is not None and actor.pk is not None
    return AuditEntry(
        at=now,
        actor=actor if known_actor else None,
        actor_label=actor.email if known_actor else "système",
        action=AUDIT_ACTION,
        object_type=ContentType.objects.get_for_model(Structure),
        object_id=str(structure.uuid),
        object_repr=str(structure)[:255],
        changes=changes,
        reason=reason,
    )


def _count(number, singular, plural):
    return f"{number} {singular if number <= 1 else plural}"
