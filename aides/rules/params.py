"""Parameters of a rule kind: declared once per rule module, validated, stored as JSON.

Every rate, cap, amount, tier and duration is a parameter, so a region changes a number in
the database (a new version), never in code.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .case import KINDS

RATE, AMOUNT, NUMBER, COUNT, YEARS, RATES, AMOUNTS, KIND_LIST, CODES = (
    "rate", "amount", "number", "count", "years", "rates", "amounts", "kinds", "codes",
)  # fmt: skip
LIST_KINDS = {RATES, AMOUNTS, KIND_LIST, CODES}


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    default: object
    label: str
    choices: tuple = ()


class ParameterError(ValueError):
    def __init__(self, name, message):
        super().__init__(f"{name}: {message}")
        self.name = name
        self.message = message


def _number(value, param):
    try:
        number = Decimal(
            str(value).strip().replace(",", ".").replace("\u202f", "").replace(" ", "")
        )
    except InvalidOperation:
        raise ParameterError(param.name, "nombre attendu") from None
    if not number.is_finite() or number < 0:
        raise ParameterError(param.name, "nombre positif ou nul attendu")
    return number


def _scalar(value, param, kind):
    if kind in {RATE, RATES}:
        number = _number(value, param)
        if number > 1:
            raise ParameterError(param.name, "un taux est compris entre 0 et 1 (0,25 pour 25 %)")
        return number
    if kind in {AMOUNT, AMOUNTS, NUMBER}:
        return _number(value, param)
    if kind in {COUNT, YEARS}:
        number = _number(value, param)
        if number != number.to_integral_value():
            raise ParameterError(param.name, "nombre entier attendu")
        if kind == YEARS and not 1 <= number <= 10:
            raise ParameterError(param.name, "une durée est comprise entre 1 et 10 ans")
        return int(number)
    choices = param.choices or (KINDS if kind == KIND_LIST else ())
    if value not in choices:
        raise ParameterError(param.name, f"valeur inconnue « {value} »")
    return value


def clean(spec, raw):
    """Typed values for every parameter of ``spec`` (missing ones take their default)."""
    values = {}
    for param in spec:
        value = raw.get(param.name, param.default)
        if param.kind in LIST_KINDS:
            if isinstance(value, str):
                # Items are separated by semicolons: a comma is a French decimal separator.
                value = [item.strip() for item in value.split(";") if item.strip()]
            if not isinstance(value, list | tuple):
                raise ParameterError(param.name, "liste attendue")
            values[param.name] = tuple(_scalar(item, param, param.kind) for item in value)
        else:
            values[param.name] = _scalar(value, param, param.kind)
    return values


def to_json(spec, values):
    """Plain JSON (decimals as strings, so nothing goes through a float)."""

    def plain(value):
        return str(value) if isinstance(value, Decimal) else value

    return {
        param.name: (
            [plain(item) for item in values[param.name]]
            if param.kind in LIST_KINDS
            else plain(values[param.name])
        )
        for param in spec
    }


def defaults(spec):
    return clean(spec, {})


def require_rates_for_years(values, rates_name, years_name="max_years"):
    """A degressive table must give a rate for every year up to the maximum duration."""
    if len(values[rates_name]) < values[years_name]:
        raise ParameterError(
            rates_name, f"il faut un taux pour chacune des {values[years_name]} années"
        )
