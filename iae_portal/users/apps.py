from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "iae_portal.users"
    label = "users"
    verbose_name = "Utilisateurs et rôles"
