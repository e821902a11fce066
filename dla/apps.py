from django.apps import AppConfig


class DlaConfig(AppConfig):
    name = "dla"
    verbose_name = "Dispositif local d'accompagnement"
