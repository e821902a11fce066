"""Rendering a commission's letters over the worker's processes (issue 20, part 3).

A letters batch (``batch.letters_start``) is run by ``batch.batch_run``, which claims it and
hands it here: the voted dossiers still without an item are split into chunks of
``LETTERS_PER_TASK`` and each chunk is queued as a task of its own (``aides.tasks.
render_letters``), so that every process of the worker renders some; eager (tests), they run
one after the other in the caller. Each dossier's notification letter and convention are
stored as soon as they are rendered, then its item is saved and the batch's progress and
lease move on, in one transaction; whichever chunk finds no dossier left finishes the batch
(not a Celery chord: a chord needs a result backend, which the project does not run, and the
items already say what is done).

Nothing is done twice: the database keeps one item per batch and dossier, a chunk skips a
dossier that has one, and a chunk that loses a race for a dossier (a chunk queued again by a
sweep while the first still ran) drops its files. A chunk that fails leaves its dossiers
without items: the batch's lease, which the other chunks renew, expires once none is left
running, and the batch is then stalled and taken over as a compute batch is (the sweep,
« Reprendre », ``compute_campaign --resume``): the new run queues only the dossiers left.
The archive of the letters is written later, when someone asks for it (``aides.prepared``).
"""

import logging

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from iae_portal.queue import enqueue

from .. import letters
from ..models import Batch, BatchItem, BatchState, LetterSettings
from .batch_lease import lease_length, voted_dossiers

logger = logging.getLogger(__name__)

# Dossiers a task renders (two PDFs each, ≈ 0.3 s together): small enough that the
# processes end within a task of each other, large enough that queueing costs little.
LETTERS_PER_TASK = 4
TASK = "aides.tasks.render_letters"


def letters_spread(batch, *, per_task=LETTERS_PER_TASK, in_process=False):
    """Queue the dossiers of the (claimed) letters batch still without letters, a chunk of
    ``per_task`` per task; ``in_process``: render them here instead, chunk after chunk (a
    command run without a worker). Finishes the batch at once when none is left."""
    pending = list(_pending(batch).order_by("pk").values_list("pk", flat=True))
    if not pending:
        _finish_if_complete(batch)
        return
    for start in range(0, len(pending), per_task):
        chunk = pending[start : start + per_task]
        if in_process:
            letters_render(batch.pk, chunk)
        else:
            enqueue(TASK, batch.pk, chunk)


def letters_render(batch_id, dossier_ids):
    """Render and store the letters of those of ``dossier_ids`` still without them, while
    the batch runs; then finish the batch if no dossier is left. Safe to run twice."""
    batch = Batch.objects.select_related("commission").filter(pk=batch_id).first()
    if batch is None or batch.state != BatchState.RUNNING:
        return
    dossiers = (
        _pending(batch)
        .filter(pk__in=dossier_ids)
        .select_related("structure", "campaign__scheme", "commission")
        .order_by("pk")
    )
    letter_settings = LetterSettings.current()
    for dossier in dossiers:
        # Rendered by another chunk since this one started (queued twice by a sweep)?
        if BatchItem.objects.filter(batch=batch, dossier=dossier).exists():
            continue
        if not _render_one(batch, dossier, letter_settings):
            return  # the batch stopped running
    _finish_if_complete(batch)


def _pending(batch):
    """The dossiers of the batch's commission that have no item yet."""
    return voted_dossiers(batch.commission).exclude(
        Exists(BatchItem.objects.filter(batch=batch, dossier=OuterRef("pk")))
    )


def _render_one(batch, dossier, letter_settings):
    """Store the dossier's two PDFs, then its item with the batch's progress; returns
    whether the batch still runs."""
    item = BatchItem(batch=batch, dossier=dossier, letter_settings=letter_settings)
    try:
        for kind, field in (("notification", item.letter), ("convention", item.convention)):
            pdf = letters.render_letter_pdf(kind, dossier, letter_settings)
            field.save(f"{batch.uuid}/{kind}-{dossier.reference}.pdf", ContentFile(pdf), save=False)
    except letters.LetterNotReady as error:  # its commission has not met yet
        item.error = error.message
    except Exception as error:  # one letter failing must not stop the others
        logger.exception("Letter of %s failed", dossier.reference)
        item.error = f"{type(error).__name__}: {error}"
    running = True
    try:
        with transaction.atomic():
            item.save()
            running = bool(
                Batch.objects.filter(pk=batch.pk, state=BatchState.RUNNING).update(
                    done=F("done") + 1,
                    errors=F("errors") + int(bool(item.error)),
                    lease_until=timezone.now() + lease_length(),
                )
            )
            if not running:
                raise _NotRunning
    except (IntegrityError, _NotRunning):  # another chunk stored this dossier's first
        for field in (item.letter, item.convention):
            if field:
                field.delete(save=False)
    return running


class _NotRunning(Exception):
    """The batch is no longer running: roll the item back."""


def _finish_if_complete(batch):
    """The batch is done once each of its dossiers has an item: whichever chunk sees it
    first (after its own commit, so the last to commit sees every other) finishes it."""
    if _pending(batch).exists():
        return
    Batch.objects.filter(pk=batch.pk, state=BatchState.RUNNING).update(
        state=BatchState.DONE, total=F("done"), finished_at=timezone.now(), lease_until=None
    )
