"""Queueing Celery tasks by name, from services.

A ``tasks`` module is a thin wrapper that imports its app's services; a service that queues
work names the task instead of importing the tasks module, so no import cycle runs between
the two. The name is the task's registered name (``aides.tasks.run_batch``): looking it up
imports its module when no one has yet (a web process does not run Celery's autodiscovery,
which waits for a worker), and an unknown name fails at once.
"""

import importlib
import logging

from celery import current_app
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def task(name):
    """The registered task ``name`` (``celery.exceptions.NotRegistered`` if its module does
    not declare it)."""
    if name not in current_app.tasks:
        importlib.import_module(name.rpartition(".")[0])
    return current_app.tasks[name]


def enqueue(name, *args):
    """Queue the task ``name`` with ``args`` (eager in tests: it runs at once)."""
    return task(name).delay(*args)


def enqueue_quietly(name, *args):
    """Queue ``name``; when the broker (or, tasks running eagerly, the mail server) cannot be
    reached, log it and go on: this runs after a transaction committed, and the web answer
    must not turn into an error for what is already saved. Returns whether it was queued."""
    try:
        enqueue(name, *args)
    except (OperationalError, OSError):
        logger.exception("Cannot queue %s", name)
        return False
    return True
