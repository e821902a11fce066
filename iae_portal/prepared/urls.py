from django.urls import path

from . import views

app_name = "prepared"

urlpatterns = [
    path("", views.prepared_list, name="list"),
    path("<uuid:uuid>/", views.prepared_detail, name="detail"),
    path("<uuid:uuid>/avancement/", views.prepared_progress, name="progress"),
    path("<uuid:uuid>/telecharger/", views.prepared_download, name="download"),
]
