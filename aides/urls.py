from django.urls import path

from . import views

app_name = "aides"

urlpatterns = [
    path("", views.scheme_list, name="scheme_list"),
    path("simulateur/", views.simulator, name="simulator"),
    path("calculs/<uuid:uuid>/", views.computation_detail, name="computation_detail"),
    path("<slug:code>/", views.scheme_detail, name="scheme_detail"),
    path("<slug:code>/modifier/", views.scheme_edit, name="scheme_edit"),
    path("<slug:code>/parametres/", views.scheme_parameters, name="scheme_parameters"),
]
