from django.urls import path

from . import views, views_import

app_name = "dla"

urlpatterns = [
    path("", views.accompaniment_list, name="list"),
    path("bilan/", views.bilan, name="bilan"),
    path("bilan.csv", views.bilan_csv, name="bilan_csv"),
    path("import/", views_import.dla_import, name="import"),
    path("<uuid:uuid>/", views.accompaniment_detail, name="detail"),
]
