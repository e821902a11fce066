"""Assembling the CDIAE report from the registered tables, and writing it as JSON, XLSX or
PDF. The JSON's keys are a contract (``docs/cdiae.md``, ``tests/cdiae``): a table's key, its
columns' keys and the keys of its details never change once published."""

import io
import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from .. import exports
from ..charts import hbar_chart
from ..pdf import euros, html_to_pdf, long_date
from . import registry
from .registry import AMOUNT, COUNT, DECIMAL, FIGURE, HOURS, SHARE, TEXT

FORMATS = ("json", "xlsx", "pdf")
CONTENT_TYPES = {
    "json": "application/json",
    "xlsx": exports.XLSX_TYPE,
    "pdf": "application/pdf",
}
FORMAT_NAMES = {"json": "JSON", "xlsx": "Excel", "pdf": "PDF"}
# The JSON's own version: it grows only if a key changes meaning or goes.
FORMAT_VERSION = 1


@dataclass
class Report:
    scope: registry.Scope
    year: int
    generated_on: object  # a date
    council: str
    parts: list  # [(Table, Result)]


def build_report(scope, year, *, progress=None):
    """Every registered table of ``scope`` and ``year``; ``progress(done, total)`` is called
    after each (the rendering counts as one more step)."""
    tables = registry.tables()
    total = len(tables) + 1
    parts = []
    if progress:
        progress(0, total)
    for done, table in enumerate(tables, start=1):
        parts.append((table, table.compute(scope, year)))
        if progress:
            progress(done, total)
    return Report(
        scope=scope,
        year=year,
        generated_on=timezone.localdate(),
        council=settings.PORTAL_COUNCIL_NAME,
        parts=parts,
    )


def title(scope, year):
    return f"Rapport CDIAE {year} — {scope.label}"


def filename(report_or_scope, year, fmt):
    scope = getattr(report_or_scope, "scope", report_or_scope)
    return f"rapport-cdiae-{scope.slug}-{year}.{fmt}"


# -- JSON --------------------------------------------------------------------------------


def _two_decimals(value):
    return f"{Decimal(value).quantize(Decimal('0.01'), ROUND_HALF_UP)}"


def json_value(value, kind):
    """A value as the JSON gives it: amounts and decimals as strings with two decimals (as
    the REST API), counts as ints, a bilan's figures as the bilan gives them."""
    if value is None:
        return None
    if kind in (AMOUNT, DECIMAL):
        return _two_decimals(value)
    if kind == COUNT:
        return int(value)
    if kind == TEXT:
        return str(value)
    return value


def _json_row(row, columns):
    values = {column.key: json_value(row.get(column.key), column.kind) for column in columns}
    if any(column.kind == FIGURE for column in columns):
        values["kind"] = row["kind"]
    return values


def as_dict(report):
    """The report as one dict with stable keys (``docs/cdiae.md``)."""
    scope = report.scope
    tables = {}
    for table, result in report.parts:
        totals = None
        if result.totals is not None:
            kinds = {column.key: column.kind for column in table.columns}
            totals = {key: json_value(value, kinds[key]) for key, value in result.totals.items()}
        tables[table.key] = {
            "title": table.title,
            "columns": [
                {"key": column.key, "label": column.label, "kind": column.kind}
                for column in table.columns
            ],
            "rows": [_json_row(row, table.columns) for row in result.rows],
            "totals": totals,
            "details": result.details,
            "notes": list(result.notes),
        }
    return {
        "report": "cdiae",
        "format_version": FORMAT_VERSION,
        "council": report.council,
        "year": report.year,
        "generated_on": report.generated_on.isoformat(),
        "scope": {
            "kind": scope.kind,
            "code": scope.code,
            "name": scope.name,
            "region_code": scope.region_code,
            "region_name": scope.region_name,
            "departments": list(scope.departments),
        },
        "tables": tables,
    }


def json_text(report):
    return json.dumps(as_dict(report), indent=1, ensure_ascii=False)


# -- XLSX --------------------------------------------------------------------------------

XLSX_KINDS = {
    TEXT: exports.TEXT,
    COUNT: exports.NUMBER,
    AMOUNT: exports.AMOUNT,
    DECIMAL: exports.NUMBER,
    FIGURE: exports.NUMBER,
}
UNITS = {COUNT: "nombre", SHARE: "%", HOURS: "heures"}


def _figure_number(value, kind):
    """A bilan's figure as a person reads it: a share as a percentage (``66.7``)."""
    if value is None:
        return None
    if kind == SHARE:
        return (Decimal(str(value)) * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return value


def _xlsx_value(value, column, row=None):
    if value is None:
        return None
    if column.kind == FIGURE:
        return _figure_number(value, row["kind"])
    if column.kind in (AMOUNT, DECIMAL):
        return Decimal(value)
    return value


def sheets(report):
    """``[(title, headers, rows)]``: one sheet per table, its totals as a last row."""
    result_sheets = []
    used = set()
    for table, result in report.parts:
        columns = list(table.columns)
        figure = any(column.kind == FIGURE for column in columns)
        headers = [
            exports.Column(column.label, XLSX_KINDS[column.kind], width=_width(column))
            for column in columns
        ]
        if figure:
            headers.append(exports.Column("Unité", exports.TEXT, width=10))
        rows = []
        for row in result.rows:
            values = [_xlsx_value(row.get(column.key), column, row) for column in columns]
            if figure:
                values.append(UNITS[row["kind"]])
            rows.append(values)
        if result.totals is not None:
            total_row = [_xlsx_value(result.totals.get(column.key), column) for column in columns]
            total_row[0] = "Total"
            if figure:
                total_row.append(None)
            rows.append(total_row)
        name = table.sheet_title
        while name in used:  # Excel refuses two sheets of one name
            name = name[:28] + f" {len(used)}"
        used.add(name)
        result_sheets.append((name, headers, rows))
    return result_sheets


def _width(column):
    if column.kind == TEXT:
        return 40 if column.pdf else 14
    return max(12, min(len(column.label) + 2, 24))


def write_xlsx(stream, report):
    exports.write_workbook(stream, sheets(report))


# -- PDF ---------------------------------------------------------------------------------

NBSP = "\u00a0"


def french_count(value):
    return f"{int(value):,}".replace(",", NBSP)


def french_decimal(value, places=2):
    quantum = Decimal(1).scaleb(-places)
    number = Decimal(str(value)).quantize(quantum, ROUND_HALF_UP)
    return f"{number:,.{places}f}".replace(",", NBSP).replace(".", ",")


def french_hours(value):
    value = Decimal(str(value))
    if value == value.to_integral_value():
        return french_count(value)
    return french_decimal(value, 1)


def display(value, kind):
    """A value as the PDF prints it, French style (``12 345,67 €``, ``66,7 %``)."""
    if value is None:
        return "—"
    if kind == AMOUNT:
        return euros(value)
    if kind == DECIMAL:
        return french_decimal(value)
    if kind == COUNT:
        return french_count(value)
    if kind == SHARE:
        return french_decimal(Decimal(str(value)) * 100, 1) + f"{NBSP}%"
    if kind == HOURS:
        return french_hours(value) + f"{NBSP}h"
    return str(value)


def _pdf_table(table, result, year):
    columns = [column for column in table.columns if column.pdf]

    def cells(row, totals=False):
        shown = []
        for column in columns:
            value = row.get(column.key)
            kind = row.get("kind") if column.kind == FIGURE and not totals else column.kind
            shown.append(
                {
                    "text": "" if totals and value is None else display(value, kind),
                    "num": column.kind != TEXT,
                }
            )
        return shown

    totals = None
    if result.totals is not None:
        totals = cells(result.totals, totals=True)
        totals[0] = {"text": "Total", "num": False}
    chart = table.chart(result, year) if table.chart else None
    return {
        "key": table.key,
        "figures": any(column.kind == FIGURE for column in columns),
        "title": table.title,
        "description": table.description,
        "headers": [{"label": column.label, "num": column.kind != TEXT} for column in columns],
        "rows": [cells(row) for row in result.rows],
        "totals": totals,
        "notes": result.notes,
        "chart": hbar_chart(chart.points, label=chart.label, unit=chart.unit)
        if chart and chart.points
        else None,
    }


def pdf_context(report):
    return {
        "council": report.council,
        "scope": report.scope,
        "year": report.year,
        "today": long_date(report.generated_on),
        "title": title(report.scope, report.year),
        "tables": [_pdf_table(table, result, report.year) for table, result in report.parts],
    }


def render_pdf(report):
    return html_to_pdf(render_to_string("cdiae/report_pdf.html", pdf_context(report)))


# -- Any format --------------------------------------------------------------------------


def content(report, fmt):
    """The report as bytes in ``fmt`` (``json``, ``xlsx``, ``pdf``)."""
    if fmt == "json":
        return json_text(report).encode("utf-8")
    if fmt == "xlsx":
        buffer = io.BytesIO()
        write_xlsx(buffer, report)
        return buffer.getvalue()
    if fmt == "pdf":
        return render_pdf(report)
    raise ValueError(f"unknown format {fmt!r}")
