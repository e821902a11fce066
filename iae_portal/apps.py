from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The core as an app of its own, so Django finds its commands (``seed_demo``, which
    runs the demo steps the domain apps register: ``iae_portal.demo``)."""

    name = "iae_portal"
    verbose_name = "Portail IAE"

    def ready(self):
        from . import imports, lookups, menu
        from .cdiae import prepared, registry

        # ``field__any=[…]``: a list of values as one parameter (iae_portal.lookups).
        lookups.register()
        # Large CSV imports planned and applied in a task (iae_portal.prepared).
        imports.register()

        # The CDIAE report: its file prepared in the background (iae_portal.prepared) and
        # its menu entry, for whoever may read the report of some territory.
        prepared.register()
        menu.register(
            "cdiae",
            label="Rapport CDIAE",
            url_name="cdiae:report",
            section="cdiae",
            order=65,
            show=registry.may_read_any,
        )
