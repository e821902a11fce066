"""Changes of the clauses matching (issue 19, parts 2 and 3): a lot's NAF codes, the
shortlist, interests, the directors' daily digest. Each write runs in a transaction and
leaves an audit entry."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from iae_portal.audit.services import audit_record
from iae_portal.users.models import User
from structures.enums import MembershipRole

from . import perms
from .models import Lot, LotInterest, OfferSubscription, ShortlistEntry
from .ranking import lots_matching, offered_lots


def lot_set_codes(*, actor, lot, codes):
    """Give ``lot`` the NAF sous-classes of its work (already checked); a lot with a clause
    and no attributaire is offered to the SIAE the first time it gets codes."""
    if not perms.can_set_lot_codes(actor, lot):
        raise PermissionDenied
    codes = sorted(set(codes))
    with transaction.atomic():
        lot = Lot.objects.select_for_update().get(pk=lot.pk)
        before = list(lot.activity_codes or [])
        lot.activity_codes = codes
        fields = ["activity_codes", "updated_at"]
        if codes and lot.offered_at is None:
            lot.offered_at = timezone.now()
            fields.append("offered_at")
        lot.save(update_fields=fields)
        audit_record(
            actor=actor,
            action="clauses.lot_codes",
            obj=lot,
            changes={"activity_codes": [", ".join(before), ", ".join(codes)]},
        )
    return lot


def shortlist_add(*, actor, lot, structure):
    if not perms.can_shortlist(actor, lot):
        raise PermissionDenied
    with transaction.atomic():
        _entry, created = ShortlistEntry.objects.get_or_create(
            lot=lot, structure=structure, defaults={"added_by": actor}
        )
        if created:
            audit_record(
                actor=actor,
                action="clauses.shortlist_add",
                obj=lot,
                changes={"structure": [None, f"{structure.name} ({structure.siret})"]},
            )
    return created


def shortlist_remove(*, actor, lot, structure):
    if not perms.can_shortlist(actor, lot):
        raise PermissionDenied
    with transaction.atomic():
        deleted, _ = ShortlistEntry.objects.filter(lot=lot, structure=structure).delete()
        if deleted:
            audit_record(
                actor=actor,
                action="clauses.shortlist_remove",
                obj=lot,
                changes={"structure": [f"{structure.name} ({structure.siret})", None]},
            )
    return bool(deleted)


def _check_offer(actor, lot, structure):
    if structure not in perms.offer_structures(actor, lot):
        raise PermissionDenied


def interest_declare(*, actor, lot, structure):
    """``structure`` (directed by ``actor``, matched by ``lot``) is interested; saying it
    twice changes nothing."""
    _check_offer(actor, lot, structure)
    with transaction.atomic():
        if LotInterest.objects.filter(lot=lot, structure=structure, withdrawn_at=None).exists():
            return None
        interest = LotInterest.objects.create(lot=lot, structure=structure, user=actor)
        audit_record(
            actor=actor,
            action="clauses.interest",
            obj=lot,
            changes={"structure": [None, f"{structure.name} ({structure.siret})"]},
        )
    return interest


def interest_withdraw(*, actor, lot, structure):
    _check_offer(actor, lot, structure)
    with transaction.atomic():
        withdrawn = LotInterest.objects.filter(
            lot=lot, structure=structure, withdrawn_at=None
        ).update(withdrawn_at=timezone.now(), updated_at=timezone.now())
        if withdrawn:
            audit_record(
                actor=actor,
                action="clauses.interest_withdrawn",
                obj=lot,
                changes={"structure": [f"{structure.name} ({structure.siret})", None]},
            )
    return bool(withdrawn)


def subscription_set(*, actor, enabled):
    """Turn ``actor``'s daily e-mail of offered lots on or off."""
    if not perms.can_list_offers(actor):
        raise PermissionDenied
    with transaction.atomic():
        subscription, _ = OfferSubscription.objects.get_or_create(user=actor)
        if subscription.enabled != enabled:
            subscription.enabled = enabled
            subscription.save(update_fields=["enabled"])
            audit_record(
                actor=actor,
                action="clauses.offer_subscription",
                obj=subscription,
                changes={"enabled": [not enabled, enabled]},
            )
    return subscription


def send_offer_digests(now=None):
    """E-mail each director the lots offered since their last digest (the last day the
    first time) that match one of their structures: one e-mail a day at most, none when
    nothing is new, none when turned off. Returns the number of e-mails sent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    directors = (
        User.objects.filter(
            is_active=True,
            memberships__is_active=True,
            memberships__role=MembershipRole.DIRECTEUR,
        )
        .distinct()
        .order_by("pk")
    )
    subscriptions = {s.user_id: s for s in OfferSubscription.objects.filter(user__in=directors)}
    sent = 0
    for user in directors:
        subscription = subscriptions.get(user.pk)
        if subscription is not None and not subscription.enabled:
            continue
        last = subscription.last_sent_at if subscription else None
        if last is not None and timezone.localdate(last) >= today:
            continue
        since = last or now - datetime.timedelta(days=1)
        structures = perms.directed_structures(user)
        if not structures or not user.email:
            continue
        new = lots_matching(
            structures, offered_lots().filter(offered_at__gt=since, offered_at__lte=now)
        )
        if not new:
            continue
        base = settings.PORTAL_BASE_URL
        rows = [
            {
                "lot": lot,
                "structures": matched,
                "url": base + reverse("clauses:offer_detail", args=[lot.uuid]),
            }
            for lot, matched in new
        ]
        body = render_to_string(
            "emails/clauses_offers_digest.txt",
            {"user": user, "rows": rows, "offers_url": base + reverse("clauses:offers")},
        )
        count = len(new)
        subject = (
            f"{count} nouveau{'x' if count > 1 else ''} lot{'s' if count > 1 else ''} à saisir"
        )
        with transaction.atomic():
            OfferSubscription.objects.update_or_create(user=user, defaults={"last_sent_at": now})
            send_mail(subject, body, None, [user.email])
        sent += 1
    return sent
