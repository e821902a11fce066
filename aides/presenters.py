"""Turning parameters and results into French for the pages."""

from decimal import Decimal

from structures.enums import StructureKind

from . import messages
from .enums import Contract, Criterion, DocumentKind, PositionFunction, PositionRole, TrainingType
from .rules import params as P
from .rules.result import euros, pct

CODE_LABELS = {}
for enum in (Contract, Criterion, PositionFunction, PositionRole, TrainingType, StructureKind):
    CODE_LABELS.update(enum.choices)


def format_value(param, value):
    if param.kind == P.RATE:
        return pct(value)
    if param.kind == P.RATES:
        return " ; ".join(f"année {i}: {pct(v)}" for i, v in enumerate(value, start=1))
    if param.kind == P.AMOUNT:
        return euros(value)
    if param.kind == P.AMOUNTS:
        return " ; ".join(euros(v) for v in value)
    if param.kind == P.YEARS:
        return f"{value} an{'s' if value > 1 else ''}"
    if param.kind in (P.KIND_LIST, P.CODES):
        return ", ".join(CODE_LABELS.get(v, v) for v in value) or "aucun"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}".replace(".", ",")
    return str(value)


def parameter_rows(scheme, version=None):
    values = scheme.parameters(version)
    return [
        (param.label, format_value(param, values[param.name])) for param in scheme.rule.PARAMETERS
    ]


def version_changes(spec, older, newer):
    """``[(label, old, new)]`` between two versions' stored values."""
    old, new = P.clean(spec, older or {}), P.clean(spec, newer)
    return [
        (p.label, format_value(p, old[p.name]), format_value(p, new[p.name]))
        for p in spec
        if old[p.name] != new[p.name]
    ]


def document_labels(codes):
    labels = dict(DocumentKind.choices)
    return [labels.get(code, code) for code in codes]


def explained(result, parameters=None):
    """The contract output with French texts for reasons and exclusions; with the
    ``parameters`` used, a refused applicant kind names the kinds the scheme accepts."""
    reasons = [messages.reason_text(code) for code in result["reasons"]]
    if parameters and "applicant_kind" in result["reasons"]:
        kinds = ", ".join(CODE_LABELS.get(k, k) for k in parameters["applicant_kinds"])
        reasons[result["reasons"].index("applicant_kind")] += (
            f" Il est ouvert aux structures suivantes : {kinds}."
        )
    return {
        **result,
        "reason_texts": reasons,
        "excluded_texts": [
            (messages.ref_text(item["ref"]), messages.exclusion_text(item["reason"]))
            for item in result["excluded"]
        ],
    }
