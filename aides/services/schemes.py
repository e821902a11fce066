"""Aid schemes: a new one (of a registered rule kind), changes to its texts and parameters
(a new version each time), and recorded computations."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from iae_portal.audit.services import audit_record, diff

from .. import perms, rules
from ..enums import DocumentKind
from ..models import AidComputation, AidScheme, ParameterVersion
from ..presets import PRESETS


def jsonable(value):
    """Decimals become strings (never floats), recursively."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    return value


@transaction.atomic
def scheme_parameters_change(*, actor, scheme, values, reason):
    """Validate ``values`` for the scheme's rule kind and store them as a new version.

    Raises ``rules.ParameterError`` (French message) on a bad value; returns the version,
    or the current one when nothing changed."""
    scheme = AidScheme.objects.select_for_update().get(pk=scheme.pk)
    spec = scheme.rule.PARAMETERS
    cleaned = rules.params.to_json(spec, rules.clean_parameters(scheme.rule_kind, values))
    current = scheme.current_version
    before = current.values if current else {}
    changes = diff(
        {k: jsonable(v) for k, v in before.items()}, {k: jsonable(v) for k, v in cleaned.items()}
    )
    if current is not None and not changes:
        return current
    number = (scheme.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ParameterVersion.objects.create(
        scheme=scheme, number=number, values=cleaned, created_by=actor, reason=reason
    )
    audit_record(actor=actor, action="aides.parameters", obj=scheme, changes=changes, reason=reason)
    return version


SCHEME_FIELDS = (
    "name",
    "description",
    "legal_basis_reference",
    "legal_basis_date",
    "required_documents",
    "budget_envelope",
    "public_funding_cap",
    "public_cap_blocking",
    "active_from",
    "active_until",
)


@transaction.atomic
def scheme_update(*, actor, scheme, data):
    scheme = AidScheme.objects.select_for_update().get(pk=scheme.pk)
    before = {field: getattr(scheme, field) for field in SCHEME_FIELDS}
    for field in SCHEME_FIELDS:
        if field in data:
            setattr(scheme, field, data[field])
    scheme.full_clean()
    changes = diff(before, {field: getattr(scheme, field) for field in SCHEME_FIELDS})
    if changes:
        scheme.save()
        audit_record(actor=actor, action="aides.scheme", obj=scheme, changes=changes)
    return changes


# What a new scheme names once and for all, then the texts any scheme has.
CREATE_FIELDS = (
    "code",
    "origin_region",
    "rule_kind",
    "source_text",
    "retained_reading",
    *SCHEME_FIELDS,
)


def scheme_create(*, actor, data, parameters, reason):
    """A new scheme of a registered rule kind, with version 1 of its parameters: data, not
    code (its simulator, dossiers, batches and letters work at once).

    ``data``: the fields of ``CREATE_FIELDS``; ``parameters``: raw or typed values of the
    kind's parameters (the missing ones take the kind's defaults). Raises
    ``ValidationError`` (by field, in French: duplicate or malformed code, unknown rule
    kind, dates out of order…) or ``rules.ParameterError``; ``PermissionDenied`` for whom
    ``perms.can_create_scheme`` refuses."""
    if not perms.can_create_scheme(actor):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": "Indiquez le motif (la délibération qui fixe ces paramètres)."}
        )
    try:
        with transaction.atomic():
            return _scheme_create(actor, data, parameters, reason)
    except IntegrityError:  # the same code created at the same moment by someone else
        raise ValidationError(
            {"code": "Un dispositif porte déjà ce code : choisissez-en un autre."}
        ) from None


def _scheme_create(actor, data, parameters, reason):
    scheme = AidScheme(**{field: data[field] for field in CREATE_FIELDS if field in data})
    scheme.full_clean()  # the rule kind among the registered ones (the field's choices)
    if set(scheme.required_documents) - set(DocumentKind.values):
        raise ValidationError({"required_documents": "Pièce justificative inconnue."})
    spec = scheme.rule.PARAMETERS
    values = rules.params.to_json(spec, rules.clean_parameters(scheme.rule_kind, parameters))
    scheme.save()
    ParameterVersion.objects.create(
        scheme=scheme, number=1, values=values, created_by=actor, reason=reason
    )
    after = {field: jsonable(getattr(scheme, field)) for field in CREATE_FIELDS}
    audit_record(
        actor=actor,
        action="aides.scheme_create",
        obj=scheme,
        changes=diff({}, {**after, **values}),
        reason=reason,
    )
    return scheme


@transaction.atomic
def computation_record(*, actor, scheme, data, structure=None):
    """Compute with the current parameters and keep input, result and version."""
    version = scheme.current_version
    result = scheme.compute_amount(data, version)
    output = result.to_dict()
    return AidComputation.objects.create(
        scheme=scheme,
        version=version,
        structure=structure,
        input=jsonable(data),
        result=output,
        eligible=result.eligible,
        total=result.total,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )


def presets_load(scheme_model=AidScheme, version_model=ParameterVersion):
    """Create the preset schemes that are missing, each with version 1 of its parameters
    (the source's figures); texts of existing presets are refreshed, their parameters and
    staff-edited fields never touched. Takes the models so a migration can call it."""
    created = 0
    for preset in PRESETS:
        spec = rules.RULES[preset["rule_kind"]].PARAMETERS
        texts = {
            "name": preset["name"],
            "origin_region": preset["origin_region"],
            "rule_kind": preset["rule_kind"],
            "description": preset["description"],
            "source_text": preset["source_text"],
            "retained_reading": preset["retained_reading"],
        }
        scheme, was_created = scheme_model.objects.get_or_create(
            code=preset["code"],
            defaults={**texts, "required_documents": preset["required_documents"]},
        )
        if was_created:
            created += 1
            version_model.objects.create(
                scheme=scheme,
                number=1,
                values=rules.params.to_json(spec, rules.clean(spec, preset.get("parameters", {}))),
                reason="Paramètres de la source (Avise, 2014)",
            )
        else:
            scheme_model.objects.filter(pk=scheme.pk).update(
                source_text=texts["source_text"], retained_reading=texts["retained_reading"]
            )
    return created
