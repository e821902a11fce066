from django.contrib import admin

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
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["created_at", "deactivated_at"]


@admin.register(Structure)
class StructureAdmin(admin.ModelAdmin):
    list_display = ["name", "siret", "kind", "legal_form", "department", "updated_at"]
    list_filter = ["kind", "legal_form", "department__region"]
    search_fields = ["name", "siret", "city"]
    list_select_related = ["department"]
    readonly_fields = ["uuid", "created_at", "updated_at"]
    inlines = [ConventionInline, AffiliationInline, FiguresInline, MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
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
