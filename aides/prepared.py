"""The aid schemes' files prepared in the background (``iae_portal.prepared``): the
instruction queue's exports beyond ``IAE_EXPORT_IMMEDIATE_ROWS`` dossiers."""

from django.http import QueryDict

from iae_portal.exports import write
from iae_portal.prepared import kinds
from iae_portal.prepared.services import Refused

from . import exports, perms

QUEUE_EXPORT = "aides.queue_export"


def build_queue_export(job, out):
    """The queue as its owner sees it now, with the filters they had."""
    if not perms.can_view_queue(job.owner):
        raise Refused("Vous n'avez plus accès à la file d'instruction.")
    fmt = job.params["format"]
    queryset = exports.queue_queryset(job.owner, QueryDict(job.params["query"]))
    rows = job.track(exports.rows(queryset), queryset.count())
    write(out, fmt, exports.COLUMNS, rows, sheet_title=exports.SHEET)
    return exports.filename(fmt)


def register():
    kinds.register(QUEUE_EXPORT, build=build_queue_export)
