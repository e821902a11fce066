"""The clauses app's table of the CDIAE report (``iae_portal.cdiae``), registered by
``ClausesConfig.ready()``: the yearly bilan of social clauses (``bilan.clauses_bilan``)
over the lots executed in the scope's départements (``querysets.executed_in``: the
contract's département, else the territory of the lot's facilitator)."""

from django.db.models import Exists, OuterRef, Q

from iae_portal.bilans import flatten
from iae_portal.cdiae import registry
from iae_portal.cdiae.registry import COUNT, FIGURE, HOURS, SHARE, TEXT, Chart, Column, Result

from .bilan import clauses_bilan
from .enums import MarcheType, Modality, PublicCategory
from .models import Facilitator, Lot, PlannedPurchase
from .querysets import executed_in

BY_TYPE = {
    "marches": ("marchés notifiés", COUNT),
    "marches_with_clause": ("marchés avec clause", COUNT),
    "share_with_clause": ("part des marchés avec clause", SHARE),
    "hours_required": ("heures d'insertion exigées", HOURS),
    "hours_realised": ("heures d'insertion réalisées", HOURS),
}

# The additional figures of the year's programme of planned purchases (docs/clauses.md).
PROGRAMME = {
    "purchases_planned": ("Programme des achats : achats prévus", COUNT),
    "purchases_notified": ("Programme des achats : achats notifiés", COUNT),
    "purchases_abandoned": ("Programme des achats : achats abandonnés", COUNT),
    "hours_planned": ("Programme des achats : heures d'insertion prévues", HOURS),
    "hours_notified": ("Programme des achats : heures exigées des marchés notifiés", HOURS),
    "notified_share": ("Programme des achats : part des heures prévues notifiées", SHARE),
}


def _lower_first(label):
    """« Mise à disposition (ETTI, AI) » → « mise à disposition (ETTI, AI) »: acronyms kept."""
    return label[:1].lower() + label[1:]


def _row(key, value):
    """``(label, kind)`` of a dotted key of the bilan (``by_type.travaux.marches``)."""
    parts = key.split(".")
    if parts[0] == "by_type":
        label, kind = BY_TYPE[parts[2]]
        return f"{MarcheType(parts[1]).label} : {label}", kind
    if parts[0] == "participants":
        return "Participants distincts", COUNT
    if parts[0] == "hours_by_modality":
        return f"Heures réalisées, {_lower_first(Modality(parts[1]).label)}", HOURS
    if parts[0] == "hours_by_public":
        return f"Heures réalisées, public : {_lower_first(PublicCategory(parts[1]).label)}", HOURS
    if parts[0] == "programme":
        return PROGRAMME[parts[1]]
    return key, HOURS


def scope_lots(scope):
    return Lot.objects.filter(executed_in(list(scope.departments)))


def scope_purchases(scope):
    """The planned purchases placed in the scope as a lot is (``executed_in``): their
    département when recorded, else their facilitator's territory."""
    codes = list(scope.departments)
    covered = Facilitator.departments.through.objects.filter(
        facilitator_id=OuterRef("facilitator_id"), department_id__in=codes
    )
    return PlannedPurchase.objects.filter(
        Q(department_id__in=codes) | Q(department__isnull=True) & Exists(covered)
    )


def clauses_table(scope, year):
    bilan = clauses_bilan(year, lots=scope_lots(scope), purchases=scope_purchases(scope))
    rows = []
    for key, value in flatten(bilan):
        if key == "year":
            continue
        label, kind = _row(key, value)
        rows.append({"key": key, "label": label, "value": value, "kind": kind})
    return Result(
        rows=rows,
        details=bilan,
        notes=[
            f"Les marchés notifiés en {year} dont des lots sont exécutés sur le territoire "
            "(le département du marché, sinon celui du facilitateur qui suit le lot) ; les "
            "heures déclarées sur ces lots, quel que soit le mois. Les mêmes chiffres que le "
            "bilan des clauses sociales sur ces lots."
        ],
    )


def clauses_chart(result, year):
    by_type = result.details["by_type"]
    points = [(MarcheType(code).label, row["hours_realised"]) for code, row in by_type.items()]
    if not any(value for _, value in points):
        return None
    return Chart(
        label=f"Heures d'insertion réalisées par type de marché ({year})", points=points, unit=" h"
    )


def register():
    registry.register_table(
        "clauses_bilan",
        title="Le bilan des clauses sociales",
        sheet="Bilan clauses sociales",
        order=50,
        description="marchés publics avec une clause d'insertion et heures réalisées.",
        columns=[
            Column("key", "Clé", TEXT, pdf=False),
            Column("label", "Indicateur", TEXT),
            Column("value", "Valeur", FIGURE),
        ],
        compute=clauses_table,
        chart=clauses_chart,
    )
