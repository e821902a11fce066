"""Pages of the applicant (SIAE directors): create, fill in steps, attach, follow."""

from django.urls import path

from . import views_applicant

urlpatterns = [
    path("dossiers/nouveau/", views_applicant.dossier_create, name="dossier_create"),
    path("dossiers/<uuid:uuid>/modifier/", views_applicant.dossier_edit, name="dossier_edit"),
    path("mes-dossiers/", views_applicant.my_dossiers, name="my_dossiers"),
    path("notifications/", views_applicant.notifications, name="notifications"),
]
