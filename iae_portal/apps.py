from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The core as an app of its own, so Django finds its commands (``seed_demo``, which
    runs the demo steps the domain apps register: ``iae_portal.demo``)."""

    name = "iae_portal"
    verbose_name = "Portail IAE"
