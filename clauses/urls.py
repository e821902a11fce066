from django.urls import path, re_path

from . import views, views_bilan, views_import, views_offers

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
    path("<uuid:uuid>/", views.marche_detail, name="detail"),
]
