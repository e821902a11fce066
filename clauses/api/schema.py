"""OpenAPI description of the clauses bilan (``clauses_bilan --format json``) and examples."""

from drf_spectacular.utils import OpenApiExample

from ..enums import MarcheType

HOURS = {"type": "number", "description": "Heures (entier quand il est rond)."}
SHARE = {"type": "number", "minimum": 0, "maximum": 1, "description": "Arrondie à 3 décimales."}

TYPE_ROW = {
    "type": "object",
    "required": [
        "marches",
        "marches_with_clause",
        "share_with_clause",
        "hours_required",
        "hours_realised",
    ],
    "properties": {
        "marches": {"type": "integer", "description": "Marchés notifiés dans l'année."},
        "marches_with_clause": {
            "type": "integer",
            "description": "Dont au moins un lot porte une clause.",
        },
        "share_with_clause": SHARE,
        "hours_required": {"type": "integer", "description": "Heures exigées des lots clausés."},
        "hours_realised": HOURS,
    },
}

PROGRAMME = {
    "type": "object",
    "description": "Clé additionnelle (docs/clauses.md), présente quand l'année a des achats "
    "prévus : le programme des achats de l'année (champ `year` des achats, quel que soit "
    "leur état) face à ce qui a été notifié.",
    "required": [
        "purchases_planned",
        "purchases_notified",
        "purchases_abandoned",
        "hours_planned",
        "hours_notified",
        "notified_share",
    ],
    "properties": {
        "purchases_planned": {"type": "integer", "description": "Achats du programme."},
        "purchases_notified": {"type": "integer", "description": "Dont notifiés."},
        "purchases_abandoned": {"type": "integer", "description": "Dont abandonnés."},
        "hours_planned": {
            "type": "integer",
            "description": "Heures prévues des achats avec clause, abandonnés compris.",
        },
        "hours_notified": {
            "type": "integer",
            "description": "Heures exigées des lots avec clause des marchés notifiés.",
        },
        "notified_share": {
            "type": "number",
            "minimum": 0,
            "description": "hours_notified / hours_planned, arrondie à 3 décimales "
            "(0 sans heures prévues ; peut dépasser 1).",
        },
    },
}

BILAN = {
    "type": "object",
    "description": "Les clés de `clauses_bilan --format json` (clauses.md), et la clé "
    "additionnelle `programme` (docs/clauses.md) quand l'année a des achats prévus.",
    "required": [
        "year",
        "by_type",
        "participants",
        "hours_by_modality",
        "hours_by_public",
    ],
    "properties": {
        "year": {"type": "integer"},
        "by_type": {
            "type": "object",
            "required": list(MarcheType.values),
            "properties": dict.fromkeys(MarcheType.values, TYPE_ROW),
        },
        "participants": {
            "type": "integer",
            "description": "Références de participants distinctes ayant des heures.",
        },
        "hours_by_modality": {
            "type": "object",
            "additionalProperties": HOURS,
            "description": "Heures réalisées par modalité présente.",
        },
        "hours_by_public": {
            "type": "object",
            "additionalProperties": HOURS,
            "description": "Heures réalisées par public présent.",
        },
        "programme": PROGRAMME,
    },
}

EMPTY_ROW = {
    "marches": 12,
    "marches_with_clause": 0,
    "share_with_clause": 0.0,
    "hours_required": 0,
    "hours_realised": 0,
}
BILAN_EXAMPLE = OpenApiExample(
    "Bilan 2011",
    value={
        "year": 2011,
        "by_type": {
            "travaux": {
                "marches": 39,
                "marches_with_clause": 13,
                "share_with_clause": 0.333,
                "hours_required": 8900,
                "hours_realised": 7774,
            },
            "services": EMPTY_ROW,
            "fournitures": EMPTY_ROW | {"marches": 6},
        },
        "participants": 105,
        "hours_by_modality": {"embauche_directe": 1952, "mise_a_disposition": 2053},
        "hours_by_public": {"deld": 1344, "rsa": 1815},
        "programme": {
            "purchases_planned": 16,
            "purchases_notified": 11,
            "purchases_abandoned": 1,
            "hours_planned": 9400,
            "hours_notified": 8900,
            "notified_share": 0.947,
        },
    },
    response_only=True,
)

HOURS_EXAMPLE = OpenApiExample(
    "Une ligne du relevé mensuel",
    value={
        "external_id": "plie-2025-04-117",
        "lot": "3f1c2a9e-4b7d-4c1e-9a51-2d6f0e8b7c10",
        "period": "2025-04",
        "participant_ref": "P00117",
        "public_category": "rsa",
        "modality": "mise_a_disposition",
        "siae_siret": "73282932000074",
        "hours": "35.00",
    },
    request_only=True,
)
