"""Celery application: ``celery -A iae_portal worker``.

Configuration comes from the ``CELERY_*`` Django settings; with no broker configured the
tasks run eagerly in the calling process (local use and the default test run).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iae_portal.settings")

app = Celery("iae_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
