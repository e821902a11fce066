"""Celery tasks of the structures: thin wrappers, safe to run twice."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone

from .api import stored
from .models import Invitation, InvitationStatus


@shared_task(acks_late=True)
def send_invitation_email(invitation_id):
    """Mail the link of a pending invitation not yet mailed (a retried task sends nothing
    twice), to the invited address."""
    invitation = (
        Invitation.objects.select_related("structure", "invited_by")
        .filter(pk=invitation_id, status=InvitationStatus.PENDING, emailed_at__isnull=True)
        .first()
    )
    if invitation is None:
        return
    body = render_to_string(
        "emails/structure_invitation.txt",
        {"invitation": invitation, "url": settings.PORTAL_BASE_URL + invitation.accept_url()},
    )
    send_mail(
        f"Invitation à rejoindre « {invitation.structure.name} » sur le portail IAE",
        body,
        None,
        [invitation.email],
    )
    Invitation.objects.filter(pk=invitation.pk).update(emailed_at=timezone.now())


@shared_task(acks_late=True)
def refresh_representations():
    """Writes the stored JSON of the structures that need it (``structures.api.stored``):
    after an import, and each night for the conventions that start or end that day. Safe
    to run twice or concurrently with the API, which represents what it finds stale."""
    return stored.refresh()
