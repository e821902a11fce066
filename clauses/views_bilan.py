"""The yearly bilan as a web report (clauses_bilan's figures, the breakdowns per buyer,
facilitator and SIAE kind, charts) and its CSV exports."""

import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from iae_portal.bilans import flatten
from iae_portal.charts import hbar_chart

from . import perms
from .bilan import breakdowns, clauses_bilan
from .enums import MarcheType, Modality
from .models import Marche


def _bilan_year(request):
    try:
        return int(request.GET["year"])
    except (KeyError, ValueError):
        latest = Marche.objects.aggregate(latest=Max("notification_date"))["latest"]
        return latest.year if latest else timezone.localdate().year


@login_required
def bilan(request):
    if not perms.can_view_bilan(request.user):
        raise PermissionDenied
    year = _bilan_year(request)
    figures = clauses_bilan(year)
    tables = breakdowns(year)
    types = dict(MarcheType.choices)
    modalities = dict(Modality.choices)
    type_rows = [(types[code], row) for code, row in figures["by_type"].items()]
    return render(
        request,
        "clauses/bilan.html",
        {
            "year": year,
            "bilan": figures,
            "type_rows": type_rows,
            "type_chart": hbar_chart(
                [(label, row["hours_realised"]) for label, row in type_rows],
                label=f"Heures réalisées par type de marché ({year})",
                unit=" h",
            ),
            "share_chart": hbar_chart(
                [(label, row["share_with_clause"] * 100) for label, row in type_rows],
                label=f"Part des marchés clausés par type ({year})",
                unit=" %",
            ),
            "modality_chart": hbar_chart(
                [(modalities[k], v) for k, v in figures["hours_by_modality"].items()],
                label=f"Heures réalisées par modalité ({year})",
                unit=" h",
            ),
            "publics": figures["hours_by_public"],
            "tables": tables,
            "buyer_chart": hbar_chart(
                [(row["buyer"].name, row["hours_realised"]) for row in tables["buyers"]],
                label=f"Heures réalisées par acheteur ({year})",
                unit=" h",
            ),
            "facilitator_chart": hbar_chart(
                [
                    (str(row["facilitator"] or "Sans facilitateur"), row["hours_realised"])
                    for row in tables["facilitators"]
                ],
                label=f"Heures réalisées par facilitateur ({year})",
                unit=" h",
            ),
            "siae_chart": hbar_chart(
                [(row["label"], row["hours"]) for row in tables["siae_kinds"]],
                label=f"Heures réalisées par type de SIAE ({year})",
                unit=" h",
            ),
        },
    )


# ``?tableau=``: the web report's tables, as (header, row → cells)
CSV_TABLES = {
    "acheteurs": (
        [
            "acheteur",
            "type_acheteur",
            "marches",
            "marches_avec_clause",
            "heures_exigees",
            "heures_realisees",
        ],
        lambda r: [
            r["buyer"].name,
            r["buyer"].kind,
            r["marches"],
            r["marches_with_clause"],
            r["hours_required"],
            r["hours_realised"],
        ],
    ),
    "facilitateurs": (
        [
            "facilitateur",
            "departements",
            "lots",
            "heures_exigees",
            "heures_realisees",
            "participants",
        ],
        lambda r: [
            r["facilitator"] or "",
            " ".join(r["territory"]),
            r["lots"],
            r["hours_required"],
            r["hours_realised"],
            r["participants"],
        ],
    ),
    "siae": (
        ["type_siae", "siae", "heures_realisees"],
        lambda r: [r["kind"] or "sans_siae", r["siae"], r["hours"]],
    ),
}
CSV_TABLE_KEYS = {"acheteurs": "buyers", "facilitateurs": "facilitators", "siae": "siae_kinds"}


@login_required
def bilan_csv(request):
    """The bilan as ``key,value`` rows, or one of the report's tables (``?tableau=``):
    aggregates only, never a participant."""
    if not perms.can_view_bilan(request.user):
        raise PermissionDenied
    year = _bilan_year(request)
    table = request.GET.get("tableau")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    suffix = f"-{table}" if table in CSV_TABLES else ""
    response["Content-Disposition"] = f'attachment; filename="bilan-clauses-{year}{suffix}.csv"'
    writer = csv.writer(response)
    if table in CSV_TABLES:
        header, cells = CSV_TABLES[table]
        writer.writerow(header)
        writer.writerows(cells(row) for row in breakdowns(year)[CSV_TABLE_KEYS[table]])
        return response
    writer.writerow(["indicateur", "valeur"])
    writer.writerows(flatten(clauses_bilan(year)))
    return response
