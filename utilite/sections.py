"""What social utility shows on pages of the core and of structures, through
``iae_portal.sections``: a structure's yearly reports on its page; on the home page, the
reports a director has to fill in (the last ended year's, due 30 June of the next) and the
submitted reports staff have to review. Registered by ``UtiliteConfig.ready()``."""

import datetime

from django.urls import reverse
from django.utils import timezone

from iae_portal.sections import home_page, structure_page

from . import perms
from .computations import SIAE_KIND_CODES
from .enums import AWAITED, ReportStatus
from .models import SocialReport

TO_REVIEW_SHOWN = 10


def _last_ended_year():
    return timezone.localdate().year - 1


def due_date(year):
    """A report of ``year`` is due on 30 June of the next (retained reading)."""
    return datetime.date(year + 1, 6, 30)


# -- The structure page -----------------------------------------------------------------------


def structure_section(request, structure):
    """The structure's reports by year, with their status; « Remplir le bilan <year> » for
    those who fill them in, the review for staff. ``None`` for a structure that is no SIAE
    and for those who do not read its reports."""
    user = request.user
    if structure.kind not in SIAE_KIND_CODES or not perms.report_reach(user).contains(structure):
        return None
    reports = list(structure.social_reports.order_by("-year"))
    can_fill = perms.can_fill_report(user, structure)
    review = perms.review_reach(user).contains(structure)
    last = _last_ended_year()
    years = {report.year for report in reports}
    rows = [
        {
            "report": report,
            "url": reverse("utilite:report", args=[structure.siret, report.year]),
            "to_review": review and report.status == ReportStatus.SOUMIS,
            "to_fill": can_fill and report.status in perms.EDITABLE,
        }
        for report in reports
    ]
    start = None
    if can_fill and last not in years:
        start = {
            "year": last,
            "url": reverse("utilite:report_step", args=[structure.siret, last, "activite"]),
            "due": due_date(last),
        }
    return {
        "rows": rows,
        "start": start,
        "can_manage_delegates": perms.can_manage_delegates(user, structure),
    }


# -- The home page ----------------------------------------------------------------------------


def director_section(request):
    """The last ended year's reports still to fill in (none, a draft, sent back) of the
    structures the user fills reports for; ``None`` when there is none."""
    year = _last_ended_year()
    structures = list(perms.fillable_structures(request.user).order_by("name"))
    if not structures:
        return None
    reports = {
        report.structure_id: report
        for report in SocialReport.objects.filter(structure__in=structures, year=year)
    }
    rows = []
    for structure in structures:
        report = reports.get(structure.pk)
        if report is not None and report.status not in AWAITED:
            continue
        rows.append(
            {
                "structure": structure,
                "report": report,
                "url": reverse("utilite:report", args=[structure.siret, year])
                if report
                else reverse("utilite:report_step", args=[structure.siret, year, "activite"]),
            }
        )
    if not rows:
        return None
    return {"rows": rows, "year": year, "due": due_date(year)}


def staff_section(request):
    """The submitted reports of the user's territory, waiting for the review (oldest
    first); ``None`` when there is none."""
    waiting = perms.review_reach(request.user).filter(
        SocialReport.objects.filter(status=ReportStatus.SOUMIS), "structure"
    )
    shown = list(
        waiting.select_related("structure").order_by("submitted_at", "pk")[: TO_REVIEW_SHOWN + 1]
    )
    if not shown:
        return None
    return {
        "rows": [
            {
                "report": report,
                "url": reverse("utilite:report", args=[report.structure.siret, report.year]),
            }
            for report in shown[:TO_REVIEW_SHOWN]
        ],
        "total": waiting.count() if len(shown) > TO_REVIEW_SHOWN else len(shown),
    }


def register():
    structure_page.register(
        "utilite.reports", None, "utilite/reports/_structure_section.html", structure_section, 40
    )
    home_page.register(
        "utilite.to_fill",
        perms.can_list_own_reports,
        "utilite/reports/_home_director.html",
        director_section,
        order=25,
    )
    home_page.register(
        "utilite.to_review",
        perms.can_review_reports,
        "utilite/reports/_home_staff.html",
        staff_section,
        order=40,
    )
