from django.urls import path

from . import views, views_accompaniment, views_import

app_name = "dla"

urlpatterns = [
    path("", views.accompaniment_list, name="list"),
    path("demande/", views_accompaniment.accompaniment_request, name="request"),
    path("bilan/", views.bilan, name="bilan"),
    path("bilan.csv", views.bilan_csv, name="bilan_csv"),
    path("bilan.pdf", views.bilan_pdf, name="bilan_pdf"),
    path("import/", views_import.dla_import, name="import"),
    path("livrables/<uuid:uuid>/", views_accompaniment.deliverable_download, name="deliverable"),
    path("<uuid:uuid>/", views_accompaniment.accompaniment_detail, name="detail"),
    path(
        "<uuid:uuid>/demande/", views_accompaniment.step, {"step": "request"}, name="step_request"
    ),
    path(
        "<uuid:uuid>/diagnostic/",
        views_accompaniment.step,
        {"step": "diagnostic"},
        name="step_diagnostic",
    ),
    path("<uuid:uuid>/plan/", views_accompaniment.step, {"step": "plan"}, name="step_plan"),
    path(
        "<uuid:uuid>/prestations/",
        views_accompaniment.step,
        {"step": "prestation"},
        name="step_prestation",
    ),
    path(
        "<uuid:uuid>/prestations/<uuid:prestation>/livrables/",
        views_accompaniment.step_deliverables,
        name="step_deliverables",
    ),
    path(
        "<uuid:uuid>/suivi/", views_accompaniment.step, {"step": "follow_up"}, name="step_follow_up"
    ),
    path("<uuid:uuid>/cloture/", views_accompaniment.step, {"step": "close"}, name="step_close"),
]
