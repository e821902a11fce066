from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class ApiConfig(AppConfig):
    name = "iae_portal.api"
    label = "api"
    verbose_name = "API"

    def ready(self):
        # Each app declares the models whose deletions the feed reports in
        # ``<app>/api/deletions.py``; importing it connects the signals, whatever process
        # deletes (web, command, worker), not only the one that serves the API.
        autodiscover_modules("api.deletions")
        from . import schema  # noqa: F401  (OpenAPI extensions register on import)
