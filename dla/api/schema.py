"""OpenAPI description of the DLA bilan (``dla_bilan --format json``) and examples."""

from drf_spectacular.utils import OpenApiExample

from ..bilan import KEYS
from ..enums import Mode

SHARE = {"type": "number", "minimum": 0, "maximum": 1, "description": "Arrondie à 3 décimales."}
BY_MODE = {
    "type": "object",
    "required": list(Mode.values),
    "properties": dict.fromkeys(Mode.values, SHARE),
}
SHARES = {"type": "object", "additionalProperties": SHARE}

BILAN = {
    "type": "object",
    "description": "Les clés de `dla_bilan --format json` (dla.md).",
    "required": list(KEYS),
    "properties": {
        "year": {"type": "integer"},
        "prestations": {
            "type": "integer",
            "description": "Prestations de l'année avec au moins une SIAE bénéficiaire.",
        },
        "siae_beneficiaries": {"type": "integer", "description": "SIAE bénéficiaires distinctes."},
        "all_beneficiaries": {"type": "integer", "description": "Bénéficiaires de tous types."},
        "siae_share_of_beneficiaries": SHARE,
        "mode_shares": BY_MODE,
        "siae_kind_shares": {**SHARES, "description": "Par type de SIAE présent."},
        "themes": {
            "type": "object",
            "required": list(Mode.values),
            "properties": dict.fromkeys(Mode.values, SHARES),
            "description": "Pour chaque mode, part de ses prestations par thème présent.",
        },
        "network_affiliated_share": SHARE,
        "prescribed_by_network_share": BY_MODE,
        "network_provider_share": BY_MODE,
        "permanents": {"type": "integer"},
        "insertion_employees": {"type": "integer"},
    },
}

BILAN_EXAMPLE = OpenApiExample(
    "Bilan 2011",
    value={
        "year": 2011,
        "prestations": 31,
        "siae_beneficiaries": 43,
        "all_beneficiaries": 67,
        "siae_share_of_beneficiaries": 0.642,
        "mode_shares": {"individuelle": 0.806, "collective": 0.194},
        "siae_kind_shares": {"ACI": 0.488, "AI": 0.209, "EI": 0.233, "RQ": 0.07},
        "themes": {
            "individuelle": {"strategie_consolidation": 0.32, "organisation_interne": 0.16},
            "collective": {"mutualisation": 0.167},
        },
        "network_affiliated_share": 0.674,
        "prescribed_by_network_share": {"individuelle": 0.04, "collective": 0.0},
        "network_provider_share": {"individuelle": 0.12, "collective": 0.0},
        "permanents": 190,
        "insertion_employees": 1919,
    },
    response_only=True,
)

REQUEST_EXAMPLE = OpenApiExample(
    "Une demande",
    value={
        "external_id": "si-dla-2025-0042",
        "structures": ["73282932000074"],
        "request_date": "2025-03-12",
        "requester": "structure",
        "request_prescriber": "reseau_iae",
        "urgent": False,
        "request_needs": "Consolider le modèle économique après la perte d'un marché.",
    },
    request_only=True,
)

PRESTATION_EXAMPLE = OpenApiExample(
    "Une prestation individuelle",
    value={
        "external_id": "si-dla-2025-0042-p1",
        "accompaniment": "6b1f0c2e-8d4a-4f3e-9c7b-1a2d3e4f5a6b",
        "mode": "individuelle",
        "theme": "modele_economique",
        "prescriber": "reseau_iae",
        "provider_name": "Cabinet Exemple",
        "provider_kind": "cabinet_conseil",
        "start_date": "2025-05-02",
        "end_date": "2025-07-15",
        "days": "6",
        "cost": "4500.00",
        "beneficiaries": ["73282932000074"],
    },
    request_only=True,
)
