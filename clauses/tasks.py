"""Celery tasks of the social clauses: thin wrappers around services, safe to run twice."""

from celery import shared_task

from .services_digest import send_facilitator_digests as send_digests
from .services_offers import send_offer_digests as send_offers


@shared_task
def send_facilitator_digests():
    """Each facilitator's monthly digest of missing months and late lots (Celery beat:
    ``CELERY_BEAT_SCHEDULE``); a person gets at most one a month."""
    return send_digests()


@shared_task
def send_offer_digests():
    """Each SIAE director's e-mail of the lots newly offered that match their structures
    (Celery beat, daily); one a day at most, none when turned off or nothing is new."""
    return send_offers()
