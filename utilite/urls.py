"""The social utility pages (``/utilite-sociale/``): the structures' yearly reports and DTS
grids, their review by staff, the statistics, the networks' import."""

from django.urls import path, re_path

from .views import imports, reports
from .views.radar import report_radar
from .views.statistics import missing_export, remind, statistics, statistics_export

app_name = "utilite"

urlpatterns = [
    # The director's yearly report (steps, grid, submit) and the staff review.
    path("mes-bilans/", reports.my_reports, name="my_reports"),
    path("bilans/<str:siret>/<int:year>/", reports.report_detail, name="report"),
    path(
        "bilans/<str:siret>/<int:year>/etapes/<str:step>/",
        reports.report_step,
        name="report_step",
    ),
    path("bilans/<str:siret>/<int:year>/soumettre/", reports.report_submit, name="report_submit"),
    path("bilans/<str:siret>/<int:year>/valider/", reports.report_validate, name="report_validate"),
    path(
        "bilans/<str:siret>/<int:year>/renvoyer/",
        reports.report_send_back,
        name="report_send_back",
    ),
    path("structures/<str:siret>/autorisations/", reports.delegates, name="delegates"),
    path(
        "structures/<str:siret>/autorisations/<int:pk>/retirer/",
        reports.delegate_remove,
        name="delegate_remove",
    ),
    # The statistics, the missing reports, the exports.
    path("statistiques/", statistics, name="statistics"),
    re_path(
        r"^statistiques/export\.(?P<fmt>csv|xlsx)$", statistics_export, name="statistics_export"
    ),
    re_path(
        r"^statistiques/manquants-export\.(?P<fmt>csv|xlsx)$",
        missing_export,
        name="missing_export",
    ),
    path("statistiques/relancer/<str:siret>/", remind, name="remind"),
    path("bilans/<str:siret>/<int:year>/radar/", report_radar, name="report_radar"),
    # The import page.
    path("import/", imports.report_import, name="import"),
]
