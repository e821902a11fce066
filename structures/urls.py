from django.urls import path, re_path

from . import views, views_activities, views_export, views_import

app_name = "structures"

urlpatterns = [
    path("", views.structure_list, name="list"),
    re_path(r"^export\.(?P<fmt>csv|xlsx)$", views_export.structure_export, name="export"),
    path("nouvelle/", views.structure_create, name="create"),
    path("import/", views_import.structure_import, name="import"),
    path("projets/", views.project_list, name="project_list"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("projets/<uuid:uuid>/", views.project_detail, name="project_detail"),
    path("<str:siret>/", views.structure_detail, name="detail"),
    path("<str:siret>/modifier/", views.structure_edit, name="edit"),
    path("<str:siret>/activites/", views_activities.structure_activities, name="activities"),
    path("<str:siret>/conventions/ajouter/", views.convention_form, name="convention_add"),
    path("<str:siret>/conventions/<str:number>/", views.convention_form, name="convention_edit"),
    path("<str:siret>/chiffres/ajouter/", views.figures_form, name="figures_add"),
    path("<str:siret>/chiffres/<int:year>/", views.figures_form, name="figures_edit"),
    path("<str:siret>/membres/", views.members, name="members"),
    path("<str:siret>/membres/inviter/", views.invitation_create, name="invitation_create"),
    path(
        "<str:siret>/membres/invitations/<uuid:uuid>/retirer/",
        views.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path(
        "<str:siret>/membres/<uuid:uuid>/desactiver/",
        views.membership_deactivate,
        name="membership_deactivate",
    ),
]
