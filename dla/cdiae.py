"""The DLA app's table of the CDIAE report (``iae_portal.cdiae``), registered by
``DlaConfig.ready()``: the yearly SIAE bilan of the DLA of the scope's départements, the
figures of ``manage.py dla_bilan --department …`` (``bilan.dla_bilan``)."""

from iae_portal.bilans import flatten
from iae_portal.cdiae import registry
from iae_portal.cdiae.registry import COUNT, FIGURE, SHARE, TEXT, Chart, Column, Result
from structures.enums import StructureKind

from .bilan import dla_bilan
from .enums import Mode, Theme

MODES = {Mode.INDIVIDUELLE: "individuelles", Mode.COLLECTIVE: "collectives"}
COUNTS = {
    "prestations": "Prestations avec au moins une SIAE bénéficiaire",
    "siae_beneficiaries": "SIAE bénéficiaires",
    "all_beneficiaries": "Bénéficiaires de toutes sortes",
    "permanents": "Salariés permanents des SIAE bénéficiaires",
    "insertion_employees": "Salariés en insertion des SIAE bénéficiaires",
}


def _label(key):
    """The French label of a dotted key of the bilan (``themes.individuelle.juridique``)."""
    if key in COUNTS:
        return COUNTS[key]
    parts = key.split(".")
    head, rest = parts[0], parts[1:]
    if head == "siae_share_of_beneficiaries":
        return "Part des SIAE parmi les bénéficiaires"
    if head == "network_affiliated_share":
        return "SIAE bénéficiaires adhérentes d'au moins un réseau"
    if head == "mode_shares":
        return f"Part des prestations {MODES[rest[0]]}"
    if head == "siae_kind_shares":
        return f"SIAE bénéficiaires de type {rest[0]}"
    if head == "themes":
        theme = Theme(rest[1]).label
        return f"Prestations {MODES[rest[0]]} : {theme[:1].lower()}{theme[1:]}"
    if head == "prescribed_by_network_share":
        return f"Prestations {MODES[rest[0]]} prescrites par un réseau"
    if head == "network_provider_share":
        return f"Prestations {MODES[rest[0]]} réalisées par un réseau"
    return key


def dla_table(scope, year):
    bilan = dla_bilan(year, departments=list(scope.departments))
    rows = [
        {
            "key": key,
            "label": _label(key),
            "value": value,
            "kind": COUNT if isinstance(value, int) and key in COUNTS else SHARE,
        }
        for key, value in flatten(bilan)
        if key != "year"
    ]
    return Result(
        rows=rows,
        details=bilan,
        notes=[
            f"Les prestations commencées en {year} par le DLA du territoire ; parts des "
            "prestations avec au moins une SIAE bénéficiaire (SIAE : ACI, AI, EI, ETTI, EITI, "
            "GEIQ et régies de quartier). Les mêmes chiffres que la page « Bilan annuel » "
            "des accompagnements DLA."
        ],
    )


def dla_chart(result, year):
    shares = result.details["siae_kind_shares"]
    if not shares:
        return None
    labels = dict(StructureKind.choices)
    return Chart(
        label=f"SIAE bénéficiaires d'une prestation DLA par type ({year})",
        points=[(labels[kind], value * 100) for kind, value in shares.items()],
        unit=" %",
    )


def register():
    registry.register_table(
        "dla_bilan",
        title="Le bilan du DLA",
        sheet="Bilan DLA",
        order=40,
        description="les prestations du dispositif local d'accompagnement auprès des SIAE.",
        columns=[
            Column("key", "Clé", TEXT, pdf=False),
            Column("label", "Indicateur", TEXT),
            Column("value", "Valeur", FIGURE),
        ],
        compute=dla_table,
        chart=dla_chart,
    )
