from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import UploadImportAdmin

from .models import (
    CadreAppointment,
    CounsellorAppointment,
    Member,
    MemberImport,
    RecruitmentCase,
    SchoolCohort,
    Transfer,
)


@admin.register(Member)
class MemberAdmin(SimpleHistoryAdmin):
    """Read-only here: members are registered and changed through the portal's forms,
    which validate and encrypt the ID number."""

    list_display = ("name", "id_number_masked", "organisation", "category", "status")
    list_filter = ("category", "status")
    search_fields = ("name",)
    list_select_related = ("organisation",)
    exclude = ("id_number_encrypted",)
    readonly_fields = ("id_number_masked",)
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CadreAppointment)
class CadreAppointmentAdmin(SimpleHistoryAdmin):
    list_display = ("member", "organisation", "position", "kind", "started_on", "ended_on")
    list_filter = ("kind",)
    raw_id_fields = ("member", "organisation")


@admin.register(CounsellorAppointment)
class CounsellorAppointmentAdmin(SimpleHistoryAdmin):
    list_display = ("member", "organisation", "role", "full_time", "started_on", "ended_on")
    list_filter = ("role",)
    raw_id_fields = ("member", "organisation")


@admin.register(RecruitmentCase)
class RecruitmentCaseAdmin(SimpleHistoryAdmin):
    list_display = ("member", "organisation", "stage", "applied_on", "admitted_on")
    list_filter = ("stage",)
    raw_id_fields = ("member", "organisation")


@admin.register(Transfer)
class TransferAdmin(SimpleHistoryAdmin):
    list_display = ("member", "from_organisation", "to_organisation", "external_destination", "status")
    list_filter = ("status",)
    raw_id_fields = ("member", "from_organisation", "to_organisation", "requested_by", "decided_by")


@admin.register(SchoolCohort)
class SchoolCohortAdmin(SimpleHistoryAdmin):
    list_display = ("school", "level", "graduation_year", "student_count")
    raw_id_fields = ("school",)
    filter_horizontal = ("classes",)


@admin.register(MemberImport)
class MemberImportAdmin(UploadImportAdmin):
    list_display = ("original_name", "organisation", "uploaded_by", "status", "created_count", "updated_count")
