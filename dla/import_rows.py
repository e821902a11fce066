"""Reading and checking the rows of a DLA CSV file, without touching the database.

Rules: ../shared/domain/dla.md, "CSV import". One row per (prestation, beneficiary); the
prestation-level columns repeat and must agree, as must the structure-level columns of a
SIRET seen on several rows. Line numbers are physical lines (the header is line 1).
"""

import functools
import sys
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import ClassVar

from django.core.exceptions import ValidationError

from iae_portal.imports import RowError, iter_records, parse_date
from structures.enums import Network, StructureKind
from structures.validators import normalize_siret, validate_siret

from .enums import Mode, Prescriber, ProviderKind, Theme

__all__ = ["COLUMNS", "PrestationRow", "RowError", "StructureRow", "read_rows"]

PRESTATION_COLUMNS = (
    "prestation_ref",
    "accompaniment_ref",
    "dla_department",
    "start_date",
    "end_date",
    "mode",
    "theme",
    "prescriber",
    "provider_name",
    "provider_kind",
    "days",
    "cost",
)
STRUCTURE_COLUMNS = (
    "structure_siret",
    "structure_name",
    "structure_kind",
    "structure_department",
    "structure_networks",
    "structure_permanents",
    "structure_insertion_employees",
)
COLUMNS = PRESTATION_COLUMNS + STRUCTURE_COLUMNS
VOCABULARIES = {
    "mode": tuple(Mode.values),
    "theme": tuple(Theme.values),
    "prescriber": tuple(Prescriber.values),
    "provider_kind": tuple(ProviderKind.values),
    "structure_kind": tuple(StructureKind.values),
}
NETWORKS = tuple(Network.values)
MAX_LENGTHS = {"prestation_ref": 64, "accompaniment_ref": 64, "provider_name": 255}


@dataclass(frozen=True, slots=True)
class PrestationRow:
    """The prestation-level values of a row, as the database stores them."""

    ref: str
    accompaniment_ref: str
    dla_department: str
    provider_name: str
    provider_kind: str
    values: tuple  # (start_date, end_date, mode, theme, prescriber, days, cost)

    FIELDS: ClassVar = ("start_date", "end_date", "mode", "theme", "prescriber", "days", "cost")

    def as_dict(self):
        return dict(zip(self.FIELDS, self.values, strict=True))


@dataclass(frozen=True, slots=True)
class StructureRow:
    siret: str
    name: str
    kind: str
    department: str
    networks: frozenset
    permanents: int
    insertion_employees: int


@dataclass(slots=True)
class Row:
    line: int
    prestation: PrestationRow
    structure: StructureRow


def read_rows(source, departments):
    """``(rows, errors)``: every valid row of a file (``str``, UTF-8 ``bytes`` or a file
    object), and every error found in it, by line.

    ``departments`` is the set of known département codes. The rows of one prestation share
    its ``PrestationRow``, those of one structure its ``StructureRow`` (their columns agree
    on valid rows): a 50,000-line file holds each once."""
    records, errors = iter_records(source, COLUMNS)
    rows, seen, shared = [], _Seen(), {}
    for line, raw in records:
        row_errors = []
        row = check_row(line, raw, departments, row_errors)
        row_errors += seen.check(line, raw)
        errors += row_errors
        if row is not None and not row_errors:
            row.prestation = shared.setdefault(row.prestation, row.prestation)
            row.structure = shared.setdefault(row.structure, row.structure)
            rows.append(row)
    return rows, sorted(errors, key=lambda error: error.line)


class _Seen:
    """Remembers the first line of each prestation, structure, accompaniment and provider
    so that a later line repeating it with another value is reported against it."""

    def __init__(self):
        self.first = {}  # (entity, key): (line, (value of each column)): tuples, not dicts
        self.pairs = {}  # (prestation_ref, siret): line

    def check(self, line, raw):
        # Interned, as the values kept: the same objects as the rows' (one copy each).
        siret = sys.intern(normalize_siret(raw["structure_siret"]))
        ref = sys.intern(raw["prestation_ref"])
        groups = [
            ("prestation", ref, PRESTATION_COLUMNS[1:]),
            ("structure", siret, STRUCTURE_COLUMNS[1:]),
            ("accompaniment", raw["accompaniment_ref"], ("dla_department",)),
            ("provider", raw["provider_name"], ("provider_kind",)),
        ]
        errors = []
        for entity, key, columns in groups:
            if not key:
                continue
            values = tuple(sys.intern(_normal(column, raw[column])) for column in columns)
            first = self.first.setdefault((entity, key), (line, values))
            if first[0] == line or values == first[1]:
                continue
            for column, value, first_value in zip(columns, values, first[1], strict=True):
                if value != first_value:
                    errors.append(
                        RowError(
                            line,
                            column,
                            f"« {raw[column]} » diffère de la ligne {first[0]} "
                            f"(« {first_value} ») pour {_LABELS[entity]} {key}.",
                        )
                    )
        pair = (ref, siret)
        if all(pair) and self.pairs.setdefault(pair, line) != line:
            errors.append(
                RowError(
                    line,
                    "structure_siret",
                    f"La structure {siret} figure déjà ligne {self.pairs[pair]} "
                    f"pour la prestation {pair[0]}.",
                )
            )
        return errors


_LABELS = {
    "prestation": "la prestation",
    "structure": "la structure",
    "accompaniment": "l'accompagnement",
    "provider": "le prestataire",
}


def _normal(column, value):
    if column == "structure_networks":
        return ";".join(sorted({v.strip().lower() for v in value.split(";")} - {""}))
    if column in ("dla_department", "structure_department"):
        return _department(value)
    return value


def _department(value):
    value = value.upper()
    return sys.intern(f"0{value}" if value.isdigit() and len(value) == 1 else value)


def check_row(line, raw, departments, errors):
    """A ``Row`` when the record is valid on its own; its errors go to ``errors``."""

    def error(column, message):
        errors.append(RowError(line, column, message))

    for column in COLUMNS:
        if column != "structure_networks" and not raw[column]:
            error(column, "Valeur obligatoire.")
    for column, limit in MAX_LENGTHS.items():
        if len(raw[column]) > limit:
            error(column, f"Valeur trop longue ({len(raw[column])} caractères, {limit} au plus).")
    if len(raw["structure_name"]) > 255:
        error("structure_name", "Valeur trop longue (255 caractères au plus).")

    choices = {}
    for column, allowed in VOCABULARIES.items():
        # Interned: a handful of values, on every line.
        value = sys.intern(
            raw[column].upper() if column == "structure_kind" else raw[column].lower()
        )
        if raw[column] and value not in allowed:
            error(
                column, f"Valeur inconnue : « {raw[column]} » (possibles : {', '.join(allowed)})."
            )
        choices[column] = value

    for column in ("dla_department", "structure_department"):
        if raw[column] and _department(raw[column]) not in departments:
            error(column, f"Département inconnu : « {raw[column]} ».")

    siret = sys.intern(normalize_siret(raw["structure_siret"]))
    if siret:
        try:
            validate_siret(siret)
        except ValidationError:
            error("structure_siret", f"SIRET invalide : « {siret} » (14 chiffres, clé de Luhn).")

    start = _date(error, "start_date", raw["start_date"])
    end = _date(error, "end_date", raw["end_date"])
    if start and end and end < start:
        error("end_date", f"La fin ({end}) précède le début ({start}).")
    days = _decimal(error, "days", raw["days"], max_digits=6)
    cost = _decimal(error, "cost", raw["cost"], max_digits=12)
    permanents = _count(error, "structure_permanents", raw["structure_permanents"])
    insertion = _count(error, "structure_insertion_employees", raw["structure_insertion_employees"])

    networks = _networks(_normal("structure_networks", raw["structure_networks"]))
    unknown = sorted(networks - set(NETWORKS))
    if unknown:
        error(
            "structure_networks",
            f"Réseau inconnu : {', '.join(unknown)} (possibles : {', '.join(NETWORKS)}).",
        )
    if errors:
        return None
    prestation = PrestationRow(
        ref=sys.intern(raw["prestation_ref"]),
        accompaniment_ref=sys.intern(raw["accompaniment_ref"]),
        dla_department=_department(raw["dla_department"]),
        provider_name=raw["provider_name"],
        provider_kind=choices["provider_kind"],
        values=(start, end, choices["mode"], choices["theme"], choices["prescriber"], days, cost),
    )
    structure = StructureRow(
        siret=siret,
        name=raw["structure_name"],
        kind=choices["structure_kind"],
        department=_department(raw["structure_department"]),
        networks=networks,
        permanents=permanents,
        insertion_employees=insertion,
    )
    return Row(line, prestation, structure)


@functools.lru_cache(maxsize=256)
def _networks(normalized):
    """The set of networks of a normalised ``structure_networks`` value: one object for
    each of the few combinations a file holds (31,000 sets otherwise)."""
    return frozenset(normalized.split(";")) - {""}


def _date(error, column, value):
    if not value:
        return None
    date, reason = parse_date(value)
    if reason:
        error(column, reason)
    return date


def _decimal(error, column, value, *, max_digits):
    if not value:
        return None
    try:
        number = Decimal(value.replace(",", "."))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        error(column, f"Nombre invalide : « {value} ».")
        return None
    if number < 0:
        error(column, f"Le nombre doit être positif ou nul : « {value} ».")
        return None
    if number >= Decimal(10) ** (max_digits - 2):
        error(column, f"Nombre trop grand : « {value} ».")
        return None
    return number.quantize(Decimal("0.01"))


def _count(error, column, value):
    if not value:
        return None
    if not value.isdigit():
        error(column, f"Nombre entier positif ou nul attendu : « {value} ».")
        return None
    return int(value)
