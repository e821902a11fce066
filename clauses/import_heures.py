"""``import_heures``: one CSV row per reported line, ../shared/domain/clauses.md.

A report is upserted by (lot, period, participant, modality, SIAE); its public category and
hours follow the file. The lot must exist and carry a clause, the SIAE must be a known
structure (import the structures first) and is left empty for a direct hire. All-or-nothing;
a row identical to the database writes nothing; reads and writes are done in bulk.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from iae_portal.imports import RowError, insert_rows, iter_records, key_chunks
from structures.models import Structure
from structures.validators import normalize_siret

from .enums import Clause, Modality, PublicCategory
from .import_csv import BATCH, ImportResult, RowChecker
from .models import HoursReport, Lot, bulk_update_touching

COLUMNS = (
    "marche_ref",
    "lot_ref",
    "period",
    "participant_ref",
    "public_category",
    "modality",
    "siae_siret",
    "hours",
)
PUBLICS, MODALITIES = tuple(PublicCategory.values), tuple(Modality.values)
REPORT_FIELDS = ("public_category", "hours")


@dataclass(slots=True)
class HoursRow:
    line: int
    lot: tuple  # (marche_ref, lot_ref)
    period: object
    participant_ref: str
    modality: str
    siret: str
    values: dict  # public_category, hours


def import_heures(source):
    """Check a CSV file (``str``, UTF-8 ``bytes`` or file object) against the database and,
    when every row is valid, upsert its reports in one transaction. Returns an
    ``ImportResult``; with errors nothing is written."""
    records, errors = iter_records(source, COLUMNS)
    rows = [row for row in (_check_row(line, values, errors) for line, values in records) if row]
    with transaction.atomic():
        lots = _lots({row.lot for row in rows})
        siaes = _structures({row.siret for row in rows} - {""})
        keyed, first_line = [], {}
        for row in rows:
            row_errors = _check_references(row, lots, siaes)
            key = (row.lot, row.period, row.participant_ref, row.modality, row.siret)
            if key in first_line:
                row_errors.append(
                    RowError(
                        row.line,
                        None,
                        f"Même lot, mois, participant, modalité et SIAE que la ligne "
                        f"{first_line[key]}.",
                    )
                )
            first_line.setdefault(key, row.line)
            errors.extend(row_errors)
            if not row_errors:
                keyed.append((row, lots[row.lot][0], siaes.get(row.siret)))
        if errors:
            return ImportResult(errors=sorted(errors, key=lambda error: error.line))
        return _apply(keyed)


def _check_row(line, values, errors):
    check = RowChecker(line, values)
    marche_ref = check.required("marche_ref", 64)
    lot_ref = check.required("lot_ref", 64)
    period = check.period("period")
    participant_ref = check.required("participant_ref", 64)
    public_category = check.choice("public_category", PUBLICS)
    modality = check.choice("modality", MODALITIES)
    hours = check.decimal("hours", positive=True, max_digits=8)
    siret = normalize_siret(values["siae_siret"])
    if siret and modality == Modality.EMBAUCHE_DIRECTE:
        check.error(
            "siae_siret",
            "Pas de SIAE pour une embauche directe : laissez siae_siret vide.",
        )
    errors.extend(check.errors)
    if check.errors:
        return None
    return HoursRow(
        line,
        (marche_ref, lot_ref),
        period,
        participant_ref,
        modality,
        siret,
        {"public_category": public_category, "hours": hours},
    )


def _check_references(row, lots, siaes):
    errors = []
    marche_ref, lot_ref = row.lot
    if row.lot not in lots:
        errors.append(
            RowError(row.line, "lot_ref", f"Lot {lot_ref} du marché {marche_ref} inconnu.")
        )
    elif lots[row.lot][1] == Clause.NONE:
        errors.append(
            RowError(
                row.line,
                "lot_ref",
                f"Le lot {lot_ref} du marché {marche_ref} ne porte pas de clause sociale : "
                "aucune heure ne peut y être déclarée.",
            )
        )
    if row.siret and row.siret not in siaes:
        errors.append(
            RowError(
                row.line,
                "siae_siret",
                f"Structure inconnue : SIRET {row.siret} (importez d'abord les structures).",
            )
        )
    return errors


def _lots(keys):
    """``{(marche_ref, lot_ref): (pk, clause)}`` of the known lots among ``keys``."""
    found = {}
    for chunk in key_chunks({marche_ref for marche_ref, _ in keys}):
        lots = Lot.objects.filter(marche__ref__any=chunk).order_by()
        for pk, marche_ref, ref, clause in lots.values_list("pk", "marche__ref", "ref", "clause"):
            if (marche_ref, ref) in keys:
                found[marche_ref, ref] = (pk, clause)
    return found


def _structures(sirets):
    found = {}
    for chunk in key_chunks(sirets):
        found |= dict(
            Structure.objects.filter(siret__any=chunk).order_by().values_list("siret", "pk")
        )
    return found


def _apply(keyed):
    result = ImportResult()
    known = {}
    lot_ids = sorted({lot_id for _, lot_id, _ in keyed})
    for chunk in key_chunks(lot_ids):
        for pk, lot_id, period, participant, modality, siae_id, *values in (
            # No ordering: the models' default one joins the lots and contracts, which a
            # planner misled by empty statistics turns into nested loops (minutes).
            HoursReport.objects.filter(lot_id__any=chunk)
            .order_by()
            .select_for_update()
            .values_list(
                "pk", "lot_id", "period", "participant_ref", "modality", "siae_id", *REPORT_FIELDS
            )
        ):
            key = (lot_id, period, participant, modality, siae_id)
            known[key] = (pk, dict(zip(REPORT_FIELDS, values, strict=True)))
    created, updated = [], []
    for row, lot_id, siae_id in keyed:
        key = (lot_id, row.period, row.participant_ref, row.modality, siae_id)
        pk, before = known.get(key, (None, None))
        if pk is None:
            created.append(
                {
                    "lot_id": lot_id,
                    "period": row.period,
                    "participant_ref": row.participant_ref,
                    "modality": row.modality,
                    "siae_id": siae_id,
                    **row.values,
                }
            )
            result.created += 1
        elif before != row.values:
            updated.append(HoursReport(pk=pk, **row.values))
            result.updated += 1
        else:
            result.unchanged += 1
    # Through COPY (``insert_rows``): no model instance, four times faster than bulk_create.
    insert_rows(HoursReport, created, now=timezone.now())
    bulk_update_touching(HoursReport, updated, REPORT_FIELDS, batch_size=BATCH)
    return result
