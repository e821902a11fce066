"""The yearly bilan as a web report (clauses_bilan's figures, the breakdowns per buyer,
facilitator and SIAE kind, charts) and its CSV exports, for people: French labels where
the command and the API give clauses.md's keys. A facilitator's bilan counts the lots of
``perms.bilan_lots``."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from iae_portal.bilans import people_csv, percent
from iae_portal.charts import hbar_chart
from iae_portal.params import year_param

from . import perms
from .bilan import breakdowns, clauses_bilan
from .enums import BuyerKind, MarcheType, Modality, PublicCategory
from .models import Marche


def _bilan_year(request):
    """The year asked (``?year=``), else the latest year with contracts; 404 for what is
    not a year, rather than another year's figures under its name."""
    value = request.GET.get("year", "")
    if not value:
        latest = Marche.objects.aggregate(latest=Max("notification_date"))["latest"]
        return latest.year if latest else timezone.localdate().year
    year = year_param(value)
    if year is None:
        raise Http404
    return year


def _labelled(hours, vocabulary):
    """``[(label, hours)]`` of a ``{code: hours}`` figure, in the vocabulary's order."""
    return [(label, hours[code]) for code, label in vocabulary.choices if code in hours]


def _scope(user):
    """``(lots, facilitators)``: the lots of ``user``'s bilan (``None``: every lot) and, for
    a facilitator, whose lots and territory they are."""
    lots = perms.bilan_lots(user)
    if lots is None:
        return None, []
    return lots, list(perms.followed_facilitators(user).prefetch_related("departments"))


def _figures(year, user, lots):
    """``clauses_bilan`` of ``user``: their lots and the planned purchases they see."""
    return clauses_bilan(year, lots=lots, purchases=perms.bilan_purchases(user))


@login_required
def bilan(request):
    if not perms.can_view_bilan(request.user):
        raise PermissionDenied
    year = _bilan_year(request)
    lots, facilitators = _scope(request.user)
    figures = _figures(year, request.user, lots)
    tables = breakdowns(year, lots=lots)
    types = dict(MarcheType.choices)
    type_rows = [(types[code], row) for code, row in figures["by_type"].items()]
    modalities = _labelled(figures["hours_by_modality"], Modality)
    publics = _labelled(figures["hours_by_public"], PublicCategory)
    return render(
        request,
        "clauses/bilan.html",
        {
            "year": year,
            "bilan": figures,
            "has_marches": any(row["marches"] for _, row in type_rows),
            "scoped": lots is not None,
            "facilitators": facilitators,
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
                modalities, label=f"Heures réalisées par modalité ({year})", unit=" h"
            ),
            "publics": publics,
            "public_chart": hbar_chart(
                publics, label=f"Heures réalisées par public ({year})", unit=" h"
            ),
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


def _figure_rows(bilan):
    """``clauses_bilan``'s figures as ``(label, value)`` rows a person reads."""
    rows = [("Année", bilan["year"])]
    types = dict(MarcheType.choices)
    for code, row in bilan["by_type"].items():
        name = types[code]
        rows += [
            (f"{name} — marchés notifiés", row["marches"]),
            (f"{name} — marchés avec clause", row["marches_with_clause"]),
            (f"{name} — part des marchés avec clause (%)", percent(row["share_with_clause"])),
            (f"{name} — heures exigées", row["hours_required"]),
            (f"{name} — heures réalisées", row["hours_realised"]),
        ]
    rows.append(("Participants distincts", bilan["participants"]))
    rows += [
        (f"Heures par modalité — {label}", hours)
        for label, hours in _labelled(bilan["hours_by_modality"], Modality)
    ]
    rows += [
        (f"Heures par public — {label}", hours)
        for label, hours in _labelled(bilan["hours_by_public"], PublicCategory)
    ]
    programme = bilan.get("programme")
    rows += (
        []
        if programme is None
        else [
            (f"Programme des achats — {label}", value)
            for label, value in (
                ("achats prévus", programme["purchases_planned"]),
                ("achats notifiés", programme["purchases_notified"]),
                ("achats abandonnés", programme["purchases_abandoned"]),
                ("heures prévues", programme["hours_planned"]),
                ("heures exigées des marchés notifiés", programme["hours_notified"]),
                ("part des heures prévues notifiées (%)", percent(programme["notified_share"])),
            )
        ]
    )
    return rows


# ``?tableau=``: the web report's tables, as (key in ``breakdowns``, header, row → cells)
CSV_TABLES = {
    "acheteurs": (
        "buyers",
        [
            "Acheteur",
            "Type d'acheteur",
            "Marchés",
            "Marchés avec clause",
            "Heures exigées",
            "Heures réalisées",
        ],
        lambda r: [
            r["buyer"].name,
            BuyerKind(r["buyer"].kind).label,
            r["marches"],
            r["marches_with_clause"],
            r["hours_required"],
            r["hours_realised"],
        ],
    ),
    "facilitateurs": (
        "facilitators",
        [
            "Facilitateur",
            "Départements couverts",
            "Lots suivis",
            "Heures exigées",
            "Heures réalisées",
            "Participants",
        ],
        lambda r: [
            str(r["facilitator"] or "Sans facilitateur"),
            ", ".join(r["territory"]),
            r["lots"],
            r["hours_required"],
            r["hours_realised"],
            r["participants"],
        ],
    ),
    "siae": (
        "siae_kinds",
        ["Type de SIAE", "SIAE", "Heures réalisées"],
        lambda r: [r["label"], r["siae"], r["hours"]],
    ),
}


@login_required
def bilan_csv(request):
    """The bilan as ``Indicateur;Valeur`` rows, or one of the report's tables
    (``?tableau=``): aggregates only, never a participant."""
    if not perms.can_view_bilan(request.user):
        raise PermissionDenied
    year = _bilan_year(request)
    lots, _ = _scope(request.user)
    table = request.GET.get("tableau")
    if table in CSV_TABLES:
        key, header, cells = CSV_TABLES[table]
        rows = [cells(row) for row in breakdowns(year, lots=lots)[key]]
        return people_csv(f"bilan-clauses-{year}-{table}.csv", header, rows)
    rows = _figure_rows(_figures(year, request.user, lots))
    return people_csv(f"bilan-clauses-{year}.csv", ["Indicateur", "Valeur"], rows)
