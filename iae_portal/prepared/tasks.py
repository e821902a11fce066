"""Celery tasks of the prepared files: thin wrappers, safe to run twice."""

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def build_prepared_file(prepared_id):
    services.build(prepared_id)


@shared_task
def purge_prepared_files():
    """Run by Celery beat (``CELERY_BEAT_SCHEDULE``): the expired files go."""
    return services.purge_expired()
