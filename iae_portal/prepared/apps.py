from django.apps import AppConfig


class PreparedConfig(AppConfig):
    name = "iae_portal.prepared"
    label = "prepared"
    verbose_name = "Fichiers préparés"
