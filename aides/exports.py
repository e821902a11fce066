"""Exports of the instruction queue (the filtered dossiers, every page) to CSV and XLSX.

Rows are read with ``values_list(...).iterator()``: one query whatever the number of
dossiers, and no model instance per row.
"""

import csv
import io

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .enums import DossierState

TEXT, AMOUNT, DATE = "text", "amount", "date"
# (French header, kind, width in the spreadsheet)
COLUMNS = [
    ("Référence", TEXT, 14),
    ("Intitulé du projet", TEXT, 40),
    ("Structure", TEXT, 36),
    ("SIRET", TEXT, 16),
    ("Type de structure", TEXT, 12),
    ("Département", TEXT, 12),
    ("Dispositif", TEXT, 36),
    ("Appel à candidatures", TEXT, 36),
    ("État", TEXT, 20),
    ("Instructeur", TEXT, 28),
    ("Montant demandé (€)", AMOUNT, 16),
    ("Montant proposé (€)", AMOUNT, 16),
    ("Montant voté (€)", AMOUNT, 16),
    ("Déposé le", DATE, 12),
    ("Modifié le", DATE, 12),
]
HEADERS = [header for header, _, _ in COLUMNS]
FIELDS = (
    "reference",
    "title",
    "structure__name",
    "structure__siret",
    "structure__kind",
    "structure__department_id",
    "campaign__scheme__name",
    "campaign__name",
    "state",
    "instructor__first_name",
    "instructor__last_name",
    "instructor__email",
    "requested_amount",
    "proposed_amount",
    "voted_amount",
    "submitted_at",
    "updated_at",
)
STATE_LABELS = dict(DossierState.choices)
# Spreadsheets run a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _day(moment):
    return timezone.localtime(moment).date() if moment else None


def rows(queryset):
    """Plain values of each dossier, in ``COLUMNS`` order: ``str``, ``Decimal``, ``date``."""
    for row in queryset.values_list(*FIELDS).iterator(chunk_size=2000):
        (reference, title, name, siret, kind, department, scheme, campaign, state) = row[:9]
        first_name, last_name, email, requested, proposed, voted, submitted, updated = row[9:]
        instructor = f"{first_name or ''} {last_name or ''}".strip() or (email or "")
        yield [
            reference,
            title,
            name,
            siret,
            kind,
            department,
            scheme,
            campaign,
            STATE_LABELS.get(state, state),
            instructor,
            requested,
            proposed,
            voted,
            _day(submitted),
            _day(updated),
        ]


def _safe_text(value):
    return f"'{value}" if value and value.startswith(FORMULA_STARTS) else value


def _csv_value(value, kind):
    if value is None:
        return ""
    if kind == AMOUNT:
        return f"{value:.2f}".replace(".", ",")
    if kind == DATE:
        return value.isoformat()
    return _safe_text(str(value))


def _attachment(content, *, content_type, extension):
    response = HttpResponse(content, content_type=content_type)
    filename = f"file-instruction-{timezone.localdate():%Y-%m-%d}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def queue_csv(queryset):
    """The queue as CSV for French Excel: UTF-8 with a byte order mark (without it Excel
    reads the accents as Windows-1252), ``;`` as separator and a decimal comma, as Excel
    expects them under a French locale. Amounts are plain numbers (no thousands separator,
    no € sign), dates ISO 8601 (``2026-03-31``)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS)
    for row in rows(queryset):
        writer.writerow(
            _csv_value(value, kind) for value, (_, kind, _) in zip(row, COLUMNS, strict=True)
        )
    return _attachment(
        buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8", extension="csv"
    )


NUMBER_FORMATS = {AMOUNT: "#,##0.00", DATE: "yyyy-mm-dd"}


def queue_xlsx(queryset):
    """The queue as an Excel workbook: a bold, frozen header row, amounts as numbers
    (``#,##0.00``), dates as dates shown ISO (``yyyy-mm-dd``)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Dossiers")
    sheet.freeze_panes = "A2"
    for index, (_, _, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    sheet.append([_cell(sheet, header, TEXT, font=bold) for header in HEADERS])
    for row in rows(queryset):
        sheet.append(
            [_cell(sheet, value, kind) for value, (_, kind, _) in zip(row, COLUMNS, strict=True)]
        )
    output = io.BytesIO()
    workbook.save(output)
    return _attachment(
        output.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        extension="xlsx",
    )


def _cell(sheet, value, kind, *, font=None):
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters XML refuses
    cell = WriteOnlyCell(sheet, value=value)
    if kind == TEXT and isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text starts with
    elif kind in NUMBER_FORMATS:
        cell.number_format = NUMBER_FORMATS[kind]
    if font is not None:
        cell.font = font
    return cell
