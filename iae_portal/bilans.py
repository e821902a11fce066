"""What the yearly bilans (DLA, clauses) share: their rounding of shares, their output
as JSON or as the flat ``key,value`` CSV with dotted keys that dla.md and clauses.md give
(the commands and the API: machine contracts), and the CSV a person downloads from the
web report (French labels, for French Excel)."""

import csv
import io
import json
from decimal import ROUND_HALF_UP, Decimal

from django.http import HttpResponse


def share(part, whole):
    """``part / whole`` rounded half-up to 3 decimals, as a float; 0.0 when ``whole`` is 0."""
    if not whole:
        return 0.0
    return float((Decimal(part) / Decimal(whole)).quantize(Decimal("0.001"), ROUND_HALF_UP))


def flatten(bilan, prefix=""):
    """``[(key, value)]`` with dotted keys (``themes.individuelle.juridique``), in order."""
    items = []
    for key, value in bilan.items():
        if isinstance(value, dict):
            items.extend(flatten(value, f"{prefix}{key}."))
        else:
            items.append((f"{prefix}{key}", value))
    return items


def write_csv(stream, bilan):
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(["key", "value"])
    writer.writerows(flatten(bilan))


def write_bilan(stream, bilan, format):
    """The bilan on ``stream`` as the commands print it (``format``: json or csv)."""
    if format == "json":
        stream.write(json.dumps(bilan, indent=1, ensure_ascii=False))
    else:
        write_csv(stream, bilan)


# Cells Excel would run as a formula (OWASP's CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def people_value(value):
    """A cell as French Excel reads it: numbers with a decimal comma and no thousands
    separator (a year stays ``2026``), text that cannot start a formula."""
    if isinstance(value, bool) or value is None:
        raise TypeError(f"no cell for {value!r}")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        number = Decimal(str(value)).normalize()
        return format(number, "f").replace(".", ",")
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def percent(share):
    """A share (``0.979``) as the percentage a person reads (``97.9``)."""
    return Decimal(str(share)) * 100


def people_csv(filename, header, rows):
    """A CSV download for people: UTF-8 with a byte order mark, ``;`` between cells, as the
    queue's export (Excel under a French locale reads it as is)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([people_value(cell) for cell in row] for row in rows)
    response = HttpResponse(buffer.getvalue().encode(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
