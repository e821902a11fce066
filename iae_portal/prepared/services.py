"""Recording, building and purging prepared files (see the package's docstring)."""

import datetime
import hashlib
import json
import logging
import tempfile

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from ..queue import enqueue
from . import kinds
from .models import IN_PROGRESS, PreparedFile, PreparedState

logger = logging.getLogger(__name__)
TASK = "iae_portal.prepared.tasks.build_prepared_file"
QUEUE_DOWN = (
    "La file de préparation est indisponible ({error}) : le fichier n'a pas pu être préparé, "
    "réessayez plus tard."
)
FAILED = (
    "La préparation du fichier a échoué ({error}) : réessayez, ou signalez-le à l'administrateur."
)


class Refused(Exception):
    """The owner may no longer have this file (a French message for them)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def lifetime():
    """How long a file stays available: ``IAE_PREPARED_FILE_HOURS`` (a day)."""
    return datetime.timedelta(hours=getattr(settings, "IAE_PREPARED_FILE_HOURS", 24))


def params_key(kind, params):
    text = json.dumps([kind, params], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def prepare(*, owner, kind, params, title, back_url=""):
    """The file of kind ``kind`` with ``params`` for ``owner``: one being prepared for
    them already (or, for a kind that reuses them, one ready and still available), else a
    new one, queued once the transaction commits. ``KeyError`` for an unknown kind."""
    reuse = kinds.get(kind).reuse_ready
    key = params_key(kind, params)
    states = [*IN_PROGRESS, PreparedState.READY] if reuse else list(IN_PROGRESS)
    same = PreparedFile.objects.of(owner).alive().filter(kind=kind, key=key, state__in=states)
    existing = same.order_by("-created_at").first()
    if existing is not None:
        return existing
    prepared = PreparedFile.objects.create(
        owner=owner,
        kind=kind,
        key=key,
        params=params,
        title=title[:200],
        back_url=back_url[:2000],
        expires_at=timezone.now() + lifetime(),
    )
    transaction.on_commit(lambda: _enqueue(prepared.pk))
    return prepared


def _enqueue(pk):
    try:
        enqueue(TASK, pk)
    except Exception as error:  # the broker is down: say so rather than wait forever
        logger.exception("Cannot queue prepared file %s", pk)
        _fail(pk, QUEUE_DOWN.format(error=type(error).__name__))


def _fail(pk, message):
    now = timezone.now()
    PreparedFile.objects.filter(pk=pk).update(
        state=PreparedState.FAILED, failure=message, finished_at=now, expires_at=now + lifetime()
    )


class Job:
    """What a builder gets: the owner, the parameters, and a way to report progress (written
    when the percentage moves, not at each row)."""

    def __init__(self, prepared):
        self.prepared = prepared
        self.owner = prepared.owner
        self.params = prepared.params
        self._shown = None

    def progress(self, done, total):
        shown = (done * 100 // total) if total else 0
        if shown == self._shown:
            return
        self._shown = shown
        PreparedFile.objects.filter(pk=self.prepared.pk).update(done=done, total=total)

    def track(self, items, total):
        """``items`` as they come, counted in the progress out of ``total``."""
        self.progress(0, total)
        done = 0
        for item in items:
            yield item
            done += 1
            self.progress(done, max(total, done))
        self.progress(done, max(total, done))


def build(pk):
    """Build the file ``pk`` (its kind's builder writing to a temporary file, then stored);
    safe to run again: a file already finished or expired is left as it is."""
    prepared = PreparedFile.objects.select_related("owner").filter(pk=pk).first()
    if prepared is None or prepared.state not in IN_PROGRESS or prepared.expired:
        return prepared
    PreparedFile.objects.filter(pk=pk).update(state=PreparedState.RUNNING)
    try:
        kind = kinds.get(prepared.kind)
        with tempfile.TemporaryFile() as out:
            filename = kind.build(Job(prepared), out)
            out.seek(0)
            prepared.file.save(f"{prepared.uuid}/{filename}", File(out, name=filename), save=False)
    except Refused as refused:
        _fail(pk, refused.message)
    except Exception as error:
        logger.exception("Preparing file %s (%s) failed", pk, prepared.kind)
        _fail(pk, FAILED.format(error=type(error).__name__))
    else:
        now = timezone.now()
        PreparedFile.objects.filter(pk=pk).update(
            state=PreparedState.READY,
            file=prepared.file.name,
            filename=filename,
            finished_at=now,
            expires_at=now + lifetime(),
        )
    prepared.refresh_from_db()
    return prepared


def purge_expired(now=None):
    """Delete the expired files and their records; returns how many went."""
    expired = PreparedFile.objects.filter(expires_at__lte=now or timezone.now())
    count = 0
    for prepared in expired.iterator():
        if prepared.file:
            prepared.file.delete(save=False)
        PreparedFile.objects.filter(pk=prepared.pk).delete()
        count += 1
    return count
