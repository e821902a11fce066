"""The one writer of every CSV and XLSX file the portal gives out: the pages' exports, the
bilans' CSV files, the commands' machine-readable CSV and the files prepared in the
background (``iae_portal.prepared``). Nothing else writes a spreadsheet
(``tests/test_exports.py`` checks the sources).

Spreadsheets run a cell starting with ``=``, ``+``, ``-`` or ``@`` as a formula (formula or
CSV injection: ``=HYPERLINK(…)`` sends the reader's data away, ``=cmd|…`` used to start
programs). A text cell that a spreadsheet could read as a formula is neutralised the
OWASP way, with a leading ``'``, in CSV and XLSX alike: text starting with one of those,
with a tab, a carriage return or a NUL, and text whose first character after blanks
(spaces, no-break spaces, line breaks: some importers trim them) is one of them or its
full-width form. Numbers and dates are never text here: an amount of ``-5`` stays a number
(``-5,00`` in a CSV, a number cell in a workbook).

Formats (each export keeps its own; only text cells are escaped):

- ``FRENCH_EXCEL``: what Excel under a French locale opens as is: UTF-8 with a byte order
  mark (without it Excel reads accents as Windows-1252), ``;`` between cells, CRLF, decimal
  comma without thousands separator, ISO dates (``2026-03-31``);
- ``MACHINE``: the flat ``key,value`` CSV of the commands (dla.md, clauses.md): ``,``, LF,
  no byte order mark, numbers as Python writes them (``0.667``);
- ``write_xlsx``: a workbook with a bold, frozen header row, amounts as numbers
  (``#,##0.00``), dates as dates (``yyyy-mm-dd``), text typed as text.
"""

import csv
import datetime
import io
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"csv": CSV_TYPE, "xlsx": XLSX_TYPE}

# OWASP's list: a cell starting with one of these is run as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
# After leading blanks (which some importers trim): these and their full-width forms.
FORMULA_SIGNS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")

# Column kinds: how a number of the column is written (a text is text whatever the column).
TEXT, NUMBER, AMOUNT, DATE = "text", "number", "amount", "date"


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT
    width: int | None = None  # in the workbook, in characters


def columns_of(headers):
    """Plain headers as text columns (numbers in them are still written as numbers)."""
    return [header if isinstance(header, Column) else Column(header) for header in headers]


def is_formula_like(text):
    if text.startswith(FORMULA_STARTS):
        return True
    return text.lstrip()[:1] in FORMULA_SIGNS


def neutralise(text):
    """``text`` as a spreadsheet shows it and never runs it: ``'`` before a formula."""
    return f"'{text}" if is_formula_like(text) else text


def _is_number(value):
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _is_date(value):
    return isinstance(value, datetime.date)


# -- CSV -------------------------------------------------------------------------------------


def french_number(value, kind):
    """A decimal comma and no thousands separator (a year stays ``2026``); amounts with
    two decimals (``1234,50``)."""
    if kind == AMOUNT:
        return f"{Decimal(value):.2f}".replace(".", ",")
    if isinstance(value, int):
        return str(value)
    return format(Decimal(str(value)).normalize(), "f").replace(".", ",")


def plain_number(value, kind):
    return str(value)


@dataclass(frozen=True)
class CsvFormat:
    delimiter: str
    lineterminator: str
    byte_order_mark: bool
    number: object  # (value, column kind) → text

    def cell(self, value, column):
        if value is None:
            return ""
        if _is_number(value):
            return self.number(value, column.kind)
        if _is_date(value):
            return value.isoformat()
        return neutralise(str(value))


FRENCH_EXCEL = CsvFormat(";", "\r\n", True, french_number)
MACHINE = CsvFormat(",", "\n", False, plain_number)


def write_csv(stream, headers, rows, *, format=FRENCH_EXCEL):
    """Write a header row and ``rows`` (iterables of plain values: ``str``, numbers,
    dates, ``None``) on the text ``stream`` (open it with ``newline=""``)."""
    columns = columns_of(headers)
    if format.byte_order_mark:
        stream.write("\ufeff")
    writer = csv.writer(stream, delimiter=format.delimiter, lineterminator=format.lineterminator)
    writer.writerow(neutralise(column.header) for column in columns)
    for row in rows:
        writer.writerow(
            format.cell(value, column) for value, column in zip(row, columns, strict=True)
        )


def csv_bytes(headers, rows, *, format=FRENCH_EXCEL):
    buffer = io.StringIO()
    write_csv(buffer, headers, rows, format=format)
    return buffer.getvalue().encode("utf-8")


# -- XLSX ------------------------------------------------------------------------------------

NUMBER_FORMATS = {AMOUNT: "#,##0.00", DATE: "yyyy-mm-dd"}


def _xlsx_cell(sheet, value, column, *, font=None):
    if _is_number(value) or _is_date(value) or value is None:
        cell = WriteOnlyCell(sheet, value=value)
        if value is not None and column.kind in NUMBER_FORMATS:
            cell.number_format = NUMBER_FORMATS[column.kind]
        elif _is_date(value):
            cell.number_format = NUMBER_FORMATS[DATE]
    else:
        # Control characters XML refuses go; the text stays text, never a formula.
        text = neutralise(ILLEGAL_CHARACTERS_RE.sub("", str(value)))
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell


def _xlsx_sheet(workbook, title, headers, rows):
    columns = columns_of(headers)
    sheet = workbook.create_sheet(title[:31])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        if column.width:
            sheet.column_dimensions[get_column_letter(index)].width = column.width
    bold = Font(bold=True)
    sheet.append([_xlsx_cell(sheet, column.header, Column(""), font=bold) for column in columns])
    for row in rows:
        sheet.append(
            [_xlsx_cell(sheet, value, column) for value, column in zip(row, columns, strict=True)]
        )


def write_xlsx(stream, headers, rows, *, sheet_title="Feuille 1"):
    """A workbook of one sheet on the binary ``stream``."""
    write_workbook(stream, [(sheet_title, headers, rows)])


def write_workbook(stream, sheets):
    """A workbook of several sheets on the binary ``stream``: ``sheets`` is a list of
    ``(title, headers, rows)`` (titles cut to Excel's 31 characters, distinct)."""
    workbook = Workbook(write_only=True)
    for title, headers, rows in sheets:
        _xlsx_sheet(workbook, title, headers, rows)
    workbook.save(stream)


def xlsx_bytes(headers, rows, *, sheet_title="Feuille 1"):
    buffer = io.BytesIO()
    write_xlsx(buffer, headers, rows, sheet_title=sheet_title)
    return buffer.getvalue()


def write(stream, fmt, headers, rows, *, sheet_title="Feuille 1"):
    """``fmt`` ``csv`` (French Excel) or ``xlsx`` on the binary ``stream``."""
    if fmt == "xlsx":
        write_xlsx(stream, headers, rows, sheet_title=sheet_title)
        return
    text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
    try:
        write_csv(text, headers, rows)
    finally:
        text.flush()
        text.detach()  # the caller still owns ``stream``


# -- Downloads -------------------------------------------------------------------------------


def attachment(content, filename, content_type=None):
    """A download of ``content`` (bytes) named ``filename``."""
    extension = filename.rpartition(".")[2]
    response = HttpResponse(content, content_type=content_type or CONTENT_TYPES[extension])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def download(fmt, filename, headers, rows, *, sheet_title="Feuille 1"):
    """``rows`` as a ``csv`` (French Excel) or ``xlsx`` download named ``filename``."""
    buffer = io.BytesIO()
    write(buffer, fmt, headers, rows, sheet_title=sheet_title)
    return attachment(buffer.getvalue(), filename)
