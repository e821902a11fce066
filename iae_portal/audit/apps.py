from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class AuditConfig(AppConfig):
    name = "iae_portal.audit"
    label = "audit"
    verbose_name = "Journal des modifications"

    def ready(self):
        # Each app declares what the journal says of its entries (action names, keys that
        # are no model field) in ``<app>/audit_labels.py`` (``labels.register``).
        autodiscover_modules("audit_labels")
