"""``import_marches``: one CSV row per lot, ../shared/domain/clauses.md ("CSV imports").

Contracts are upserted by ``marche_ref``, lots by (contract, ``lot_ref``), buyers by
(name, kind) and facilitators by name. The contract-level columns repeat on each lot and
must agree. All-or-nothing; a row identical to the database writes nothing; every read and
write is done in bulk (chunks of ``CHUNK`` keys), never one query per row.
"""

import itertools
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from iae_portal.imports import RowError, read_records
from structures.validators import normalize_siret, validate_siret

from .enums import BuyerKind, Clause, MarcheType, Procedure
from .import_csv import BATCH, CHUNK, ImportResult, RowChecker
from .models import Buyer, Facilitator, Lot, Marche, bulk_update_touching

COLUMNS = (
    "marche_ref",
    "buyer_name",
    "buyer_kind",
    "notification_date",
    "type",
    "procedure",
    "marche_amount_ht",
    "lot_ref",
    "lot_object",
    "lot_amount_ht",
    "clause",
    "hours_required",
    "facilitator",
    "attributaire_name",
    "attributaire_siret",
)
# Columns describing the contract, which every lot of it repeats. ``procedure`` is not one:
# the sample files give the lots of one contract different procedures (see models.Lot).
CONTRACT_COLUMNS = ("buyer_name", "buyer_kind", "notification_date", "type", "marche_amount_ht")
MARCHE_FIELDS = ("buyer_id", "notification_date", "type", "amount_ht")
LOT_FIELDS = (
    "object",
    "procedure",
    "amount_ht",
    "clause",
    "hours_required",
    "facilitator_id",
    "attributaire_name",
    "attributaire_siret",
)
TYPES, PROCEDURES = tuple(MarcheType.values), tuple(Procedure.values)
CLAUSES, BUYER_KINDS = tuple(Clause.values), tuple(BuyerKind.values)


@dataclass
class LotRow:
    line: int
    marche_ref: str
    contract: dict  # column: parsed value, for the CONTRACT_COLUMNS
    lot_ref: str
    lot: dict  # Lot field: value, facilitator as a name
    raw: dict  # the row as read, for messages


def import_marches(source):
    """Check a CSV file (``str``, UTF-8 ``bytes`` or file object) and, when every row is
    valid, write its contracts and lots in one transaction. Returns an ``ImportResult``;
    with errors nothing is written."""
    records, errors = read_records(source, COLUMNS)
    rows = _check_rows(records, errors)
    errors.extend(_check_reported_hours(rows))
    if errors:
        return ImportResult(errors=sorted(errors, key=lambda error: error.line))
    with transaction.atomic():
        return _apply(rows)


def _check_rows(records, errors):
    rows, first_contract, first_lot = [], {}, {}
    for line, values in records:
        row, row_errors = _check_row(line, values)
        if row is not None:
            earlier = first_contract.setdefault(row.marche_ref, row)
            for column in CONTRACT_COLUMNS:
                mine, theirs = row.contract[column], earlier.contract[column]
                if None not in (mine, theirs) and mine != theirs:
                    row_errors.append(
                        RowError(
                            line,
                            column,
                            f"Le marché {row.marche_ref} a « {values[column]} » ici mais "
                            f"« {earlier.raw[column]} » ligne {earlier.line} : les colonnes du marché "
                            "doivent être identiques sur tous ses lots.",
                        )
                    )
            key = (row.marche_ref, row.lot_ref)
            if key in first_lot:
                row_errors.append(
                    RowError(
                        line,
                        "lot_ref",
                        f"Lot {row.lot_ref} du marché {row.marche_ref} déjà présent "
                        f"ligne {first_lot[key]}.",
                    )
                )
            else:
                first_lot[key] = line
        errors.extend(row_errors)
        if not row_errors:
            rows.append(row)
    return rows


def _check_row(line, values):
    """``(LotRow or None, errors)``. Contract columns are parsed even when another column is
    wrong, so that a disagreement is still reported."""
    check = RowChecker(line, values)
    marche_ref = check.required("marche_ref", 64)
    lot_ref = check.required("lot_ref", 64)
    contract = {
        "buyer_name": check.required("buyer_name"),
        "buyer_kind": check.choice("buyer_kind", BUYER_KINDS),
        "notification_date": check.date("notification_date"),
        "type": check.choice("type", TYPES),
        "marche_amount_ht": check.decimal("marche_amount_ht"),
    }
    clause = check.choice("clause", CLAUSES)
    lot = {
        "object": check.required("lot_object"),
        "procedure": check.choice("procedure", PROCEDURES),
        "amount_ht": check.decimal("lot_amount_ht"),
        "clause": clause,
        "hours_required": check.decimal("hours_required", integer=True),
        "facilitator": values["facilitator"][:255],
        "attributaire_name": values["attributaire_name"][:255],
        "attributaire_siret": normalize_siret(values["attributaire_siret"]),
    }
    if lot["attributaire_siret"]:
        try:
            validate_siret(lot["attributaire_siret"])
        except ValidationError as exc:
            check.error("attributaire_siret", f"SIRET invalide : {exc.messages[0]}")
    if marche_ref is None:
        return None, check.errors
    return LotRow(line, marche_ref, contract, lot_ref, lot, values), check.errors


def _check_reported_hours(rows):
    """A lot with reported hours keeps a clause: hours are refused on a lot without one
    (import_heures), and the bilan would otherwise lose hours it has counted."""
    cleared = {(r.marche_ref, r.lot_ref): r.line for r in rows if r.lot["clause"] == Clause.NONE}
    errors = []
    for chunk in itertools.batched(sorted({marche_ref for marche_ref, _ in cleared}), CHUNK):
        reported = (
            Lot.objects.filter(marche__ref__in=chunk, hours_reports__isnull=False)
            .values_list("marche__ref", "ref")
            .order_by()
            .distinct()
        )
        for key in reported:
            if key in cleared:
                errors.append(
                    RowError(
                        cleared[key],
                        "clause",
                        f"Le lot {key[1]} du marché {key[0]} a des heures déclarées : "
                        "il ne peut pas passer sans clause sociale.",
                    )
                )
    return errors


def _apply(rows):
    result = ImportResult()
    buyers = _buyers({(r.contract["buyer_name"], r.contract["buyer_kind"]) for r in rows})
    facilitators = _facilitators({r.lot["facilitator"] for r in rows} - {""})

    contracts = {}  # ref: values of the first row, the others agree
    for row in rows:
        contracts.setdefault(
            row.marche_ref,
            {
                "buyer_id": buyers[row.contract["buyer_name"], row.contract["buyer_kind"]],
                "notification_date": row.contract["notification_date"],
                "type": row.contract["type"],
                "amount_ht": row.contract["marche_amount_ht"],
            },
        )
    known = {}  # ref: (pk, values)
    for chunk in itertools.batched(contracts, CHUNK):
        for pk, ref, *values in Marche.objects.filter(ref__in=chunk).values_list(
            "pk", "ref", *MARCHE_FIELDS
        ):
            known[ref] = (pk, dict(zip(MARCHE_FIELDS, values, strict=True)))
    new = [Marche(ref=ref, **values) for ref, values in contracts.items() if ref not in known]
    Marche.objects.bulk_create(new, batch_size=BATCH)
    changed_contracts = {ref for ref, (_, values) in known.items() if values != contracts[ref]}
    bulk_update_touching(
        Marche,
        [Marche(pk=known[ref][0], **contracts[ref]) for ref in changed_contracts],
        MARCHE_FIELDS,
        batch_size=BATCH,
    )
    marche_ids = {m.ref: m.pk for m in new} | {ref: pk for ref, (pk, _) in known.items()}

    known_lots = {}  # (marche_id, ref): (pk, values)
    for chunk in itertools.batched([pk for pk, _ in known.values()], CHUNK):
        for pk, marche_id, ref, *values in Lot.objects.filter(marche_id__in=chunk).values_list(
            "pk", "marche_id", "ref", *LOT_FIELDS
        ):
            known_lots[marche_id, ref] = (pk, dict(zip(LOT_FIELDS, values, strict=True)))
    created, updated = [], []
    for row in rows:
        marche_id = marche_ids[row.marche_ref]
        values = {name: value for name, value in row.lot.items() if name != "facilitator"}
        values["facilitator_id"] = facilitators.get(row.lot["facilitator"])
        pk, before = known_lots.get((marche_id, row.lot_ref), (None, None))
        if pk is None:
            created.append(Lot(marche_id=marche_id, ref=row.lot_ref, **values))
            result.created += 1
        elif before != values:
            updated.append(Lot(pk=pk, **values))
            result.updated += 1
        elif row.marche_ref in changed_contracts:
            result.updated += 1
        else:
            result.unchanged += 1
    Lot.objects.bulk_create(created, batch_size=BATCH)
    bulk_update_touching(Lot, updated, LOT_FIELDS, batch_size=BATCH)
    return result


def _buyers(keys):
    """``{(name, kind): pk}``, creating the buyers not yet known."""
    found = {}
    names = sorted({name for name, _ in keys})
    for chunk in itertools.batched(names, CHUNK):
        for pk, name, kind in Buyer.objects.filter(name__in=chunk).values_list(
            "pk", "name", "kind"
        ):
            found[name, kind] = pk
    new = [Buyer(name=name, kind=kind) for name, kind in sorted(keys - set(found))]
    Buyer.objects.bulk_create(new, batch_size=BATCH)
    return found | {(b.name, b.kind): b.pk for b in new}


def _facilitators(names):
    """``{name: pk}``, creating the facilitators not yet known."""
    found = {}
    for chunk in itertools.batched(sorted(names), CHUNK):
        found |= dict(Facilitator.objects.filter(name__in=chunk).values_list("name", "pk"))
    new = [Facilitator(name=name) for name in sorted(names - set(found))]
    Facilitator.objects.bulk_create(new, batch_size=BATCH)
    return found | {f.name: f.pk for f in new}
