from django.contrib import admin

from iae_portal.admin import ReadOnlyAdmin

from .models import (
    CollectiveProject,
    Convention,
    Department,
    Membership,
    NetworkAffiliation,
    ProjectMember,
    Region,
    SharedPost,
    SharedPostSplit,
    Structure,
    YearlyFigures,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region"]
    list_filter = ["region"]
    search_fields = ["code", "name"]


class ConventionInline(admin.TabularInline):
    model = Convention
    extra = 0


class AffiliationInline(admin.TabularInline):
    model = NetworkAffiliation
    extra = 0


class FiguresInline(admin.StackedInline):
    model = YearlyFigures
    extra = 0


class MembershipInline(admin.TabularInline):
    """Shown, never written here: people join by invitation and leave from the members'
    page (``structures.services``: staff accounts refused, every change journalled)."""

    model = Membership
    extra = 0
    fields = ["user", "role", "is_active", "created_at", "deactivated_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Structure)
class StructureAdmin(admin.ModelAdmin):
    list_display = ["name", "siret", "kind", "legal_form", "department", "updated_at"]
    list_filter = ["kind", "legal_form", "department__region"]
    search_fields = ["name", "siret", "city"]
    list_select_related = ["department"]
    readonly_fields = ["uuid", "created_at", "updated_at"]
    inlines = [ConventionInline, AffiliationInline, FiguresInline, MembershipInline]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    """Memberships change through invitations and the members' page only (see the inline)."""

    list_display = ["user", "structure", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__email", "structure__name", "structure__siret"]
    autocomplete_fields = ["user", "structure"]
    list_select_related = ["user", "structure"]


class ProjectMemberInline(admin.TabularInline):
    model = ProjectMember
    extra = 0
    autocomplete_fields = ["structure"]


class SharedPostInline(admin.TabularInline):
    model = SharedPost
    extra = 0
    autocomplete_fields = ["host"]
    show_change_link = True


@admin.register(CollectiveProject)
class CollectiveProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "carrier", "start_date"]
    list_filter = ["kind"]
    search_fields = ["name"]
    autocomplete_fields = ["carrier"]
    readonly_fields = ["uuid"]
    inlines = [ProjectMemberInline, SharedPostInline]


class SharedPostSplitInline(admin.TabularInline):
    model = SharedPostSplit
    extra = 0
    autocomplete_fields = ["structure"]


@admin.register(SharedPost)
class SharedPostAdmin(admin.ModelAdmin):
    list_display = ["function", "project", "etp", "host"]
    autocomplete_fields = ["project", "host"]
    inlines = [SharedPostSplitInline]
