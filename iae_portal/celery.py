"""Celery application: ``celery -A iae_portal worker``.

Configuration comes from the ``CELERY_*`` Django settings; with no broker configured the
tasks run eagerly in the calling process (local use and the default test run).
"""

import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iae_portal.settings")

app = Celery("iae_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _load_weasyprint(**kwargs):
    """WeasyPrint in the worker's main process, before it forks its children: each child
    (recycled every ``CELERY_WORKER_MAX_TASKS_PER_CHILD`` tasks) then has it from the fork
    instead of importing it at its first letter (≈ 0.8 s and 23 MB each). Other processes
    import it at their first PDF only (``iae_portal.pdf``)."""
    from iae_portal import pdf_render  # noqa: F401
