"""Every change to structures goes through here: one transaction, one audit entry each."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from iae_portal.audit.services import audit_record, diff
from iae_portal.queue import enqueue_quietly
from iae_portal.users.emails import same_email
from iae_portal.users.models import User

from . import perms
from .models import (
    Convention,
    Invitation,
    InvitationStatus,
    Membership,
    NetworkAffiliation,
    Structure,
    YearlyFigures,
)
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


STAFF_MAY_NOT_JOIN = (
    "Ce compte ne peut pas être rattaché à une structure : les comptes du conseil régional, "
    "des DLA, des facilitateurs et les administrateurs n'appartiennent à aucune structure."
)


def _attach(*, structure, user, role):
    """Create or reactivate ``user``'s membership of ``structure`` as ``role``; its changes
    as journal lines (``{email.field: [before, after]}``). Staff accounts are refused."""
    if not perms.can_join_structure(user):
        raise ValidationError(STAFF_MAY_NOT_JOIN)
    membership, created = Membership.objects.get_or_create(
        user=user, structure=structure, defaults={"role": role}
    )
    before = {} if created else snapshot(membership, ("role", "is_active"))
    membership.role = role
    membership.is_active = True
    membership.deactivated_at = None
    membership.save()
    changes = diff(before, snapshot(membership, ("role", "is_active")))
    return membership, {f"{user.email}.{key}": value for key, value in changes.items()}


@transaction.atomic
def membership_add(*, actor, structure, user, role):
    """Attach ``user`` to ``structure``; an old, deactivated membership is reactivated.
    For the structures' API clients (``api_token``); people join by invitation."""
    membership, changes = _attach(structure=structure, user=user, role=role)
    if changes:
        audit_record(actor=actor, action="structure.membership", obj=structure, changes=changes)
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


# -- Invitations -----------------------------------------------------------------------------


class TooManyInvitations(Exception):
    message = (
        "Vous avez envoyé beaucoup d'invitations depuis hier : réessayez demain, ou "
        "demandez aux services de la région de vous aider."
    )


class InvitationRefused(Exception):
    """The invitation cannot be accepted (``message``, in French, says why)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


INVITATION_CLOSED = {
    InvitationStatus.ACCEPTED: "Cette invitation a déjà été acceptée.",
    InvitationStatus.WITHDRAWN: "Cette invitation a été retirée par la structure.",
    InvitationStatus.REFUSED: "Cette invitation a été refusée.",
    InvitationStatus.EXPIRED: (
        "Cette invitation a expiré : demandez à la structure de vous inviter à nouveau."
    ),
}
WRONG_ADDRESS = (
    "Cette invitation a été envoyée à une autre adresse que celle de votre compte : "
    "déconnectez-vous, puis ouvrez de nouveau le lien reçu."
)
ADDRESS_TAKEN = "Un compte utilise déjà cette adresse : connectez-vous pour accepter l'invitation."


def _invitation_line(invitation, before, after):
    return {f"{invitation.email}.invitation": [before, after]}


@transaction.atomic
def invitation_create(*, actor, structure, email, role):
    """Invite ``email`` to join ``structure`` as ``role`` and mail the link after commit.
    The same whatever the address: an account or none, a staff account (refused when the
    link is opened), already a member; the one who invites learns nothing of it. An
    earlier pending invitation of the address to the structure is withdrawn (the newest
    link is the one that works)."""
    since = timezone.now() - datetime.timedelta(days=1)
    if (
        Invitation.objects.filter(invited_by=actor, created_at__gte=since).count()
        >= settings.IAE_INVITATIONS_PER_DAY
    ):
        raise TooManyInvitations
    email = User.objects.stored_email(email)
    changes, replaced = {}, False
    for earlier in Invitation.objects.select_for_update().filter(
        structure=structure, status=InvitationStatus.PENDING
    ):
        if same_email(earlier.email, email):
            earlier.status = InvitationStatus.WITHDRAWN
            earlier.answered_at = timezone.now()
            earlier.save(update_fields=["status", "answered_at"])
            replaced = True
    invitation = Invitation.objects.create(
        structure=structure, email=email, role=role, invited_by=actor
    )
    changes.update(_invitation_line(invitation, None, InvitationStatus.PENDING))
    changes[f"{email}.role"] = [None, role]
    audit_record(
        actor=actor,
        action="structure.invitation",
        obj=structure,
        changes=changes,
        reason="remplace l'invitation précédente de cette adresse" if replaced else "",
    )
    transaction.on_commit(
        lambda: enqueue_quietly("structures.tasks.send_invitation_email", invitation.pk)
    )
    return invitation


@transaction.atomic
def invitation_withdraw(*, actor, invitation):
    """Withdraw a pending invitation: its link no longer works (nothing when it was
    answered already)."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != InvitationStatus.PENDING:
        return invitation
    before = invitation.state
    invitation.status = InvitationStatus.WITHDRAWN
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "answered_at"])
    audit_record(
        actor=actor,
        action="structure.invitation",
        obj=invitation.structure,
        changes=_invitation_line(invitation, before, InvitationStatus.WITHDRAWN),
    )
    return invitation


def invitation_problem(invitation, user=None):
    """Why ``invitation`` cannot be accepted (by ``user``, when given), in French; ``None``
    when it can. A staff account is not a problem here: its refusal is recorded by
    ``invitation_accept``."""
    if invitation.state != InvitationStatus.PENDING:
        return INVITATION_CLOSED[invitation.state]
    if user is not None and not same_email(user.email, invitation.email):
        return WRONG_ADDRESS
    return None


def invitation_accept(*, invitation, user):
    """``user`` (logged in with the invited address) accepts: their membership is created
    or reactivated with the invited role, in one transaction with its journal entry.
    Raises ``InvitationRefused`` when it cannot be; a staff account's refusal is recorded
    (the invitation is then « refusée ») before it is raised."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        problem = invitation_problem(invitation, user)
        if problem is None and not perms.can_join_structure(user):
            _answer(invitation, user, InvitationStatus.REFUSED, reason=STAFF_MAY_NOT_JOIN)
            problem = STAFF_MAY_NOT_JOIN
        elif problem is None:
            return _join(invitation, user)
    raise InvitationRefused(problem)


@transaction.atomic
def invitation_accept_with_new_account(*, invitation, first_name, last_name, password):
    """The invited address has no account: create it (a structure member, with this
    password) and accept. ``InvitationRefused`` when the invitation is closed or an
    account took the address meanwhile."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    problem = invitation_problem(invitation)
    if problem is None and User.objects.with_email(invitation.email):
        problem = ADDRESS_TAKEN
    if problem is not None:
        raise InvitationRefused(problem)
    user = User.objects.create_member(
        invitation.email, password, first_name=first_name, last_name=last_name
    )
    _join(invitation, user, reason="compte créé en acceptant l'invitation")
    return user


def _answer(invitation, user, status, *, changes=None, reason=""):
    before = invitation.state
    invitation.status = status
    invitation.answered_at = timezone.now()
    invitation.accepted_by = user if status == InvitationStatus.ACCEPTED else None
    invitation.save(update_fields=["status", "answered_at", "accepted_by"])
    audit_record(
        actor=user,
        action="structure.invitation",
        obj=invitation.structure,
        changes={**_invitation_line(invitation, before, status), **(changes or {})},
        reason=reason,
    )


def _join(invitation, user, *, reason=""):
    membership, changes = _attach(structure=invitation.structure, user=user, role=invitation.role)
    _answer(invitation, user, InvitationStatus.ACCEPTED, changes=changes, reason=reason)
    return membership
