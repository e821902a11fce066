"""What the two CSV imports of ../shared/domain/clauses.md share: reading rows, parsing
values with French messages, the result of an import.

Line numbers are physical lines of the file (the header is line 1), as a spreadsheet shows.
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from structures.import_rows import RowError, decode, numbered_records, read_header

__all__ = ["ImportResult", "RowError", "decode", "read_records"]

CHUNK = 900  # every IN (...) stays under SQLite's historical 999 bound variables
BATCH = 500
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
PERIOD = re.compile(r"(\d{4})-(\d{2})")


@dataclass
class ImportResult:
    """What an import did (or, with errors, refused to do: nothing is written then)."""

    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def is_valid(self):
        return not self.errors

    @property
    def summary(self):
        lines = len({error.line for error in self.errors})
        return (
            f"{self.created} créé(s), {self.updated} mis à jour, {self.unchanged} inchangé(s), "
            f"{lines} ligne(s) en erreur"
        )


def read_records(source, columns):
    """``(records, errors)``: ``records`` is a list of ``(line, {column: stripped value})``
    for every non-blank row of a UTF-8 CSV with a header naming all ``columns``."""
    text, error = decode(source)
    if error is not None:
        return [], [error]
    reader = csv.reader(io.StringIO(text, newline=""))
    header, error = read_header(reader, columns)
    if error is not None:
        return [], [error]
    index = {name: header.index(name) for name in columns}
    records, errors = [], []
    for line, record in numbered_records(reader, errors):
        if len(record) > len(header) and any(v.strip() for v in record[len(header) :]):
            errors.append(
                RowError(
                    line,
                    None,
                    f"La ligne compte {len(record)} valeurs pour {len(header)} colonnes.",
                )
            )
            continue
        values = {
            name: record[position].strip() if position < len(record) else ""
            for name, position in index.items()
        }
        records.append((line, values))
    return records, errors


class RowChecker:
    """Collects the errors of one row; each ``parse_*`` returns ``None`` on error."""

    def __init__(self, line, values):
        self.line, self.values, self.errors = line, values, []

    def error(self, column, message):
        self.errors.append(RowError(self.line, column, message))

    def required(self, column, max_length=255):
        value = self.values[column]
        if not value:
            self.error(column, "Valeur obligatoire.")
            return None
        if len(value) > max_length:
            self.error(
                column, f"Valeur trop longue ({len(value)} caractères, {max_length} au plus)."
            )
            return None
        return value

    def choice(self, column, choices):
        value = self.values[column]
        if value in choices:
            return value
        if not value:
            self.error(column, "Valeur obligatoire.")
        else:
            self.error(
                column, f"Valeur inconnue : « {value} » (valeurs possibles : {', '.join(choices)})."
            )
        return None

    def decimal(self, column, *, positive=False, integer=False, max_digits=12):
        raw = self.values[column]
        try:
            value = Decimal(raw.replace(" ", "").replace(",", "."))
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            self.error(column, f"Nombre invalide : « {raw} »." if raw else "Valeur obligatoire.")
            return None
        if integer and value != value.to_integral_value():
            self.error(column, f"Nombre entier attendu : « {raw} ».")
            return None
        if not integer and value != value.quantize(Decimal("0.01")):
            self.error(column, f"Deux décimales au plus : « {raw} ».")
            return None
        if positive and value <= 0:
            self.error(column, f"Le nombre doit être strictement positif : « {raw} ».")
            return None
        if value < 0:
            self.error(column, f"Le nombre doit être positif ou nul : « {raw} ».")
            return None
        if abs(value) >= Decimal(10) ** (max_digits - 2):
            self.error(column, f"Nombre trop grand : « {raw} ».")
            return None
        return int(value) if integer else value.quantize(Decimal("0.01"))

    def date(self, column):
        raw = self.values[column]
        try:
            if ISO_DATE.fullmatch(raw):
                return datetime.date.fromisoformat(raw)
        except ValueError:
            pass
        self.error(column, f"Date invalide : « {raw} » (format attendu AAAA-MM-JJ).")
        return None

    def period(self, column):
        raw = self.values[column]
        match = PERIOD.fullmatch(raw)
        if match and 1 <= int(match[2]) <= 12:
            return datetime.date(int(match[1]), int(match[2]), 1)
        self.error(column, f"Mois invalide : « {raw} » (format attendu AAAA-MM).")
        return None
