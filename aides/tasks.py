"""Celery tasks: thin wrappers around services, safe to run twice."""

import datetime
import logging

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone

from structures.partners import password_link

from .models import Notification, OpinionRequest
from .services.batch import BatchBusy, batch_run, batches_sweep
from .services.batch_letters import letters_render
from .services.opinions import PARTNER_TEMPLATE, send_opinion_reminders

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def send_notification_emails(notification_ids):
    """E-mail each notification not yet e-mailed (a retried task sends nothing twice)."""
    pending = Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True)
    for notification in pending.select_related("user"):
        send_mail(notification.subject, notification.body, None, [notification.user.email])
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())


@shared_task(bind=True, acks_late=True, max_retries=None)
def run_batch(self, batch_id, reserved=None):
    """Thin wrapper: ``batch.batch_run`` is idempotent, so a redelivered message is safe;
    while another runner holds the batch, try again when its lease expires. ``reserved``:
    the lease (ISO 8601) a sweep or a resumption set when it queued this run."""
    try:
        batch_run(
            batch_id, reserved=datetime.datetime.fromisoformat(reserved) if reserved else None
        )
    except BatchBusy as busy:
        raise self.retry(countdown=busy.retry_in) from None


@shared_task(acks_late=True)
def render_letters(batch_id, dossier_ids):
    """Thin wrapper: one chunk of a letters batch (``batch_letters.letters_render``); a
    message delivered again renders only the letters still missing."""
    letters_render(batch_id, dossier_ids)


@shared_task
def sweep_batches():
    """Queue again the batches whose runner is gone (Celery beat, ``CELERY_BEAT_SCHEDULE``)."""
    return [batch.pk for batch in batches_sweep()]


@worker_ready.connect(dispatch_uid="aides.sweep_batches_on_worker_ready")
def sweep_when_a_worker_starts(sender=None, **kwargs):
    """A worker started (after a crash, say): sweep at once rather than at beat's next turn.
    Queued, so that the sweep runs in a pool process, not in the worker's main process."""
    try:
        sweep_batches.apply_async(expires=settings.IAE_BATCH_SWEEP_INTERVAL)
    except Exception:  # the worker goes on; beat sweeps later
        logger.exception("Cannot queue the sweep of stalled batches")


@shared_task
def remind_opinion_requests():
    """Remind the partners whose opinion is due soon or late (Celery beat, daily:
    ``CELERY_BEAT_SCHEDULE``); each reminder goes once (``send_opinion_reminders``)."""
    return send_opinion_reminders(timezone.localdate())


@shared_task(acks_late=True)
def send_opinion_invitation(request_id, subject, intro):
    """The e-mail of a request to a partner who has not chosen a password yet (an account
    created by the invitation): the request and a fresh link to choose the password. Nothing
    once the password is chosen or the request withdrawn (the portal's notification says it)."""
    request = (
        OpinionRequest.objects.select_related(
            "partner", "dossier__structure", "dossier__campaign__scheme"
        )
        .filter(pk=request_id, withdrawn_at__isnull=True)
        .first()
    )
    if request is None or not request.partner.is_active or request.partner.has_usable_password():
        return
    body = render_to_string(
        PARTNER_TEMPLATE,
        {
            "intro": intro,
            "dossier": request.dossier,
            "opinion_request": request,
            "url": settings.PORTAL_BASE_URL + request.get_absolute_url(),
            "password_url": settings.PORTAL_BASE_URL + password_link(request.partner),
            "password_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        },
    )
    send_mail(subject, body, None, [request.partner.email])
