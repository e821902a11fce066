from django.contrib import admin

from iae_portal.admin import ReadOnlyAdmin

from .models import ApiClient, Deletion


@admin.register(ApiClient)
class ApiClientAdmin(ReadOnlyAdmin):
    """Clients are created and revoked with ``manage.py api_token`` (audited there)."""

    list_display = ["name", "scope", "restriction_label", "token_prefix", "created_at",
                    "last_used_at", "revoked_at"]  # fmt: skip
    list_filter = ["scope"]
    list_select_related = ["department", "structure", "dla", "facilitator"]
    search_fields = ["name", "token_prefix"]
    exclude = ["token_hash"]


@admin.register(Deletion)
class DeletionAdmin(ReadOnlyAdmin):
    list_display = ["deleted_at", "type", "object_id", "department"]
    list_filter = ["type"]
    search_fields = ["object_id"]
