from django.urls import path

from . import views, views_bilan, views_import

app_name = "clauses"

urlpatterns = [
    path("", views.marche_list, name="list"),
    path("bilan/", views_bilan.bilan, name="bilan"),
    path("bilan.csv", views_bilan.bilan_csv, name="bilan_csv"),
    path("import/", views_import.clauses_import, name="import"),
    path("lots/<uuid:uuid>/heures/", views.report_hours, name="report_hours"),
    path("lots/<uuid:uuid>/siae/", views.lot_candidates, name="lot_candidates"),
    path("lots/<uuid:uuid>/heures-exigees/", views.lot_hours, name="lot_hours"),
    path("<uuid:uuid>/", views.marche_detail, name="detail"),
]
