from django.urls import path, re_path

from . import views, views_agreements, views_bilan, views_import, views_offers, views_programme

app_name = "clauses"

urlpatterns = [
    path("", views.marche_list, name="list"),
    path("bilan/", views_bilan.bilan, name="bilan"),
    path("bilan.csv", views_bilan.bilan_csv, name="bilan_csv"),
    path("import/", views_import.clauses_import, name="import"),
    path("lots/<uuid:uuid>/heures/", views.report_hours, name="report_hours"),
    path("lots/<uuid:uuid>/siae/", views_offers.lot_candidates, name="lot_candidates"),
    path("lots/<uuid:uuid>/siae/preselection/", views_offers.lot_shortlist, name="lot_shortlist"),
    re_path(
        r"^lots/(?P<uuid>[0-9a-f-]{36})/siae\.(?P<fmt>csv|xlsx)$",
        views_offers.lot_candidates_export,
        name="lot_candidates_export",
    ),
    path("lots/<uuid:uuid>/codes-naf/", views_offers.lot_codes, name="lot_codes"),
    path("marches-a-saisir/", views_offers.offers, name="offers"),
    path("marches-a-saisir/e-mail/", views_offers.offer_subscription, name="offer_subscription"),
    path("marches-a-saisir/<uuid:uuid>/", views_offers.offer_detail, name="offer_detail"),
    path(
        "marches-a-saisir/<uuid:uuid>/interet/", views_offers.offer_interest, name="offer_interest"
    ),
    path("lots/<uuid:uuid>/heures-exigees/", views.lot_hours, name="lot_hours"),
    path("conventions/", views_agreements.agreement_list, name="agreements"),
    path("conventions/nouvelle/", views_agreements.agreement_add, name="agreement_add"),
    path("conventions/<uuid:uuid>/", views_agreements.agreement_detail, name="agreement"),
    path(
        "conventions/<uuid:uuid>/modifier/", views_agreements.agreement_edit, name="agreement_edit"
    ),
    path(
        "conventions/<uuid:uuid>/revues/<int:year>/<int:quarter>/",
        views_agreements.agreement_review,
        name="agreement_review",
    ),
    path("comptes-rendus/<uuid:uuid>/", views_agreements.review_minutes, name="review_minutes"),
    path(
        "comptes-rendus/<uuid:uuid>/retirer/",
        views_agreements.review_minutes_remove,
        name="review_minutes_remove",
    ),
    path("programme/", views_programme.programme_list, name="programme"),
    re_path(
        r"^programme\.(?P<fmt>csv|xlsx)$",
        views_programme.programme_export,
        name="programme_export",
    ),
    path("programme/nouveau/", views_programme.purchase_create, name="purchase_create"),
    path("programme/<uuid:uuid>/", views_programme.purchase_detail, name="purchase_detail"),
    path("programme/<uuid:uuid>/modifier/", views_programme.purchase_edit, name="purchase_edit"),
    path(
        "programme/<uuid:uuid>/notifier/", views_programme.purchase_notify, name="purchase_notify"
    ),
    path(
        "programme/<uuid:uuid>/abandonner/",
        views_programme.purchase_abandon,
        name="purchase_abandon",
    ),
    path("<uuid:uuid>/", views.marche_detail, name="detail"),
]
