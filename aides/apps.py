from django.apps import AppConfig


class AidesConfig(AppConfig):
    name = "aides"
    verbose_name = "Aides régionales"

    def ready(self):
        # Its sections of the structure page and of the home page (iae_portal.sections).
        from . import demo, sections
        from .api import routes

        sections.register()
        # Its step of seed_demo (iae_portal.demo).
        demo.register()
        # Its resources of /api/v1/ (iae_portal.api.routes).
        routes.register()
