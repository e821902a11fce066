from django.apps import AppConfig


class DlaConfig(AppConfig):
    name = "dla"
    verbose_name = "Dispositif local d'accompagnement"

    def ready(self):
        # Its sections of the structure page and of the home page (iae_portal.sections).
        from . import demo, sections
        from .api import client_kinds, routes

        sections.register()
        # The API clients tied to a DLA (iae_portal.api.scope_kinds).
        client_kinds.register()
        # Its resources of /api/v1/ (iae_portal.api.routes).
        routes.register()
        # Its step of seed_demo (iae_portal.demo).
        demo.register()
