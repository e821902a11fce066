from django.apps import AppConfig


class StructuresConfig(AppConfig):
    name = "structures"
    verbose_name = "Structures"

    def ready(self):
        from . import sections, signals

        signals.connect()
        sections.register()
