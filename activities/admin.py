from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Activity, ActivityFile, Campaign, Indicator, IndicatorValue


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "dimension", "start_date", "end_date", "active")
    list_filter = ("dimension", "active")
    search_fields = ("name",)


class ActivityFileInline(admin.TabularInline):
    model = ActivityFile
    extra = 0
    fields = ("original_name", "kind", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields
    can_delete = False


@admin.register(Activity)
class ActivityAdmin(SimpleHistoryAdmin):
    list_display = ("title", "organisation", "kind", "dimension", "start_date", "status")
    list_filter = ("status", "kind", "dimension", "audience")
    search_fields = ("title", "organisation__name")
    date_hierarchy = "start_date"
    list_select_related = ("organisation",)
    autocomplete_fields = ("organisation",)
    # attendees as ids: a select of every member in the district would be a page of its own.
    raw_id_fields = ("campaign", "created_by", "submitted_by", "reviewed_by", "attendees")
    inlines = [ActivityFileInline]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "unit", "category", "platform", "period_kind", "over_time", "over_tree", "active")
    list_filter = ("category", "period_kind", "active")
    search_fields = ("code", "name")


@admin.register(IndicatorValue)
class IndicatorValueAdmin(SimpleHistoryAdmin):
    list_display = ("indicator", "organisation", "month", "issue", "qualifier", "value")
    list_filter = ("indicator__category", "indicator")
    date_hierarchy = "month"
    list_select_related = ("indicator", "organisation")
    autocomplete_fields = ("organisation",)
    raw_id_fields = ("entered_by",)
