"""The DLA bilan's PDF, prepared in the background (``iae_portal.prepared``): WeasyPrint
takes seconds, so the request never waits for it."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, QueryDict
from django.template.loader import render_to_string
from django.utils import timezone

from iae_portal.pdf import html_to_pdf, long_date
from iae_portal.prepared import kinds
from iae_portal.prepared.services import Refused

from .bilan_report import bilan_context

BILAN_PDF = "dla.bilan_pdf"


def build_bilan_pdf(job, out):
    """The bilan of the query kept in ``job.params``, as its owner may read it now."""
    query = QueryDict(mutable=True)
    query.update(job.params["query"])
    try:
        context = bilan_context(job.owner, query)
    except (PermissionDenied, Http404):
        raise Refused("Vous n'avez plus accès à ce bilan.") from None
    job.progress(0, 1)
    context["council"] = settings.PORTAL_COUNCIL_NAME
    context["today"] = long_date(timezone.localdate())
    out.write(html_to_pdf(render_to_string("dla/bilan_pdf.html", context)))
    job.progress(1, 1)
    year = context["bilan"]["year"]
    suffix = f"-{context['department']}" if context["department"] else ""
    return f"bilan-dla-{year}{suffix}.pdf"


def register():
    kinds.register(BILAN_PDF, build=build_bilan_pdf)
