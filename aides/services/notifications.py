"""In-app notifications, sent by e-mail once the transaction has committed."""

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from iae_portal.queue import enqueue_quietly
from iae_portal.users.models import User
from structures.enums import MembershipRole

from ..models import Notification


def applicants_of(dossier):
    """Who hears about a dossier on the applicant's side: the structure's active directors."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__structure=dossier.structure,
            memberships__is_active=True,
            memberships__role=MembershipRole.DIRECTEUR,
        )
    )


def notify(users, *, dossier, subject, template, context=None):
    """Create one notification per user and e-mail them after commit."""
    users = [user for user in dict.fromkeys(users) if user is not None and user.is_active]
    if not users:
        return []
    body = render_to_string(template, {"dossier": dossier, **(context or {})})
    notifications = Notification.objects.bulk_create(
        Notification(user=user, dossier=dossier, subject=subject, body=body) for user in users
    )
    ids = [n.pk for n in notifications]

    def send():
        # Unsent e-mails keep ``emailed_at`` empty; the notification is on the portal anyway.
        enqueue_quietly("aides.tasks.send_notification_emails", ids)

    transaction.on_commit(send)
    return notifications


def notifications_mark_read(*, user, ids=None):
    """Mark ``user``'s unread notifications read (only ``ids`` when given); returns how many."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
