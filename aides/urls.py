from django.urls import include, path

from .views import batch, dossiers, financing, opinions, schemes

app_name = "aides"

urlpatterns = [
    path("", schemes.scheme_list, name="scheme_list"),
    path("simulateur/", schemes.simulator, name="simulator"),
    path("courriers/parametres/", schemes.letter_settings, name="letter_settings"),
    path("dispositifs/nouveau/", schemes.scheme_create, name="scheme_create"),
    path("calculs/<uuid:uuid>/", schemes.computation_detail, name="computation_detail"),
    path("dossiers/<uuid:uuid>/", dossiers.dossier_detail, name="dossier_detail"),
    path(
        "dossiers/<uuid:uuid>/action/<slug:name>/",
        dossiers.dossier_transition,
        name="dossier_transition",
    ),
    path("dossiers/<uuid:uuid>/message/", dossiers.dossier_comment, name="dossier_comment"),
    path(
        "dossiers/<uuid:uuid>/plan-de-financement/",
        financing.plan_edit,
        name="financing_plan",
    ),
    path(
        "dossiers/<uuid:uuid>/courrier/<slug:kind>.pdf",
        dossiers.dossier_letter,
        name="dossier_letter",
    ),
    path("pieces/<uuid:uuid>/", dossiers.document_download, name="document_download"),
    path("versements/<uuid:uuid>/payer/", dossiers.instalment_pay, name="instalment_pay"),
    path("campagnes/<uuid:uuid>/traitements/", batch.campaign_batches, name="campaign_batches"),
    path(
        "campagnes/<uuid:uuid>/traitements/lancer/",
        batch.batch_start_view,
        name="batch_start",
    ),
    path("traitements/<uuid:uuid>/", batch.batch_detail, name="batch_detail"),
    path("traitements/<uuid:uuid>/avancement/", batch.batch_progress, name="batch_progress"),
    path("traitements/<uuid:uuid>/reprendre/", batch.batch_resume_view, name="batch_resume"),
    path("traitements/<uuid:uuid>/courriers.zip", batch.batch_archive, name="batch_archive"),
    # Partners' opinions (views.opinions).
    path(
        "dossiers/<uuid:uuid>/avis/demander/",
        opinions.opinion_request_create,
        name="opinion_request_create",
    ),
    path("avis/", opinions.opinion_request_list, name="opinion_request_list"),
    path("avis/<uuid:uuid>/", opinions.opinion_request_detail, name="opinion_request"),
    path("avis/<uuid:uuid>/repondre/", opinions.opinion_give, name="opinion_give"),
    path(
        "avis/<uuid:uuid>/retirer/",
        opinions.opinion_request_withdraw,
        name="opinion_request_withdraw",
    ),
    path("avis/pieces/<uuid:uuid>/", opinions.opinion_document, name="opinion_document"),
    path(
        "avis/pieces-jointes/<uuid:uuid>/",
        opinions.opinion_attachment,
        name="opinion_attachment",
    ),
    path("", include("aides.urls_applicant")),
    path("", include("aides.urls_staff")),
    path("<slug:code>/", schemes.scheme_detail, name="scheme_detail"),
    path("<slug:code>/modifier/", schemes.scheme_edit, name="scheme_edit"),
    path("<slug:code>/parametres/", schemes.scheme_parameters, name="scheme_parameters"),
]
