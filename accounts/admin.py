from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "last_name", "first_name", "role", "organisation", "is_active")
    list_filter = ("role", "is_active", "is_staff")
    list_select_related = ("organisation",)
    autocomplete_fields = ("organisation",)
    fieldsets = (*BaseUserAdmin.fieldsets, ("角色与组织", {"fields": ("role", "organisation", "phone")}))
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, ("角色与组织", {"fields": ("role", "organisation")}))
