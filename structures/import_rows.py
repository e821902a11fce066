"""Reading and checking the rows of a structures CSV file, without touching the database.

Rules: ../shared/domain/structures.md, "CSV import of structures". Every message is French
because the people who prepared the file read it; line numbers are physical lines of the
file (the header is line 1), so they match what a spreadsheet or an editor shows.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from iae_portal.imports import RowError, iter_records, parse_date

from .enums import ConventionKind, LegalForm, Network, StructureKind
from .models import Convention, Structure
from .validators import normalize_siret, validate_siret

REQUIRED_COLUMNS = (
    "siret",
    "name",
    "kind",
    "legal_form",
    "department",
    "postal_code",
    "city",
    "networks",
)
CONVENTION_COLUMNS = ("convention_number", "convention_start", "convention_end")
POSTAL_CODE = re.compile(r"\d{5}")
# Enum ``values`` are rebuilt on each access: read them once.
KINDS = tuple(StructureKind.values)
CONVENTION_KINDS = tuple(ConventionKind.values)
LEGAL_FORMS = tuple(LegalForm.values)
NETWORKS = tuple(Network.values)
SIRET_MESSAGES = {
    "siret_format": "SIRET invalide : « {value} » ne compte pas exactement 14 chiffres.",
    "siret_checksum": "SIRET invalide (clé de contrôle) : {value}.",
}


@dataclass(frozen=True, slots=True)
class ConventionRow:
    number: str
    kind: str
    start_date: datetime.date
    end_date: datetime.date | None


@dataclass(slots=True)
class StructureRow:
    """One valid row: ``values`` holds the structure's fields as the database stores them."""

    line: int
    siret: str
    values: dict
    networks: frozenset[str]
    convention: ConventionRow | None


def read_rows(source, departments):
    """Parse and check every row of a file (``str``, UTF-8 ``bytes`` or a file object);
    ``departments`` is the set of known département codes.

    Returns ``(rows, errors)``: the valid rows, and every error found, by line (a row with an
    error is left out of ``rows``).
    """
    errors = []
    rows = list(iter_rows(source, departments, errors))
    return rows, sorted(errors, key=lambda error: error.line)


def iter_rows(source, departments, errors):
    """``read_rows``'s valid rows as they are read (a 50,000-line file is never held as its
    rows); the errors are added to ``errors`` as they are found, in the order of the file."""
    records, file_errors = iter_records(source, REQUIRED_COLUMNS)
    first_line_of = {}
    try:
        for line, values in records:
            if file_errors:  # the reader's own (a line of too many values), as found
                errors.extend(file_errors)
                file_errors.clear()
            row, row_errors = check_row(line, values, departments)
            siret = row.siret if row is not None else normalize_siret(values["siret"])
            if siret in first_line_of:
                row_errors.append(
                    RowError(
                        line, "siret", f"SIRET {siret} déjà présent ligne {first_line_of[siret]}."
                    )
                )
            elif siret:
                first_line_of[siret] = line
            errors.extend(row_errors)
            if row is not None and not row_errors:
                yield row
    finally:
        errors.extend(file_errors)


def check_row(line, values, departments):
    """``(StructureRow or None, errors)`` for the ``values`` of one line (by column)."""
    errors = []

    def error(field, message):
        errors.append(RowError(line, field, message))

    def get(column):
        return values.get(column, "")

    siret = normalize_siret(get("siret"))
    if not siret:
        error("siret", "Valeur obligatoire.")
    else:
        try:
            validate_siret(siret)
        except ValidationError as exc:
            message = SIRET_MESSAGES.get(exc.code, "SIRET invalide : {value}.")
            error("siret", message.format(value=siret))

    name = get("name")
    if not name:
        error("name", "Valeur obligatoire.")
    _check_length(error, "name", name, Structure)

    kind = get("kind").upper()
    _check_choice(error, "kind", get("kind"), kind, KINDS, "Type de structure inconnu")
    legal_form = get("legal_form").lower()
    _check_choice(
        error,
        "legal_form",
        get("legal_form"),
        legal_form,
        LEGAL_FORMS,
        "Forme juridique inconnue",
    )
    department = get("department").upper()
    if department.isdigit() and len(department) == 1:
        department = f"0{department}"
    _check_choice(
        error,
        "department",
        get("department"),
        department,
        departments,
        "Département inconnu",
        listed=False,
    )

    postal_code = get("postal_code")
    if postal_code and not POSTAL_CODE.fullmatch(postal_code):
        error("postal_code", f"Code postal invalide : « {postal_code} » (5 chiffres attendus).")

    city = get("city")
    _check_length(error, "city", city, Structure)

    networks = {code.strip().lower() for code in get("networks").split(";")} - {""}
    unknown = sorted(code for code in networks if code not in NETWORKS)
    if unknown:
        label = "Réseau inconnu" if len(unknown) == 1 else "Réseaux inconnus"
        error(
            "networks",
            f"{label} : {', '.join(unknown)} (codes possibles : {', '.join(NETWORKS)}).",
        )

    convention = _check_convention(error, get, kind)
    if errors:
        return None, errors
    values = {
        "name": name,
        "kind": kind,
        "legal_form": legal_form,
        "department_id": department,
        "postal_code": postal_code,
        "city": city,
    }
    return StructureRow(line, siret, values, frozenset(networks), convention), errors


def _check_convention(error, get, kind):
    if not any(get(column) for column in CONVENTION_COLUMNS):
        return None
    number = get("convention_number")
    if not number:
        error(
            "convention_number",
            "Le numéro de convention est obligatoire quand une convention est renseignée.",
        )
    _check_length(error, "convention_number", number, Convention, "number")
    start = _date(error, "convention_start", get("convention_start"), required=True)
    end = _date(error, "convention_end", get("convention_end"), required=False)
    if start and end and end < start:
        error(
            "convention_end",
            f"La fin de convention ({end:%d/%m/%Y}) précède son début ({start:%d/%m/%Y}).",
        )
    if kind in KINDS and kind not in CONVENTION_KINDS:
        error(
            "kind",
            f"Une structure de type {kind} ne peut pas porter de convention "
            f"(types conventionnés : {', '.join(CONVENTION_KINDS)}).",
        )
    if not number or not start:
        return None
    return ConventionRow(number, kind, start, end)


def _date(error, column, value, *, required):
    if not value:
        if required:
            error(
                column,
                "La date de début de convention est obligatoire quand une convention est renseignée.",
            )
        return None
    date, reason = parse_date(value)
    if reason:
        error(column, reason)
    return date


def _check_length(error, column, value, model, field_name=None):
    limit = model._meta.get_field(field_name or column).max_length
    if len(value) > limit:
        error(column, f"Valeur trop longue ({len(value)} caractères, {limit} au plus).")


def _check_choice(error, column, raw, value, choices, unknown, *, listed=True):
    if value in choices:
        return
    if not raw:
        error(column, "Valeur obligatoire.")
    elif listed:
        error(column, f"{unknown} : « {raw} » (valeurs possibles : {', '.join(choices)}).")
    else:
        error(column, f"{unknown} : « {raw} ».")
