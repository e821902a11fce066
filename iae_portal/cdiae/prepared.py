"""The CDIAE report prepared in the background (``iae_portal.prepared``): its tables take a
few aggregate queries each and WeasyPrint seconds, so the request never waits for them."""

from ..prepared import kinds
from ..prepared.services import Refused
from . import registry
from .report import FORMATS, build_report, content, filename

REPORT = "cdiae.report"


def params(scope, year, fmt):
    return {"scope": scope.token, "year": year, "format": fmt}


def build_report_file(job, out):
    """The report of the scope and year kept in ``job.params``, if its owner may still read
    it (their region or organisation may have changed since they asked)."""
    scope = registry.scope_from_token(job.params.get("scope", ""))
    year, fmt = job.params.get("year"), job.params.get("format")
    if scope is None or not registry.can_read(job.owner, scope):
        raise Refused("Vous n'avez plus accès au rapport CDIAE de ce territoire.")
    if fmt not in FORMATS or not isinstance(year, int):
        raise Refused("Ce rapport n'existe pas : redemandez-le depuis la page du rapport CDIAE.")
    report = build_report(scope, year, progress=job.progress)
    total = len(report.parts) + 1
    out.write(content(report, fmt))
    job.progress(total, total)
    return filename(report, year, fmt)


def register():
    kinds.register(REPORT, build=build_report_file)
