"""The core's Celery tasks: thin wrappers, safe to run twice."""

from celery import shared_task

from . import uploads


@shared_task(acks_late=True)
def scan_upload(label, pk):
    """Scan one uploaded file left waiting (``uploads.after_saving``)."""
    uploads.scan_upload(label, pk)


@shared_task(acks_late=True)
def scan_waiting_uploads():
    """The periodic sweep (beat, ``IAE_SCAN_SWEEP_INTERVAL``): every file still waiting."""
    return uploads.scan_waiting()
