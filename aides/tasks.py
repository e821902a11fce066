"""Celery tasks: thin wrappers around services, safe to run twice."""

import datetime
import logging

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from .models import Notification
from .services.batch import BatchBusy, batch_run, batches_sweep

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
