from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Message, Obligation, Reminder


@admin.register(Obligation)
class ObligationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "frequency", "target", "min_count", "min_hours", "lead_days", "active_from", "active"]
    list_filter = ["active", "frequency", "target"]
    search_fields = ["name", "code"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """The ledger is written by the reminder run only; the admin reads it."""

    list_display = ["created_at", "kind", "organisation", "obligation", "period_start", "recipient", "email_status"]
    list_filter = ["kind", "email_status"]
    search_fields = ["organisation__name", "recipient__username", "email_to"]
    list_select_related = ["organisation", "obligation", "recipient"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "subject", "read_at"]
    search_fields = ["subject", "recipient__username"]
    list_select_related = ["recipient"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
