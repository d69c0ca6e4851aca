"""Django admin for the org chart and the calendar overrides the administrator maintains.

An official's roles and place go through runtime.services.posts.change_post, so the open tasks
of the affected posts are re-resolved and audited like any other post change. Calendar overrides go
through runtime.services.calendar, so the open deadlines they change move, audited.
"""

from django.contrib import admin

from workflows.org.forms import CalendarOverrideForm
from workflows.org.models import ABPair, CalendarOverride, Department, Official, Window
from workflows.runtime.services.calendar import delete_override, save_override
from workflows.runtime.services.posts import change_post


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Window)
class WindowAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "department"]
    list_filter = ["department"]


@admin.register(ABPair)
class ABPairAdmin(admin.ModelAdmin):
    list_display = ["a", "b", "kind", "valid_from", "valid_to", "note"]
    list_filter = ["kind"]
    autocomplete_fields = ["a", "b"]


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    form = CalendarOverrideForm
    list_display = ["day", "kind", "note"]
    list_filter = ["kind"]
    date_hierarchy = "day"

    def save_model(self, request, obj, form, change):
        save_override(obj, actor=getattr(request.user, "official", None))

    def delete_model(self, request, obj):
        delete_override(obj, actor=getattr(request.user, "official", None))

    def delete_queryset(self, request, queryset):
        for override in queryset:
            delete_override(override, actor=getattr(request.user, "official", None))


@admin.register(Official)
class OfficialAdmin(admin.ModelAdmin):
    list_display = ["name", "department", "window", "active"]
    list_filter = ["department", "roles", "active"]
    search_fields = ["name", "user__username"]
    filter_horizontal = ["roles"]

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        obj.save(update_fields=["name", "active"])
        change_post(obj, roles=[r.code for r in form.cleaned_data["roles"]], department=obj.department,
                    window=obj.window, actor=getattr(request.user, "official", None))

    def save_related(self, request, form, formsets, change):
        if not change:  # a new official's roles; a change's roles were set by change_post
            super().save_related(request, form, formsets, change)
