"""The structures list's exports beyond ``IAE_EXPORT_IMMEDIATE_ROWS`` rows, prepared in the
background (``iae_portal.prepared``)."""

from django.http import QueryDict

from iae_portal.exports import write
from iae_portal.prepared import kinds

from . import exports, perms
from .filters import StructureFilter

EXPORT = "structures.export"


def export_queryset(user, query):
    """The structures of the list ``user`` sees with the filters of ``query``, in its order."""
    return StructureFilter(query, queryset=perms.visible_structures(user).for_list()).qs


def build_export(job, out):
    fmt = job.params["format"]
    queryset = export_queryset(job.owner, QueryDict(job.params["query"]))
    rows = job.track(exports.rows(queryset), queryset.count())
    write(out, fmt, exports.COLUMNS, rows, sheet_title=exports.SHEET)
    return exports.filename(fmt)


def register():
    kinds.register(EXPORT, build=build_export)
