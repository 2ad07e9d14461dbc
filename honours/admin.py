from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import UploadImportAdmin

from .models import BatchImport, CommendationBatch, ConferringBody, Honour


@admin.register(ConferringBody)
class ConferringBodyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "level", "active"]
    list_filter = ["level", "active"]
    search_fields = ["name", "short_name"]


@admin.register(CommendationBatch)
class CommendationBatchAdmin(SimpleHistoryAdmin):
    list_display = ["name", "level", "conferring_body", "counted_on", "direction", "organisation", "status"]
    list_filter = ["level", "direction", "status"]
    search_fields = ["name", "conferring_body__name"]
    raw_id_fields = ["organisation", "conferring_body", "created_by", "submitted_by", "reviewed_by"]
    readonly_fields = ["counted_on"]


@admin.register(Honour)
class HonourAdmin(SimpleHistoryAdmin):
    list_display = ["title", "recipient_name", "recipient_count", "recipient_kind", "level", "counted_on", "status"]
    list_filter = ["level", "direction", "recipient_kind", "status"]
    search_fields = ["title", "recipient_name", "conferring_body__name"]
    raw_id_fields = [
        "batch",
        "conferring_body",
        "member",
        "recipient_organisation",
        "organisation",
        "created_by",
        "submitted_by",
        "reviewed_by",
    ]
    readonly_fields = ["counted_on"]


@admin.register(BatchImport)
class BatchImportAdmin(UploadImportAdmin):
    list_display = ("original_name", "batch", "uploaded_by", "status", "created_count", "problem_count")
    raw_id_fields = ("batch",)
