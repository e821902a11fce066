"""The social utility pages (``/utilite-sociale/``): the structures' yearly reports and DTS
grids, their review by staff, the statistics, the networks' import."""

from django.urls import path  # noqa: F401 (the pages add their paths below)

app_name = "utilite"

urlpatterns = [
    # The director's yearly report (steps, grid, submit) and the staff review.
    # The statistics, the missing reports, the exports.
    # The import page.
]
