"""The social utility pages (``/utilite-sociale/``): the structures' yearly reports and DTS
grids, their review by staff, the statistics, the networks' import."""

from django.urls import path

from .views.radar import report_radar
from .views.statistics import missing_export, remind, statistics, statistics_export

app_name = "utilite"

urlpatterns = [
    # The director's yearly report (steps, grid, submit) and the staff review.
    # The statistics, the missing reports, the exports.
    path("statistiques/", statistics, name="statistics"),
    path("statistiques/export.<str:fmt>", statistics_export, name="statistics_export"),
    path("statistiques/manquants.<str:fmt>", missing_export, name="missing_export"),
    path("statistiques/relancer/<str:siret>/", remind, name="remind"),
    path("bilans/<str:siret>/<int:year>/radar/", report_radar, name="report_radar"),
    # The import page.
]
