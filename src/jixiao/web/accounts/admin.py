"""Django admin for units, users' roles and tokens (Chinese labels come from verbose names)."""

from django.contrib import admin

from .models import ApiToken, Profile, Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "department")
    search_fields = ("code", "name")
    list_filter = ("level",)
    autocomplete_fields = ("department",)


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "unit", "scope_all")
    list_filter = ("role",)
    search_fields = ("user__username", "unit__name")
    filter_horizontal = ("scope",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "label", "created_at", "last_used_at")
    readonly_fields = ("digest", "created_at", "last_used_at")


admin.site.site_header = "jixiao 绩效自评系统管理"
admin.site.site_title = "jixiao 管理"
admin.site.index_title = "系统管理"
