"""The simulate contract's input (aid-rules.md, "The simulation contract"), parsed and checked.

``parse_case`` turns a JSON-like dict into frozen dataclasses with ``Decimal`` amounts, or
raises ``BadInput`` naming the field (``positions[0].etp``). Every key but ``scheme`` is
optional; unknown keys are ignored, values outside the vocabularies are bad input.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

KINDS = (
    "ACI", "AI", "EI", "ETTI", "EITI", "GEIQ", "RQ", "ASSOCIATION", "EPCI",
    "ETABLISSEMENT_ENSEIGNEMENT", "CREPI", "RESEAU", "PORTEUR_PROJET",
)  # fmt: skip
SIAE = frozenset({"ACI", "AI", "EI", "ETTI", "EITI", "GEIQ", "RQ"})
ROLES = (
    "encadrement", "execution", "insertion", "chef_equipe", "encadrant_technique",
    "charge_insertion", "administratif", "accompagnement_social", "fonction_mutualisee",
)  # fmt: skip
CONTRACTS = ("CDI", "CDDI", "CDD", "CUI-CIE", "CUI-CAE", "CONTRAT_PRO")
CRITERIA = (
    "jeune", "senior", "politique_de_la_ville", "developpement_durable",
    "taux_encadrement", "politique_sociale",
)  # fmt: skip
FUNCTIONS = ("developpement_commercial", "grh", "comptabilite", "autre")
EXPENSE_CATEGORIES = (
    "equipement", "materiel", "immobilier", "investissement", "etude_faisabilite_interne",
    "etude_faisabilite_externe", "etude_repositionnement", "demarrage_geiq", "fonctionnement",
)  # fmt: skip
TRAINING_TYPES = (
    "savoirs_de_base", "competences_professionnelles", "certifiante", "hygiene_securite",
    "bureautique", "permis", "autre",
)  # fmt: skip
RATE_MODES = ("full", "degressive")
MAX_YEARS = 10


class BadInput(ValueError):
    """Input outside the contract; ``field`` names where (``positions[0].etp``)."""

    def __init__(self, field, message):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class Holder:
    age: int | None = None
    qualified: bool = True
    qpv: bool = False
    zrr: bool = False


@dataclass(frozen=True, slots=True)
class Position:
    role: str
    etp: Decimal = Decimal(1)
    annual_cost: Decimal = Decimal(0)
    contract: str | None = None
    contract_months: Decimal | None = None
    rsa_socle: bool = False
    criteria: tuple = ()
    function: str | None = None
    holder: Holder = field(default_factory=Holder)


@dataclass(frozen=True, slots=True)
class Expense:
    category: str
    amount: Decimal = Decimal(0)
    waste_sorting: bool = False


@dataclass(frozen=True, slots=True)
class Training:
    cost: Decimal = Decimal(0)
    type: str | None = None
    provider_is_employer: bool = False
    requested_at_hiring: bool = False


@dataclass(frozen=True, slots=True)
class Team:
    members_count: int = 0
    members_etp: Decimal = Decimal(0)
    half_time_count: int = 0
    contrats_aides_count: int = 0
    simultaneous_insertion: Decimal = Decimal(0)
    insertion_in_action: int = 0
    young_share: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class Flags:
    environment_sector: bool = False
    grouped_structures: bool = False
    new_function: bool = False
    beneficiary_contribution: Decimal = Decimal(0)
    crepi: bool = False
    enterprise_like_organisation: bool = False
    complementarity: bool = False
    cofinancing: bool = False
    multi_structure_multi_department: bool = False


@dataclass(frozen=True, slots=True)
class Case:
    scheme: str
    kind: str | None = None
    years: int = 1
    rate_mode: str = "degressive"
    positions: tuple = ()
    expenses: tuple = ()
    trainings: tuple = ()
    team: Team = field(default_factory=Team)
    flags: Flags = field(default_factory=Flags)
    operating_expenses: Decimal = Decimal(0)
    aides_au_poste_already_funded: Decimal = Decimal(0)


# -- Readers: each takes the raw value and the field's name, returns a clean value ----------


def _object(value, name):
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadInput(name, "an object is expected")
    return value


def _list(value, name):
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadInput(name, "a list is expected")
    return value


def _bool(value, name, default=False):
    if value is None:
        return default
    if not isinstance(value, bool):
        raise BadInput(name, "true or false is expected")
    return value


def _decimal(value, name, default=Decimal(0)):
    if value is None:
        return default
    if type(value) is int:  # the common case, and exact without going through a string
        if value < 0:
            raise BadInput(name, "must not be negative")
        return Decimal(value)
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise BadInput(name, "a number is expected")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise BadInput(name, "a number is expected") from None
    if not number.is_finite():
        raise BadInput(name, "a finite number is expected")
    if number < 0:
        raise BadInput(name, "must not be negative")
    return number


def _int(value, name, default=0):
    number = _decimal(value, name, Decimal(default) if default is not None else None)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise BadInput(name, "a whole number is expected")
    return int(number)


def _choice(value, name, choices, default=None):
    if value is None:
        return default
    if value not in choices:
        raise BadInput(name, f"unknown value {value!r}, expected one of {', '.join(choices)}")
    return value


ZERO, ONE = Decimal(0), Decimal(1)
NO_HOLDER = Holder()
NO_TEAM = Team()


def _holder(raw, name):
    if raw is None:
        return NO_HOLDER  # frozen: one shared instance serves every position without one
    raw = _object(raw, name)
    return Holder(
        age=_int(raw.get("age"), f"{name}.age", default=None),
        qualified=_bool(raw.get("qualified"), f"{name}.qualified", default=True),
        qpv=_bool(raw.get("qpv"), f"{name}.qpv"),
        zrr=_bool(raw.get("zrr"), f"{name}.zrr"),
    )


def _position(raw, name):
    raw = _object(raw, name)
    role = raw.get("role")
    if role is None:
        raise BadInput(f"{name}.role", "is required")
    etp = _decimal(raw.get("etp"), f"{name}.etp", default=ONE)
    if not ZERO < etp <= ONE:
        raise BadInput(f"{name}.etp", "must be greater than 0 and at most 1")
    criteria = _list(raw.get("criteria"), f"{name}.criteria")
    return Position(
        role=_choice(role, f"{name}.role", ROLES),
        etp=etp,
        annual_cost=_decimal(raw.get("annual_cost"), f"{name}.annual_cost"),
        contract=_choice(raw.get("contract"), f"{name}.contract", CONTRACTS),
        contract_months=_decimal(raw.get("contract_months"), f"{name}.contract_months", None),
        rsa_socle=_bool(raw.get("rsa_socle"), f"{name}.rsa_socle"),
        criteria=_criteria(criteria, name),
        function=_choice(raw.get("function"), f"{name}.function", FUNCTIONS),
        holder=_holder(raw.get("holder"), f"{name}.holder"),
    )


def _criteria(values, name):
    if not values:
        return ()  # the common case, without building a generator for nothing
    return tuple(_choice(c, f"{name}.criteria[{i}]", CRITERIA) for i, c in enumerate(values))


def _expense(raw, name):
    raw = _object(raw, name)
    if raw.get("category") is None:
        raise BadInput(f"{name}.category", "is required")
    return Expense(
        category=_choice(raw["category"], f"{name}.category", EXPENSE_CATEGORIES),
        amount=_decimal(raw.get("amount"), f"{name}.amount"),
        waste_sorting=_bool(raw.get("waste_sorting"), f"{name}.waste_sorting"),
    )


def _training(raw, name):
    raw = _object(raw, name)
    return Training(
        cost=_decimal(raw.get("cost"), f"{name}.cost"),
        type=_choice(raw.get("type"), f"{name}.type", TRAINING_TYPES),
        provider_is_employer=_bool(raw.get("provider_is_employer"), f"{name}.provider_is_employer"),
        requested_at_hiring=_bool(raw.get("requested_at_hiring"), f"{name}.requested_at_hiring"),
    )


def _team(raw):
    if raw is None:
        return NO_TEAM  # frozen: one shared instance serves every case without a team
    raw = _object(raw, "team")
    young_share = _decimal(raw.get("young_share"), "team.young_share")
    if young_share > 1:
        raise BadInput("team.young_share", "is a share between 0 and 1")
    return Team(
        members_count=_int(raw.get("members_count"), "team.members_count"),
        members_etp=_decimal(raw.get("members_etp"), "team.members_etp"),
        half_time_count=_int(raw.get("half_time_count"), "team.half_time_count"),
        contrats_aides_count=_int(raw.get("contrats_aides_count"), "team.contrats_aides_count"),
        simultaneous_insertion=_decimal(
            raw.get("simultaneous_insertion"), "team.simultaneous_insertion"
        ),
        insertion_in_action=_int(raw.get("insertion_in_action"), "team.insertion_in_action"),
        young_share=young_share,
    )


def _flags(raw):
    raw = _object(raw, "flags")
    values = {}
    for name in Flags.__dataclass_fields__:
        reader = _decimal if name == "beneficiary_contribution" else _bool
        values[name] = reader(raw.get(name), f"flags.{name}")
    return Flags(**values)


def parse_case(data, *, schemes=None):
    """Check ``data`` against the contract; ``schemes`` lists the known scheme codes."""
    if not isinstance(data, dict):
        raise BadInput("case", "a JSON object is expected")
    scheme = data.get("scheme")
    if not isinstance(scheme, str) or not scheme:
        raise BadInput("scheme", "is required")
    if schemes is not None and scheme not in schemes:
        raise BadInput("scheme", f"unknown scheme {scheme!r}")
    structure = _object(data.get("structure"), "structure")
    years = _int(data.get("years"), "years", default=1)
    if not 1 <= years <= MAX_YEARS:
        raise BadInput("years", f"must be between 1 and {MAX_YEARS}")
    return Case(
        scheme=scheme,
        kind=_choice(structure.get("kind"), "structure.kind", KINDS),
        years=years,
        rate_mode=_choice(data.get("rate_mode"), "rate_mode", RATE_MODES, default="degressive"),
        positions=tuple(
            _position(p, f"positions[{i}]")
            for i, p in enumerate(_list(data.get("positions"), "positions"))
        ),
        expenses=tuple(
            _expense(e, f"expenses[{i}]")
            for i, e in enumerate(_list(data.get("expenses"), "expenses"))
        ),
        trainings=tuple(
            _training(t, f"trainings[{i}]")
            for i, t in enumerate(_list(data.get("trainings"), "trainings"))
        ),
        team=_team(data.get("team")),
        flags=_flags(data.get("flags")),
        operating_expenses=_decimal(data.get("operating_expenses"), "operating_expenses"),
        aides_au_poste_already_funded=_decimal(
            data.get("aides_au_poste_already_funded"), "aides_au_poste_already_funded"
        ),
    )
