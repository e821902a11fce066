from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views
from .users import throttling
from .users.forms import LoginForm

admin.site.site_header = "Administration du portail IAE"
admin.site.site_title = "Portail IAE"

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "connexion/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, authentication_form=LoginForm
        ),
        name="login",
    ),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "mot-de-passe/oubli/",
        throttling.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "mot-de-passe/oubli/envoye/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/termine/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "mot-de-passe/changer/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "mot-de-passe/changer/termine/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("structures/", include("structures.urls")),
    path("aides/", include("aides.urls")),
    path("dla/", include("dla.urls")),
    path("clauses/", include("clauses.urls")),
    path("utilite-sociale/", include("utilite.urls")),
    path("api/v1/", include("iae_portal.api.urls")),
    path("journal/", include("iae_portal.audit.urls")),
    path("fichiers/", include("iae_portal.prepared.urls")),
    path("rapports/cdiae/", include("iae_portal.cdiae.urls")),
    path("admin/", admin.site.urls),
]
