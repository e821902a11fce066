"""Partner accounts: people of other institutions (``partenaire`` role) acting for an
organisation (``Organisation``). An instructeur may invite one by e-mail while asking an
opinion: the account is created then (no password: the e-mail carries a link to choose
one), or the partner account of that address is reused. Organisations themselves are
managed in the Django admin."""

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from iae_portal.audit.services import audit_record
from iae_portal.users.models import User
from iae_portal.users.roles import PARTNER_MEMBER, roles_with

from .models import OrganisationMembership

NOT_A_PARTNER = (
    "Cette adresse est celle d'un compte du portail qui n'est pas un compte de partenaire : "
    "elle ne peut pas être invitée comme partenaire."
)

PARTNER_INACTIVE = (
    "Le compte de partenaire de cette adresse est désactivé : demandez à l'administration "
    "du portail de le réactiver."
)


# The role an invited partner's account gets: the one granting ``partner.member``.
PARTNER_ROLE = min(roles_with(PARTNER_MEMBER))


def is_partner_account(user):
    """Whether ``user``'s role is one of partners (``partner.member``), active or not."""
    return user.role in roles_with(PARTNER_MEMBER)


def invitation_problem(email):
    """Why ``email`` cannot be invited as a partner (in French), or ``None``: an account of
    another role, or a partner account deactivated. Says nothing else of the account."""
    for user in User.objects.with_email(email):
        if not is_partner_account(user):
            return NOT_A_PARTNER
        if not user.is_active:
            return PARTNER_INACTIVE
    return None


@transaction.atomic
def partner_invite(*, actor, email, first_name, last_name, organisation):
    """The partner account of ``email``, acting for ``organisation``: created (role
    ``partenaire``, an unusable password: the link of ``password_link`` sets it) when no
    account uses the address, else the partner account of that address, attached to the
    organisation if it was not. Returns ``(user, created)``; raises a French
    ``ValidationError`` for an address of another kind of account (``invitation_problem``).
    Journalled on the organisation."""
    problem = invitation_problem(email)
    if problem:
        raise ValidationError(problem, code="not_partner")
    found = User.objects.with_email(email)
    created = not found
    if created:
        user = User.objects.create_user(
            email,
            None,
            role=PARTNER_ROLE,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            organisation=organisation.name[:200],
        )
    else:
        user = found[0]
    membership, new = OrganisationMembership.objects.get_or_create(
        organisation=organisation, user=user
    )
    changes = {}
    if created:
        changes[f"{user.email}.compte"] = [None, "créé (invitation)"]
    if new or not membership.is_active:
        changes[f"{user.email}.is_active"] = [None if new else False, True]
        if not membership.is_active:
            membership.is_active = True
            membership.save(update_fields=["is_active"])
    if changes:
        audit_record(
            actor=actor,
            action="organisation.partner",
            obj=organisation,
            changes=changes,
            reason="invité pour donner un avis sur un dossier",
        )
    return user, created


def password_link(user):
    """The path where ``user`` chooses a password (Django's password reset confirmation:
    its token works for an account without a usable password, and expires with
    ``PASSWORD_RESET_TIMEOUT`` or once a password is set)."""
    return reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
