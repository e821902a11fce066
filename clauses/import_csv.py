"""What the two CSV imports of ../shared/domain/clauses.md share: parsing values with
French messages, the result of an import (the file is read by ``iae_portal.imports``).

Line numbers are physical lines of the file (the header is line 1), as a spreadsheet shows.
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from iae_portal.imports import ImportPlan, RowError, count, parse_date

__all__ = ["ImportResult", "RowChecker"]

CHUNK = 900  # every IN (...) stays under SQLite's historical 999 bound variables
BATCH = 500
PERIOD = re.compile(r"(\d{4})-(\d{2})")


@dataclass
class ImportResult(ImportPlan):
    """What an import did (or, with errors, refused to do: nothing is written then)."""

    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def has_changes(self):
        return bool(self.created or self.updated)

    @property
    def summary(self):
        return (
            f"{count(self.created)} créé(s), {count(self.updated)} mis à jour, "
            f"{count(self.unchanged)} inchangé(s), {count(self.error_line_count)} ligne(s) en erreur"
        )


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
        date, reason = parse_date(self.values[column])
        if reason:
            self.error(column, reason)
        return date

    def period(self, column):
        raw = self.values[column]
        match = PERIOD.fullmatch(raw)
        if match and 1 <= int(match[2]) <= 12:
            return datetime.date(int(match[1]), int(match[2]), 1)
        self.error(column, f"Mois invalide : « {raw} » (format attendu AAAA-MM).")
        return None
