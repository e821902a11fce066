"""What the yearly bilans (DLA, clauses) share: their rounding of shares, their output
as JSON or as the flat ``key,value`` CSV with dotted keys that dla.md and clauses.md give
(the commands and the API: machine contracts), and the CSV a person downloads from the
web report (French labels, for French Excel)."""

import json
from decimal import ROUND_HALF_UP, Decimal

from .exports import MACHINE, attachment, csv_bytes
from .exports import write_csv as write_csv_rows


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
    """The flat ``key,value`` listing of dla.md and clauses.md (``exports.MACHINE``)."""
    write_csv_rows(stream, ["key", "value"], flatten(bilan), format=MACHINE)


def write_bilan(stream, bilan, format):
    """The bilan on ``stream`` as the commands print it (``format``: json or csv)."""
    if format == "json":
        stream.write(json.dumps(bilan, indent=1, ensure_ascii=False))
    else:
        write_csv(stream, bilan)


def percent(share):
    """A share (``0.979``) as the percentage a person reads (``97.9``)."""
    return Decimal(str(share)) * 100


def people_csv(filename, header, rows):
    """A CSV download for people: French Excel's (``exports.FRENCH_EXCEL``), as the queue's
    export; numbers with a decimal comma (a year stays ``2026``), text never a formula."""
    return attachment(csv_bytes(header, rows), filename)
