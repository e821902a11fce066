from django.urls import path

from . import views

app_name = "cdiae"

urlpatterns = [
    path("", views.report, name="report"),
]
