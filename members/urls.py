from django.urls import path

from .views import ageing, cohorts, imports, overview, recruitment, roles, roster, transfers

app_name = "members"
urlpatterns = [
    path("", roster.MemberListView.as_view(), name="list"),
    path("find/", roster.MemberFindView.as_view(), name="find"),
    path("new/", roster.MemberCreateView.as_view(), name="create"),
    path("<int:pk>/", roster.MemberDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", roster.MemberUpdateView.as_view(), name="update"),
    path("<int:pk>/reveal-id/", roster.MemberRevealIdView.as_view(), name="reveal_id"),
    path("<int:pk>/transfer/", transfers.TransferCreateView.as_view(), name="transfer_create"),
    path("<int:pk>/recruitment/", recruitment.RecruitmentStartView.as_view(), name="recruitment_start"),
    path("<int:pk>/cadre/", roles.AppointmentCreateView.as_view(role="cadre"), name="cadre_create"),
    path("<int:pk>/counsellor/", roles.AppointmentCreateView.as_view(role="counsellor"), name="counsellor_create"),
    path("cadres/<int:pk>/end/", roles.AppointmentEndView.as_view(), name="cadre_end"),
    path("counsellors/<int:pk>/end/", roles.CounsellorEndView.as_view(), name="counsellor_end"),
    path("transfers/", transfers.TransferListView.as_view(), name="transfers"),
    path("transfers/<int:pk>/accept/", transfers.TransferActionView.as_view(action="accept"), name="transfer_accept"),
    path("transfers/<int:pk>/reject/", transfers.TransferActionView.as_view(action="reject"), name="transfer_reject"),
    path("transfers/<int:pk>/cancel/", transfers.TransferActionView.as_view(action="cancel"), name="transfer_cancel"),
    path("recruitment/", recruitment.RecruitmentListView.as_view(), name="recruitment"),
    path(
        "recruitment/<int:pk>/advance/",
        recruitment.RecruitmentActionView.as_view(action="advance"),
        name="recruitment_advance",
    ),
    path(
        "recruitment/<int:pk>/stop/", recruitment.RecruitmentActionView.as_view(action="stop"), name="recruitment_stop"
    ),
    path("overview/", overview.OverviewView.as_view(), name="overview"),
    path("counts/new/", overview.RecordedCountCreateView.as_view(), name="recorded_count_create"),
    path("cohorts/", cohorts.CohortListView.as_view(), name="cohorts"),
    path("cohorts/new/", cohorts.CohortCreateView.as_view(), name="cohort_create"),
    path("cohorts/<int:pk>/edit/", cohorts.CohortUpdateView.as_view(), name="cohort_update"),
    path("ageing-out/", ageing.AgeingListView.as_view(), name="ageing"),
    path("ageing-out/confirm/", ageing.AgeingConfirmView.as_view(), name="ageing_confirm"),
    path("import/", imports.ImportUploadView.as_view(), name="import"),
    path("import/template.xlsx", imports.ImportTemplateView.as_view(), name="import_template"),
    path("import/<int:pk>/", imports.ImportDetailView.as_view(), name="import_detail"),
    path("import/<int:pk>/status/", imports.ImportStatusView.as_view(), name="import_status"),
    path("import/<int:pk>/problems.xlsx", imports.ImportProblemsView.as_view(), name="import_problems"),
    path("import/<int:pk>/confirm/", imports.ImportConfirmView.as_view(), name="import_confirm"),
    path("import/<int:pk>/retry/", imports.ImportRetryView.as_view(), name="import_retry"),
    path("import/<int:pk>/discard/", imports.ImportDiscardView.as_view(), name="import_discard"),
]
