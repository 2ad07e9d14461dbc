from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CommendationBatch, Honour


@admin.register(CommendationBatch)
class CommendationBatchAdmin(SimpleHistoryAdmin):
    list_display = ["name", "level", "conferring_body", "counted_on", "direction", "organisation", "status"]
    list_filter = ["level", "direction", "status"]
    search_fields = ["name", "conferring_body"]
    raw_id_fields = ["organisation", "created_by", "submitted_by", "reviewed_by"]
    readonly_fields = ["counted_on"]


@admin.register(Honour)
class HonourAdmin(SimpleHistoryAdmin):
    list_display = ["title", "recipient_name", "recipient_count", "recipient_kind", "level", "counted_on", "status"]
    list_filter = ["level", "direction", "recipient_kind", "status"]
    search_fields = ["title", "recipient_name", "conferring_body"]
    raw_id_fields = [
        "batch",
        "member",
        "recipient_organisation",
        "organisation",
        "created_by",
        "submitted_by",
        "reviewed_by",
    ]
    readonly_fields = ["counted_on"]
