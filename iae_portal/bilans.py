"""What the yearly bilans (DLA, clauses) share: their rounding of shares, and their output
as JSON or as the flat ``key,value`` CSV with dotted keys that dla.md and clauses.md give."""

import csv
import json
from decimal import ROUND_HALF_UP, Decimal


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
