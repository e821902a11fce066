from django.contrib import admin

from .models import ApiClient, Deletion


class ReadOnlyAdmin(admin.ModelAdmin):
    """Clients are created and revoked with ``manage.py api_token`` (audited there)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiClient)
class ApiClientAdmin(ReadOnlyAdmin):
    list_display = ["name", "scope", "restriction_label", "token_prefix", "created_at",
                    "last_used_at", "revoked_at"]  # fmt: skip
    list_filter = ["scope"]
    list_select_related = ["structure", "dla"]
    search_fields = ["name", "token_prefix"]
    exclude = ["token_hash"]


@admin.register(Deletion)
class DeletionAdmin(ReadOnlyAdmin):
    list_display = ["deleted_at", "type", "object_id", "department"]
    list_filter = ["type"]
    search_fields = ["object_id"]
