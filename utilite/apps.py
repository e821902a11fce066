from django.apps import AppConfig


class UtiliteConfig(AppConfig):
    name = "utilite"
    label = "utilite"
    verbose_name = "Utilité sociale"
