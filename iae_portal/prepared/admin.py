from django.contrib import admin

from .models import PreparedFile


@admin.register(PreparedFile)
class PreparedFileAdmin(admin.ModelAdmin):
    """Read-only: who asked for which file, and how it went."""

    list_display = ["title", "owner", "state", "created_at", "expires_at"]
    list_filter = ["state", "kind"]
    readonly_fields = [f.name for f in PreparedFile._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
