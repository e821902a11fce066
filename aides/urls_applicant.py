"""Pages of the applicant (SIAE directors): create, fill in steps, attach, follow."""

from django.urls import path

from .views import applicant, documents

urlpatterns = [
    path("dossiers/nouveau/", applicant.dossier_create, name="dossier_create"),
    path("dossiers/<uuid:uuid>/modifier/", applicant.dossier_edit, name="dossier_edit"),
    path(
        "pieces/<uuid:uuid>/remplacer/",
        documents.document_replace,
        name="document_replace",
    ),
    path("pieces/<uuid:uuid>/retirer/", documents.document_remove, name="document_remove"),
    path("mes-dossiers/", applicant.my_dossiers, name="my_dossiers"),
    path("notifications/", applicant.notifications, name="notifications"),
]
