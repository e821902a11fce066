"""Celery tasks: thin wrappers around services, safe to run twice."""

import logging

from celery import shared_task
from django.core.mail import send_mail
from django.utils import timezone

from .models import Notification
from .services.batch import BatchBusy, batch_run

logger = logging.getLogger(__name__)


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
    try:
        batch_run(batch_id)
    except BatchBusy as busy:
        raise self.retry(countdown=busy.retry_in) from None
