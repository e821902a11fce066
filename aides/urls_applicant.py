"""Pages of the applicant (SIAE directors): create, fill in steps, attach, follow."""

from django.urls import path

from . import views_applicant, views_documents

urlpatterns = [
    path("dossiers/nouveau/", views_applicant.dossier_create, name="dossier_create"),
    path("dossiers/<uuid:uuid>/modifier/", views_applicant.dossier_edit, name="dossier_edit"),
    path(
        "pieces/<uuid:uuid>/remplacer/",
        views_documents.document_replace,
        name="document_replace",
    ),
    path("pieces/<uuid:uuid>/retirer/", views_documents.document_remove, name="document_remove"),
    path("mes-dossiers/", views_applicant.my_dossiers, name="my_dossiers"),
    path("notifications/", views_applicant.notifications, name="notifications"),
]
