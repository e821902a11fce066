"""Admin pieces the apps share (no model of the core is registered here)."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records only their services write (the journal, import runs): the admin lists
    and shows them, and never adds, changes nor deletes one."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
