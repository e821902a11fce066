"""The aid schemes' files prepared in the background (``iae_portal.prepared``): the
instruction queue's exports beyond ``IAE_EXPORT_IMMEDIATE_ROWS`` dossiers, and the archive
of a commission's letters (the letters batch renders and stores each letter; the archive
of them all is made when someone asks for it, and kept a day)."""

import zipfile
from pathlib import Path

from django.http import QueryDict

from iae_portal.exports import write
from iae_portal.prepared import kinds
from iae_portal.prepared.services import Refused

from . import exports, perms
from .models import Batch, BatchItem, BatchKind, BatchState

QUEUE_EXPORT = "aides.queue_export"
LETTERS_ARCHIVE = "aides.letters_archive"


def build_queue_export(job, out):
    """The queue as its owner sees it now, with the filters they had."""
    if not perms.can_view_queue(job.owner):
        raise Refused("Vous n'avez plus accès à la file d'instruction.")
    fmt = job.params["format"]
    queryset = exports.queue_queryset(job.owner, QueryDict(job.params["query"]))
    rows = job.track(exports.rows(queryset), queryset.count())
    write(out, fmt, exports.COLUMNS, rows, sheet_title=exports.SHEET)
    return exports.filename(fmt)


def letters_batch(user, uuid):
    """The finished letters batch ``uuid`` if it stored letters and ``user`` may have their
    archive, else ``None``."""
    batch = (
        perms.visible_batches(user, Batch.objects.select_related("campaign", "commission"))
        .filter(uuid=uuid, kind=BatchKind.LETTERS, state=BatchState.DONE)
        .first()
    )
    if batch is None or not perms.can_download_batch_archive(user, batch):
        return None
    return batch if has_letters(batch) else None


def has_letters(batch):
    return _letters(batch).exists()


def _letters(batch):
    return BatchItem.objects.filter(batch=batch, error="").exclude(letter="")


def archive_name(batch):
    return f"courriers-{batch.commission.date:%Y-%m-%d}.zip"


def build_letters_archive(job, out):
    """One ZIP of the notification letters and conventions the batch stored, a letter at a
    time (the archive is written to a file, never held in memory)."""
    batch = letters_batch(job.owner, job.params["batch"])
    if batch is None:
        raise Refused("Vous n'avez plus accès aux courriers de ce traitement.")
    write_letters_archive(_letters(batch), out, job.track)
    return archive_name(batch)


def write_letters_archive(items, out, track=lambda items, total: items):
    """The ZIP of the letters and conventions of ``items`` (batch items) written to the
    file ``out``, the items read 200 at a time in the order of their dossiers; ``track``
    counts them in a progress."""
    items = items.order_by("dossier_id").only("letter", "convention")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in track(items.iterator(chunk_size=200), items.count()):
            for field in (item.letter, item.convention):
                with field.open("rb") as pdf:
                    archive.writestr(Path(field.name).name, pdf.read())


def register():
    kinds.register(QUEUE_EXPORT, build=build_queue_export)
    # A batch's letters never change once it is done: a ready archive is given again.
    kinds.register(LETTERS_ARCHIVE, build=build_letters_archive, reuse_ready=True)
