"""Reading and checking the rows of a structures CSV file, without touching the database.

Rules: ../shared/domain/structures.md, "CSV import of structures". Every message is French
because the people who prepared the file read it; line numbers are physical lines of the
file (the header is line 1), so they match what a spreadsheet or an editor shows.
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

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
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
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


@dataclass
class RowError:
    line: int
    field: str | None
    message: str


@dataclass(frozen=True)
class ConventionRow:
    number: str
    kind: str
    start_date: datetime.date
    end_date: datetime.date | None


@dataclass
class StructureRow:
    """One valid row: ``values`` holds the structure's fields as the database stores them."""

    line: int
    siret: str
    values: dict
    networks: frozenset[str]
    convention: ConventionRow | None


def decode(source):
    """``(text, None)``, or ``(None, error)`` when bytes are not UTF-8 (a BOM is accepted)."""
    if hasattr(source, "read"):
        source = source.read()
    if isinstance(source, bytes | bytearray):
        try:
            source = bytes(source).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = source.count(b"\n", 0, exc.start) + 1
            return None, RowError(
                line,
                None,
                f"Le fichier n'est pas encodé en UTF-8 (premier caractère illisible ligne {line}) : "
                "enregistrez-le au format « CSV UTF-8 » puis recommencez.",
            )
    return source.removeprefix("\ufeff"), None


def numbered_records(reader, errors):
    """``(line, record)`` for each record of a ``csv.reader`` past its header, ``line``
    being the physical line where the record starts (a quoted value may span several);
    blank records are skipped; an unreadable line adds a ``RowError`` and ends the file."""
    next_line = reader.line_num + 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            errors.append(RowError(next_line, None, f"Ligne illisible : {exc}."))
            return
        line, next_line = next_line, reader.line_num + 1
        if any(value.strip() for value in record):
            yield line, record


def read_header(reader, required):
    """``(column names, lower-cased, None)`` from a ``csv.reader``'s first line, or
    ``(None, RowError)`` when the file is empty, unreadable or lacks a ``required`` column."""
    try:
        header = next(reader)
    except StopIteration:
        return None, RowError(1, None, "Le fichier est vide.")
    except csv.Error as exc:
        return None, RowError(1, None, f"En-tête illisible : {exc}.")
    columns = [name.strip().lower() for name in header]
    missing = [name for name in required if name not in columns]
    if not missing:
        return columns, None
    label = (
        "Colonne obligatoire manquante" if len(missing) == 1 else "Colonnes obligatoires manquantes"
    )
    message = f"{label} : {', '.join(missing)}."
    if len(header) == 1 and ";" in header[0]:
        message += " Le séparateur de colonnes attendu est la virgule."
    return None, RowError(1, None, message)


def read_rows(text, departments):
    """Parse and check every row; ``departments`` is the set of known département codes.

    Returns ``(rows, errors)``: the valid rows, and every error found (a row with an error
    is left out of ``rows``).
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    columns, error = read_header(reader, REQUIRED_COLUMNS)
    if error is not None:
        return [], [error]
    index = {}
    for position, name in enumerate(columns):
        index.setdefault(name, position)

    rows, errors, first_line_of = [], [], {}
    for line, record in numbered_records(reader, errors):
        row, row_errors = check_row(line, record, index, len(columns), departments)
        siret = normalize_siret(_value(record, index, "siret"))
        if siret in first_line_of:
            row_errors.append(
                RowError(line, "siret", f"SIRET {siret} déjà présent ligne {first_line_of[siret]}.")
            )
        elif siret:
            first_line_of[siret] = line
        errors.extend(row_errors)
        if row is not None and not row_errors:
            rows.append(row)
    return rows, errors


def _value(record, index, column):
    position = index.get(column)
    if position is None or position >= len(record):
        return ""
    return record[position].strip()


def check_row(line, record, index, width, departments):
    """``(StructureRow or None, errors)`` for one CSV record."""
    errors = []

    def error(field, message):
        errors.append(RowError(line, field, message))

    def get(column):
        return _value(record, index, column)

    if any(value.strip() for value in record[width:]):
        error(None, f"La ligne compte {len(record)} valeurs pour {width} colonnes.")

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
    try:
        if ISO_DATE.fullmatch(value):
            return datetime.date.fromisoformat(value)
    except ValueError:
        pass
    error(column, f"Date invalide : « {value} » (format attendu AAAA-MM-JJ).")
    return None


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
