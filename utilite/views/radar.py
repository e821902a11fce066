"""A report's DTS radar on its own page (``utilite:report_radar``): its axis scores against
its structure's previous validated years and the medians of its kind in its département
(``presenters.radar_for``), for whoever reads the report (others: 404)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from .. import perms, presenters


@login_required
def report_radar(request, siret, year):
    report = get_object_or_404(
        perms.visible_reports(request.user).select_related("structure"),
        structure__siret=siret,
        year=year,
    )
    return render(
        request,
        "utilite/report_radar.html",
        {"report": report, "radar": presenters.radar_for(report)},
    )
