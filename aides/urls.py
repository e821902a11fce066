from django.urls import include, path

from . import views, views_batch, views_dossiers

app_name = "aides"

urlpatterns = [
    path("", views.scheme_list, name="scheme_list"),
    path("simulateur/", views.simulator, name="simulator"),
    path("courriers/parametres/", views.letter_settings, name="letter_settings"),
    path("calculs/<uuid:uuid>/", views.computation_detail, name="computation_detail"),
    path("dossiers/<uuid:uuid>/", views_dossiers.dossier_detail, name="dossier_detail"),
    path(
        "dossiers/<uuid:uuid>/action/<slug:name>/",
        views_dossiers.dossier_transition,
        name="dossier_transition",
    ),
    path("dossiers/<uuid:uuid>/message/", views_dossiers.dossier_comment, name="dossier_comment"),
    path(
        "dossiers/<uuid:uuid>/courrier/<slug:kind>.pdf",
        views_dossiers.dossier_letter,
        name="dossier_letter",
    ),
    path("pieces/<uuid:uuid>/", views_dossiers.document_download, name="document_download"),
    path("versements/<uuid:uuid>/payer/", views_dossiers.instalment_pay, name="instalment_pay"),
    path(
        "campagnes/<uuid:uuid>/traitements/", views_batch.campaign_batches, name="campaign_batches"
    ),
    path(
        "campagnes/<uuid:uuid>/traitements/lancer/",
        views_batch.batch_start_view,
        name="batch_start",
    ),
    path("traitements/<uuid:uuid>/", views_batch.batch_detail, name="batch_detail"),
    path("traitements/<uuid:uuid>/avancement/", views_batch.batch_progress, name="batch_progress"),
    path("traitements/<uuid:uuid>/courriers.zip", views_batch.batch_archive, name="batch_archive"),
    path("", include("aides.urls_applicant")),
    path("", include("aides.urls_staff")),
    path("<slug:code>/", views.scheme_detail, name="scheme_detail"),
    path("<slug:code>/modifier/", views.scheme_edit, name="scheme_edit"),
    path("<slug:code>/parametres/", views.scheme_parameters, name="scheme_parameters"),
]
