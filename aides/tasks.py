"""Celery tasks: thin wrappers around services, safe to run twice."""

import logging

from celery import shared_task
from django.core.mail import send_mail
from django.utils import timezone
from kombu.exceptions import OperationalError

from .models import Notification

logger = logging.getLogger(__name__)


def enqueue_quietly(task, *args):
    """Queue ``task``; when the broker (or, tasks running eagerly, the mail server) cannot be
    reached, log it and go on: this runs after a transaction committed, and the web answer
    must not turn into an error for what is already saved. Returns whether it was queued."""
    try:
        task.delay(*args)
    except (OperationalError, OSError):
        logger.exception("Cannot queue %s", task.name)
        return False
    return True


@shared_task(acks_late=True)
def send_notification_emails(notification_ids):
    """E-mail each notification not yet e-mailed (a retried task sends nothing twice)."""
    pending = Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True)
    for notification in pending.select_related("user"):
        send_mail(notification.subject, notification.body, None, [notification.user.email])
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())


@shared_task(bind=True, acks_late=True, max_retries=None)
def run_batch(self, batch_id):
    """Thin wrapper: ``batch.batch_run`` is idempotent, so a redelivered message is safe;
    while another runner holds the batch, try again when its lease expires."""
    from .batch import BatchBusy, batch_run

    try:
        batch_run(batch_id)
    except BatchBusy as busy:
        raise self.retry(countdown=busy.retry_in) from None
