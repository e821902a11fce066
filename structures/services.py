"""Every change to structures goes through here: one transaction, one audit entry each."""

import datetime

from django.db import transaction
from django.utils import timezone

from iae_portal.audit.services import audit_record, diff

from .models import Convention, Membership, NetworkAffiliation, Structure, YearlyFigures
from .signals import touch_structures

STRUCTURE_FIELDS = (
    "siret",
    "name",
    "kind",
    "legal_form",
    "address",
    "postal_code",
    "city",
    "department_id",
    "activity",
    "email",
    "phone",
)


def snapshot(obj, fields):
    return {field: getattr(obj, field) for field in fields}


def _apply(obj, data, fields):
    for field in fields:
        if field in data:
            setattr(obj, field, data[field])


@transaction.atomic
def structure_create(*, actor, data, networks=()):
    """Create a structure (and its current network affiliations)."""
    structure = Structure()
    _apply(structure, data, STRUCTURE_FIELDS)
    structure.full_clean()
    structure.save()
    changes = diff({}, snapshot(structure, STRUCTURE_FIELDS))
    changes.update(affiliations_set(actor=None, structure=structure, networks=networks))
    audit_record(actor=actor, action="structure.create", obj=structure, changes=changes)
    return structure


@transaction.atomic
def structure_update(*, actor, structure, data, networks=None, reason=""):
    """Update a structure's identity (and its networks when ``networks`` is given).

    Returns the changes as ``{field: [old, new]}``; nothing is written when there are none.
    """
    structure = Structure.objects.select_for_update().get(pk=structure.pk)
    before = snapshot(structure, STRUCTURE_FIELDS)
    _apply(structure, data, STRUCTURE_FIELDS)
    changes = diff(before, snapshot(structure, STRUCTURE_FIELDS))
    if changes:
        structure.full_clean()
        structure.save()
    if networks is not None:
        changes.update(affiliations_set(actor=None, structure=structure, networks=networks))
    if changes:
        audit_record(
            actor=actor, action="structure.update", obj=structure, changes=changes, reason=reason
        )
    return changes


def affiliations_set(*, actor, structure, networks, day=None):
    """Make ``networks`` the structure's current networks, as of ``day``.

    Affiliations no longer listed are ended (kept for history), new ones start on ``day``.
    Returns ``{"networks": [old, new]}`` when something changed.
    """
    day = day or timezone.localdate()
    wanted = set(networks)
    current = {
        a.network: a for a in NetworkAffiliation.objects.current(day).filter(structure=structure)
    }
    ended = [a for network, a in current.items() if network not in wanted]
    yesterday = day - datetime.timedelta(days=1)
    for affiliation in ended:
        if affiliation.start_date is not None and affiliation.start_date > yesterday:
            # Started today and ended today: it never held a full day, nothing to keep.
            affiliation.delete()
        else:
            affiliation.end_date = yesterday
            affiliation.save(update_fields=["end_date"])
    added = sorted(wanted - set(current))
    NetworkAffiliation.objects.bulk_create(
        NetworkAffiliation(structure=structure, network=network, start_date=day)
        for network in added
    )
    if not ended and not added:
        return {}
    touch_structures(structure.pk)  # bulk_create sends no signal
    changes = {"networks": [sorted(current), sorted(wanted)]}
    if actor is not None:
        audit_record(actor=actor, action="structure.networks", obj=structure, changes=changes)
    return changes


CONVENTION_FIELDS = ("kind", "number", "start_date", "end_date")
FIGURES_FIELDS = tuple(
    field.name
    for field in YearlyFigures._meta.concrete_fields
    if field.name not in {"id", "structure", "updated_at"}
)


def _save_child(*, actor, structure, instance, data, fields, action, key):
    """Create or update one row belonging to ``structure`` and audit it on the structure,
    each change keyed by ``key`` (the row's own identity: a convention number, a year)."""
    if instance.pk:
        # Read the stored row: a ModelForm has already copied its data onto ``instance``.
        instance = type(instance).objects.select_for_update().get(pk=instance.pk)
    before = snapshot(instance, fields) if instance.pk else {}
    _apply(instance, data, fields)
    instance.full_clean()
    instance.save()
    changes = diff(before, snapshot(instance, fields))
    if changes:
        prefix = getattr(instance, key)
        audit_record(
            actor=actor,
            action=action,
            obj=structure,
            changes={f"{prefix}.{field}": values for field, values in changes.items()},
        )
    return instance


@transaction.atomic
def convention_save(*, actor, structure, data, convention=None):
    return _save_child(
        actor=actor,
        structure=structure,
        instance=convention or Convention(structure=structure),
        data=data,
        fields=CONVENTION_FIELDS,
        action="structure.convention",
        key="number",
    )


@transaction.atomic
def figures_save(*, actor, structure, data, figures=None):
    return _save_child(
        actor=actor,
        structure=structure,
        instance=figures or YearlyFigures(structure=structure),
        data=data,
        fields=FIGURES_FIELDS,
        action="structure.figures",
        key="year",
    )


@transaction.atomic
def membership_add(*, actor, structure, user, role):
    """Attach ``user`` to ``structure``; an old, deactivated membership is reactivated."""
    membership, created = Membership.objects.get_or_create(
        user=user, structure=structure, defaults={"role": role}
    )
    before = {} if created else snapshot(membership, ("role", "is_active"))
    membership.role = role
    membership.is_active = True
    membership.deactivated_at = None
    membership.save()
    changes = diff(before, snapshot(membership, ("role", "is_active")))
    if changes:
        audit_record(
            actor=actor,
            action="structure.membership",
            obj=structure,
            changes={f"{user.email}.{key}": value for key, value in changes.items()},
        )
    return membership


@transaction.atomic
def membership_deactivate(*, actor, membership, reason=""):
    """End a membership without deleting it: the person loses access, history stays."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not membership.is_active:
        return membership
    membership.is_active = False
    membership.deactivated_at = timezone.now()
    membership.save(update_fields=["is_active", "deactivated_at"])
    audit_record(
        actor=actor,
        action="structure.membership",
        obj=membership.structure,
        changes={f"{membership.user.email}.is_active": [True, False]},
        reason=reason,
    )
    return membership
