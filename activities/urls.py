from django.urls import path

from . import views

app_name = "activities"
urlpatterns = [
    path("", views.ActivityListView.as_view(), name="list"),
    path("pick/", views.ActivityPickView.as_view(), name="pick"),
    path("calendar/", views.ActivityCalendarView.as_view(), name="calendar"),
    path("new/", views.ActivityCreateView.as_view(), name="create"),
    path("roster/", views.RosterView.as_view(), name="roster"),
    path("<int:pk>/", views.ActivityDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.ActivityUpdateView.as_view(), name="update"),
    path("<int:pk>/submit/", views.ActivityReviewView.as_view(action="submit"), name="submit"),
    path("<int:pk>/withdraw/", views.ActivityReviewView.as_view(action="withdraw"), name="withdraw"),
    path("<int:pk>/approve/", views.ActivityApproveView.as_view(), name="approve"),
    path("<int:pk>/return/", views.ActivityReturnView.as_view(), name="return"),
    path("<int:pk>/delete/", views.ActivityDeleteView.as_view(), name="delete"),
    path("files/<int:pk>/", views.ActivityFileDownloadView.as_view(), name="file"),
    path("files/<int:pk>/delete/", views.ActivityFileDeleteView.as_view(), name="file_delete"),
    path("review/", views.ReviewQueueView.as_view(), name="review"),
    path("review/bulk/", views.BulkReviewView.as_view(), name="review_bulk"),
    path("campaigns/", views.CampaignListView.as_view(), name="campaigns"),
    path("campaigns/new/", views.CampaignCreateView.as_view(), name="campaign_create"),
    path("campaigns/<int:pk>/edit/", views.CampaignUpdateView.as_view(), name="campaign_update"),
    path("indicators/", views.IndicatorListView.as_view(), name="indicators"),
    path("indicators/new/", views.IndicatorCreateView.as_view(), name="indicator_create"),
    path("indicators/<int:pk>/edit/", views.IndicatorUpdateView.as_view(), name="indicator_update"),
    path("indicators/entry/", views.IndicatorEntryView.as_view(), name="indicator_entry"),
    path("indicators/summary/", views.IndicatorSummaryView.as_view(), name="indicator_summary"),
]
