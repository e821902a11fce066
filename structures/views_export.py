"""The structures list as a CSV or XLSX download (``exports``)."""

from django.contrib.auth.decorators import login_required

from iae_portal.exports import download

from . import exports, perms
from .filters import StructureFilter


def export_queryset(user, query):
    """The structures of the list ``user`` sees with the filters of ``query``, in its order."""
    return StructureFilter(query, queryset=perms.visible_structures(user).for_list()).qs


@login_required
def structure_export(request, fmt):
    queryset = export_queryset(request.user, request.GET)
    return download(
        fmt,
        exports.filename(fmt),
        exports.COLUMNS,
        exports.rows(queryset),
        sheet_title=exports.SHEET,
    )
