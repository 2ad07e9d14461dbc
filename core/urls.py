from django.urls import path

from . import views
from .health import HEALTH_PATH

app_name = "core"
urlpatterns = [
    path(HEALTH_PATH.lstrip("/"), views.healthz, name="healthz"),
    path("exports/", views.ExportJobListView.as_view(), name="export_list"),
    path("exports/start/", views.ExportStartView.as_view(), name="export_start"),
    path("exports/<uuid:pk>/", views.ExportJobDetailView.as_view(), name="export_detail"),
    path("exports/<uuid:pk>/status/", views.ExportJobStatusView.as_view(), name="export_status"),
    path("exports/<uuid:pk>/download/", views.ExportJobDownloadView.as_view(), name="export_download"),
    path("exports/<uuid:pk>/retry/", views.ExportJobRetryView.as_view(), name="export_retry"),
    path("audit/", views.AuditEventListView.as_view(), name="audit_list"),
]
