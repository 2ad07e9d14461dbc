from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Base, Coverage, Donation, Partner


@admin.register(Base)
class BaseAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "level", "recognised_on", "withdrawn_on", "organisation"]
    list_filter = ["kind", "level"]
    search_fields = ["name"]
    raw_id_fields = ["organisation", "created_by"]


@admin.register(Coverage)
class CoverageAdmin(SimpleHistoryAdmin):
    list_display = ["title", "outlet", "outlet_level", "form", "published_on", "organisation"]
    list_filter = ["outlet_level", "form"]
    search_fields = ["title", "outlet"]
    raw_id_fields = ["organisation", "activity", "created_by"]


@admin.register(Partner)
class PartnerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "since", "until", "organisation"]
    list_filter = ["kind"]
    search_fields = ["name"]
    raw_id_fields = ["organisation", "activities", "created_by"]


@admin.register(Donation)
class DonationAdmin(SimpleHistoryAdmin):
    list_display = [
        "received_on",
        "donor",
        "partner",
        "money",
        "goods_count",
        "goods_unit",
        "qualifier",
        "organisation",
    ]
    search_fields = ["donor", "purpose", "goods_kind"]
    raw_id_fields = ["organisation", "partner", "activity", "created_by"]
