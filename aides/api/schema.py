"""OpenAPI description of the simulate contract (aid-rules.md), for /api/v1/aides/simulate/."""

from drf_spectacular.utils import OpenApiExample

from ..rules import case

NUMBER = {"type": "number", "minimum": 0}
FLAG = {"type": "boolean"}

POSITION = {
    "type": "object",
    "required": ["role"],
    "properties": {
        "role": {"type": "string", "enum": list(case.ROLES)},
        "etp": {"type": "number", "minimum": 0, "exclusiveMinimum": True, "maximum": 1},
        "annual_cost": NUMBER,
        "contract": {"type": "string", "enum": list(case.CONTRACTS), "nullable": True},
        "contract_months": {**NUMBER, "nullable": True},
        "rsa_socle": FLAG,
        "criteria": {"type": "array", "items": {"type": "string", "enum": list(case.CRITERIA)}},
        "function": {"type": "string", "enum": list(case.FUNCTIONS), "nullable": True},
        "holder": {
            "type": "object",
            "properties": {
                "age": {"type": "integer", "minimum": 0, "nullable": True},
                "qualified": FLAG,
                "qpv": FLAG,
                "zrr": FLAG,
            },
        },
    },
}

CASE = {
    "type": "object",
    "description": "Un cas du contrat de simulation (aid-rules.md) ; seul `scheme` est requis.",
    "required": ["scheme"],
    "properties": {
        "scheme": {"type": "string", "description": "Code du dispositif."},
        "structure": {
            "type": "object",
            "properties": {"kind": {"type": "string", "enum": list(case.KINDS)}},
        },
        "years": {"type": "integer", "minimum": 1, "maximum": case.MAX_YEARS},
        "rate_mode": {"type": "string", "enum": list(case.RATE_MODES)},
        "positions": {"type": "array", "items": POSITION},
        "expenses": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["category"],
                "properties": {
                    "category": {"type": "string", "enum": list(case.EXPENSE_CATEGORIES)},
                    "amount": NUMBER,
                    "waste_sorting": FLAG,
                },
            },
        },
        "trainings": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "cost": NUMBER,
                    "type": {"type": "string", "enum": list(case.TRAINING_TYPES), "nullable": True},
                    "provider_is_employer": FLAG,
                    "requested_at_hiring": FLAG,
                },
            },
        },
        "team": {
            "type": "object",
            "properties": {
                "members_count": {"type": "integer", "minimum": 0},
                "members_etp": NUMBER,
                "half_time_count": {"type": "integer", "minimum": 0},
                "contrats_aides_count": {"type": "integer", "minimum": 0},
                "simultaneous_insertion": NUMBER,
                "insertion_in_action": {"type": "integer", "minimum": 0},
                "young_share": {"type": "number", "minimum": 0, "maximum": 1},
            },
        },
        "flags": {
            "type": "object",
            "properties": {
                name: (NUMBER if name == "beneficiary_contribution" else FLAG)
                for name in case.Flags.__dataclass_fields__
            },
        },
        "operating_expenses": NUMBER,
        "aides_au_poste_already_funded": NUMBER,
    },
}

AMOUNT = {"type": "string", "pattern": r"^\d+\.\d{2}$", "description": "Montant en euros."}

RESULT = {
    "type": "object",
    "required": ["scheme", "eligible", "reasons", "excluded", "lines", "schedule", "total"],
    "properties": {
        "scheme": {"type": "string"},
        "eligible": {"type": "boolean"},
        "reasons": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Codes des refus au niveau de la demande.",
        },
        "excluded": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["ref", "reason"],
                "properties": {"ref": {"type": "string"}, "reason": {"type": "string"}},
            },
        },
        "lines": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["label", "year", "amount"],
                "properties": {
                    "label": {"type": "string"},
                    "year": {"type": "integer"},
                    "amount": AMOUNT,
                },
            },
        },
        "schedule": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["year", "amount"],
                "properties": {"year": {"type": "integer"}, "amount": AMOUNT},
            },
        },
        "total": {**AMOUNT, "nullable": True},
    },
}

REQUEST = {"oneOf": [CASE, {"type": "array", "items": CASE, "maxItems": 1000}]}
RESPONSE = {"oneOf": [RESULT, {"type": "array", "items": RESULT}]}

EXAMPLE_CASE = {
    "scheme": "pc-emplois-tremplin-environnement",
    "structure": {"kind": "EI"},
    "years": 4,
    "rate_mode": "degressive",
    "positions": [
        {"role": "encadrement", "etp": 1, "annual_cost": 36000, "contract": "CDI"},
        {"role": "execution", "etp": 1, "annual_cost": 22000, "contract": "CDDI"},
    ],
    "expenses": [{"category": "equipement", "amount": 5000}],
    "flags": {"environment_sector": True},
}

EXAMPLES = [
    OpenApiExample("Un cas", value=EXAMPLE_CASE, request_only=True),
    OpenApiExample("Plusieurs cas", value=[EXAMPLE_CASE, EXAMPLE_CASE], request_only=True),
]
