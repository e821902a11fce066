"""CSV import of DLA prestations: plan (read, check, compare with the database), then apply.

Rules: ../shared/domain/dla.md, "CSV import". Structures are upserted by SIRET (name, kind,
département, current networks, staff counts); each prestation's beneficiaries become
exactly its rows' structures. Reads and writes are in bulk, never one query per row: each
kind of row in one query (``key_chunks``), new rows through COPY (``insert_rows``); the file
is compared with the database once, under lock, when it is imported. A file identical to
the database writes nothing at all.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from iae_portal.audit.models import AuditEntry
from iae_portal.imports import (
    Importer,
    ImportPlan,
    ImportRejected,
    count,
    insert_rows,
    key_chunks,
)
from structures.api import stored
from structures.enums import LegalForm, StructureKind
from structures.models import Department, NetworkAffiliation, Structure

from . import perms
from .enums import AccompanimentState
from .import_rows import PrestationRow, RowError, read_rows
from .models import Accompaniment, Dla, Prestation, Provider, StructureStaffCount

__all__ = [
    "DlaImport",
    "DlaImportPlan",
    "DlaImportRejected",
    "RowError",
    "apply_dla_import",
    "plan_dla_import",
]

AUDIT_ACTION = "dla.import"
BATCH = 500
Beneficiary = Prestation.beneficiaries.through


@dataclass
class DlaImportPlan(ImportPlan):
    errors: list = field(default_factory=list)
    rows: list = field(default_factory=list, repr=False)
    counts: dict = field(default_factory=dict)  # "structures créées": 3, …
    applied: bool = False

    @property
    def has_changes(self):
        return any(self.counts.values())

    @property
    def summary(self):
        done = {k: v for k, v in self.counts.items() if v}
        if not done:
            return "Aucun changement."
        verb = "" if self.applied else " (à faire)"
        return ", ".join(f"{label} : {count(n)}" for label, n in done.items()) + verb


class DlaImportRejected(ImportRejected):
    """The file has errors: nothing was written."""


def plan_dla_import(source):
    """Read and check a CSV file (``str``, UTF-8 ``bytes`` or file object); writes nothing."""
    plan = _read_plan(source)
    if not plan.errors:
        plan.counts = _Sync(plan.rows, day=timezone.localdate(), lock=False).counts()
    return plan


def apply_dla_import(plan, *, actor=None, file_name=""):
    """Write a valid plan in one transaction, comparing again with the database under lock.
    Raises ``DlaImportRejected`` (nothing written) when the plan has errors.

    When something changed, each DLA of the file gets an audit entry naming ``actor``
    (``None``: the command line), the file and what the whole file changed."""
    if plan.errors:
        raise DlaImportRejected(plan)
    with transaction.atomic():
        sync = _Sync(plan.rows, day=timezone.localdate(), lock=True)
        sync.save(now=timezone.now())
        applied = DlaImportPlan(rows=plan.rows, counts=sync.counts(), applied=True)
        if any(applied.counts.values()):
            _audit(applied, actor=actor, file_name=file_name)
    if any(applied.counts.values()):
        stored.refresh_after_commit()  # the structures' JSON the API serves
    return applied


class DlaImport(Importer):
    """The prestations file, for ``import_dla`` and the upload page, where a chargé de
    mission's lines for another DLA than theirs are refused."""

    def plan(self, content, *, user=None):
        return self._refuse_others(plan_dla_import(content), user)

    def apply(self, content, *, actor, name, user=None):
        # Compared with the database once, under lock, by the writing itself.
        plan = self._refuse_others(_read_plan(content), user)
        return apply_dla_import(plan, actor=actor, file_name=name)

    def _refuse_others(self, plan, user):
        allowed = None if user is None else perms.import_departments(user)
        if allowed is not None:
            plan.errors += [
                RowError(
                    row.line,
                    "dla_department",
                    "Vous n'êtes pas rattaché(e) au DLA du département "
                    f"{row.prestation.dla_department}.",
                )
                for row in plan.rows
                if row.prestation.dla_department not in allowed
            ]
        return plan


def _read_plan(source):
    departments = set(Department.objects.values_list("code", flat=True))
    rows, errors = read_rows(source, departments)
    return DlaImportPlan(errors=errors, rows=rows)


def _audit(plan, *, actor, file_name):
    """One entry per DLA of the file, written in bulk (a national file names a hundred)."""
    departments = sorted({row.prestation.dla_department for row in plan.rows})
    changes = {
        "fichier": [None, file_name],
        "lignes": [None, len(plan.rows)],
        **{label: [None, n] for label, n in plan.counts.items() if n},
    }
    known_actor = actor is not None and actor.pk is not None
    content_type = ContentType.objects.get_for_model(Dla)
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                actor=actor if known_actor else None,
                actor_label=actor.email if known_actor else "système",
                action=AUDIT_ACTION,
                object_type=content_type,
                object_id=str(pk),
                object_repr=f"DLA {code}",
                changes=changes,
                reason=f"Import du fichier {file_name}",
            )
            for pk, code in Dla.objects.filter(department_id__in=departments).values_list(
                "pk", "department_id"
            )
        ],
        batch_size=BATCH,
    )


def _read(queryset, key, keys, fields, *, lock):
    """``{key: (pk, (value of each field))}`` for the rows whose ``key`` is in ``keys``, by
    chunks: tuples, not dicts (a 50,000-line file reads as many rows)."""
    found = {}
    for chunk in key_chunks(keys):
        rows = queryset.filter(**{f"{key}__any": chunk}).order_by()  # no join for ordering
        if lock:
            rows = rows.select_for_update()
        for pk, found_key, *values in rows.values_list("pk", key, *fields).iterator(
            chunk_size=2000
        ):
            found[found_key] = (pk, tuple(values))
    return found


def _changed(before, after):
    """The names of ``after`` (a dict) whose value differs from ``before`` (a tuple of the
    same fields in the same order)."""
    return [name for (name, value), old in zip(after.items(), before, strict=True) if old != value]


class _Sync:
    """Compares the rows with the database; ``save`` writes the differences in bulk."""

    def __init__(self, rows, *, day, lock):
        self.day = day
        prestations = {r.prestation.ref: r.prestation for r in rows}
        structures = {r.structure.siret: r.structure for r in rows}
        self.wanted_pairs = {(r.prestation.ref, r.structure.siret) for r in rows}

        departments = {p.dla_department for p in prestations.values()}
        known_dlas = _read(Dla.objects, "department_id", departments, (), lock=lock)
        self.new_dlas = sorted(departments - set(known_dlas))
        self.dlas = {code: pk for code, (pk, _) in known_dlas.items()}

        providers = {p.provider_name: p.provider_kind for p in prestations.values()}
        known = _read(Provider.objects, "name", providers, ("kind",), lock=lock)
        self.providers = {name: pk for name, (pk, _) in known.items()}
        self.new_providers = {n: k for n, k in providers.items() if n not in known}
        self.changed_providers = {
            n: k for n, k in providers.items() if n in known and known[n][1] != (k,)
        }

        accompaniments = {p.accompaniment_ref: p.dla_department for p in prestations.values()}
        known = _read(
            Accompaniment.objects, "ref", accompaniments, ("dla__department_id",), lock=lock
        )
        self.accompaniments = {ref: pk for ref, (pk, _) in known.items()}
        self.new_accompaniments = {r: d for r, d in accompaniments.items() if r not in known}
        self.changed_accompaniments = {
            r: d for r, d in accompaniments.items() if r in known and known[r][1] != (d,)
        }

        self._compare_structures(structures, lock)
        self._compare_prestations(prestations, lock)

    def _compare_structures(self, structures, lock):
        fields = ("name", "kind", "department_id")
        known = _read(Structure.objects, "siret", structures, fields, lock=lock)
        self.structures = {siret: pk for siret, (pk, _) in known.items()}
        self.new_structures = [s for siret, s in structures.items() if siret not in known]
        self.changed_structures = []  # (pk, values, changed fields)
        for siret, s in structures.items():
            if siret in known:
                pk, before = known[siret]
                if before != (s.name, s.kind, s.department):
                    values = {"name": s.name, "kind": s.kind, "department_id": s.department}
                    self.changed_structures.append((pk, values, _changed(before, values)))
        del known  # held no longer than needed: the peak of a large file is here

        pks = {pk: siret for siret, pk in self.structures.items()}
        staff = _read(
            StructureStaffCount.objects,
            "structure_id",
            pks,
            ("permanents", "insertion_employees"),
            lock=lock,
        )
        self.staff = {}  # siret: (pk or None, values) when it must be written
        current = {}  # siret: {network: affiliation}
        for chunk in key_chunks(pks):
            affiliations = NetworkAffiliation.objects.current(self.day).filter(
                structure_id__any=chunk
            )
            for pk, structure_id, network, start in (
                affiliations.order_by()
                .values_list("pk", "structure_id", "network", "start_date")
                .iterator(chunk_size=2000)
            ):
                current.setdefault(pks[structure_id], {})[network] = (pk, start)
        self.ended_affiliations, self.dropped_affiliations, self.new_affiliations = [], [], []
        self.network_changed = set()  # sirets: their structure changes for the API's sync
        for siret, s in structures.items():
            pk = self.structures.get(siret)
            pk, before = staff.get(pk, (None, None)) if pk is not None else (None, None)
            if before != (s.permanents, s.insertion_employees):
                values = {"permanents": s.permanents, "insertion_employees": s.insertion_employees}
                self.staff[siret] = (pk, values)
            mine = current.get(siret, {})
            for network, (pk, start) in mine.items():
                if network not in s.networks:
                    # Started today: it never held a full day, nothing to keep.
                    target = self.dropped_affiliations if start == self.day else None
                    (target if target is not None else self.ended_affiliations).append(pk)
                    self.network_changed.add(siret)
            self.new_affiliations += [(siret, n) for n in sorted(s.networks - set(mine))]
            if s.networks - set(mine):
                self.network_changed.add(siret)

    def _compare_prestations(self, prestations, lock):
        fields = (*PrestationRow.FIELDS, "accompaniment__ref", "provider__name")
        known = _read(Prestation.objects, "ref", prestations, fields, lock=lock)
        self.prestations = {ref: pk for ref, (pk, _) in known.items()}
        self.new_prestations = [p for ref, p in prestations.items() if ref not in known]
        self.changed_prestations = []  # (ref, row)
        for ref, p in prestations.items():
            if ref in known and known[ref][1] != (
                *p.values,
                p.accompaniment_ref,
                p.provider_name,
            ):
                self.changed_prestations.append(p)
        del known
        existing_pairs, self.removed_pairs, self.unlinked = set(), [], set()
        ids = {pk: ref for ref, pk in self.prestations.items()}
        for chunk in key_chunks(ids):
            for pk, prestation_id, siret in (
                Beneficiary.objects.filter(prestation_id__any=chunk)
                .values_list("pk", "prestation_id", "structure__siret")
                .iterator(chunk_size=2000)
            ):
                existing_pairs.add((ids[prestation_id], siret))
                if (ids[prestation_id], siret) not in self.wanted_pairs:
                    self.removed_pairs.append(pk)
                    self.unlinked.add(ids[prestation_id])
        self.new_pairs = sorted(self.wanted_pairs - existing_pairs)

    def counts(self):
        return {
            "DLA créés": len(self.new_dlas),
            "prestataires créés": len(self.new_providers),
            "prestataires modifiés": len(self.changed_providers),
            "accompagnements créés": len(self.new_accompaniments),
            "accompagnements modifiés": len(self.changed_accompaniments),
            "structures créées": len(self.new_structures),
            "structures modifiées": len(self.changed_structures),
            "effectifs mis à jour": len(self.staff),
            "adhésions ouvertes": len(self.new_affiliations),
            "adhésions closes": len(self.ended_affiliations) + len(self.dropped_affiliations),
            "prestations créées": len(self.new_prestations),
            "prestations modifiées": len(self.changed_prestations),
            "bénéficiaires ajoutés": len(self.new_pairs),
            "bénéficiaires retirés": len(self.removed_pairs),
        }

    def save(self, *, now):
        new = [Dla(department_id=code) for code in self.new_dlas]
        Dla.objects.bulk_create(new, batch_size=BATCH)
        self.dlas |= {d.department_id: d.pk for d in new}

        new = [Provider(name=n, kind=k) for n, k in self.new_providers.items()]
        Provider.objects.bulk_create(new, batch_size=BATCH)
        self.providers |= {p.name: p.pk for p in new}
        Provider.objects.bulk_update(
            [Provider(pk=self.providers[n], kind=k) for n, k in self.changed_providers.items()],
            ["kind"],
            batch_size=BATCH,
        )

        # A file knows only the engineering: that is the step its accompaniments reach.
        new = list(self.new_accompaniments.items())
        keys = insert_rows(
            Accompaniment,
            [
                {"ref": r, "dla_id": self.dlas[d], "state": AccompanimentState.INGENIERIE.value}
                for r, d in new
            ],
            now=now,
        )
        self.accompaniments |= {r: pk for (r, _), pk in zip(new, keys, strict=True)}
        Accompaniment.objects.bulk_update(
            [
                Accompaniment(pk=self.accompaniments[r], dla_id=self.dlas[d], updated_at=now)
                for r, d in self.changed_accompaniments.items()
            ],
            ["dla", "updated_at"],
            batch_size=BATCH,
        )
        self._save_structures(now)
        self._save_prestations(now)

    def _save_structures(self, now):
        keys = insert_rows(
            Structure,
            [
                {
                    "siret": s.siret,
                    "name": s.name,
                    "kind": s.kind,
                    "department_id": s.department,
                    # The DLA file does not say; an association is the likeliest for these.
                    "legal_form": LegalForm.ASSOCIATION.value
                    if s.kind == StructureKind.ASSOCIATION
                    else LegalForm.OTHER.value,
                }
                for s in self.new_structures
            ],
            now=now,
        )
        self.structures |= {s.siret: pk for s, pk in zip(self.new_structures, keys, strict=True)}
        Structure.objects.bulk_update(
            [
                Structure(pk=pk, updated_at=now, **values)
                for pk, values, _ in self.changed_structures
            ],
            ["name", "kind", "department", "updated_at"],
            batch_size=BATCH,
        )
        _update(
            NetworkAffiliation, self.ended_affiliations, end_date=self.day - datetime.timedelta(1)
        )
        for chunk in key_chunks(self.dropped_affiliations):
            NetworkAffiliation.objects.filter(pk__any=chunk).delete()
        insert_rows(
            NetworkAffiliation,
            [
                {"structure_id": self.structures[s], "network": n, "start_date": self.day}
                for s, n in self.new_affiliations
            ],
            now=now,
        )
        # Networks are part of a structure for the API (``updated_since``); bulk writes send
        # no signal, so the structures are marked changed here.
        _update(
            Structure,
            sorted(self.structures[siret] for siret in self.network_changed),
            updated_at=now,
        )
        insert_rows(
            StructureStaffCount,
            [
                {"structure_id": self.structures[siret], **values}
                for siret, (pk, values) in self.staff.items()
                if pk is None
            ],
            now=now,
        )
        StructureStaffCount.objects.bulk_update(
            [
                StructureStaffCount(
                    pk=pk, structure_id=self.structures[siret], updated_at=now, **values
                )
                for siret, (pk, values) in self.staff.items()
                if pk is not None
            ],
            ["permanents", "insertion_employees", "updated_at"],
            batch_size=BATCH,
        )

    def _save_prestations(self, now):
        def build(p, pk=None):
            return Prestation(
                pk=pk,
                ref=p.ref,
                accompaniment_id=self.accompaniments[p.accompaniment_ref],
                provider_id=self.providers[p.provider_name],
                updated_at=now,
                **p.as_dict(),
            )

        keys = insert_rows(
            Prestation,
            [
                {
                    "ref": p.ref,
                    "accompaniment_id": self.accompaniments[p.accompaniment_ref],
                    "provider_id": self.providers[p.provider_name],
                    **p.as_dict(),
                }
                for p in self.new_prestations
            ],
            now=now,
        )
        self.prestations |= {p.ref: pk for p, pk in zip(self.new_prestations, keys, strict=True)}
        Prestation.objects.bulk_update(
            [build(p, self.prestations[p.ref]) for p in self.changed_prestations],
            [*PrestationRow.FIELDS, "accompaniment", "provider", "updated_at"],
            batch_size=BATCH,
        )
        for chunk in key_chunks(self.removed_pairs):
            Beneficiary.objects.filter(pk__any=chunk).delete()
        insert_rows(
            Beneficiary,
            (
                {"prestation_id": self.prestations[r], "structure_id": self.structures[s]}
                for r, s in self.new_pairs
            ),
            now=now,
            count=len(self.new_pairs),
        )
        # Beneficiaries are part of a prestation as the API shows it (updated_since).
        relinked = self.unlinked | {r for r, _ in self.new_pairs}
        relinked -= {p.ref for p in self.new_prestations}
        _update(Prestation, sorted(self.prestations[r] for r in relinked), updated_at=now)


def _update(model, pks, **values):
    for chunk in key_chunks(pks):
        model.objects.filter(pk__any=chunk).update(**values)
