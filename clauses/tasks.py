"""Celery tasks of the social clauses: thin wrappers around services, safe to run twice."""

from celery import shared_task

from .services_digest import send_facilitator_digests as send_digests


@shared_task
def send_facilitator_digests():
    """Each facilitator's monthly digest of missing months and late lots (Celery beat:
    ``CELERY_BEAT_SCHEDULE``); a person gets at most one a month."""
    return send_digests()
