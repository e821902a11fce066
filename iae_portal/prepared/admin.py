from django.contrib import admin

from ..admin import ReadOnlyAdmin
from .models import PreparedFile


@admin.register(PreparedFile)
class PreparedFileAdmin(ReadOnlyAdmin):
    """Read-only: who asked for which file, and how it went (an administrator may delete
    one)."""

    list_display = ["title", "owner", "state", "created_at", "expires_at"]
    list_filter = ["state", "kind"]
    readonly_fields = [f.name for f in PreparedFile._meta.fields]

    def has_delete_permission(self, request, obj=None):
        return super(ReadOnlyAdmin, self).has_delete_permission(request, obj)
