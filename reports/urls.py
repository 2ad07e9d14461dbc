from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.ReportListView.as_view(), name="list"),
    path("new/", views.ReportStartView.as_view(), name="start"),
    path("<int:pk>/", views.ReportDetailView.as_view(), name="detail"),
    path("<int:pk>/print/", views.ReportPrintView.as_view(), name="print"),
    path("<int:pk>/status/", views.ReportStatusView.as_view(), name="status"),
    path("<int:pk>/download/<str:fmt>/", views.ReportDownloadView.as_view(), name="download"),
    path("<int:pk>/refresh/", views.ReportRefreshView.as_view(), name="refresh"),
    path("<int:pk>/finalise/", views.ReportFinaliseView.as_view(), name="finalise"),
    path("<int:pk>/reopen/", views.ReportReopenView.as_view(), name="reopen"),
    path("<int:pk>/item/", views.ReportItemEditView.as_view(), name="item_edit"),
    path("<int:pk>/item/action/", views.ReportItemActionView.as_view(), name="item_action"),
    path("<int:pk>/item/style/", views.ReportStyleView.as_view(), name="item_style"),
    path("<int:pk>/item/add/", views.ReportAddItemView.as_view(), name="item_add"),
    path("<int:pk>/headings/", views.ReportHeadingView.as_view(), name="headings"),
]
