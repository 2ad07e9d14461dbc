from django.urls import path

from . import views

app_name = "obligations"
urlpatterns = [
    path("", views.ComplianceView.as_view(), name="compliance"),
    path("compliance/<int:pk>/<int:obligation>/", views.ComplianceCellView.as_view(), name="cell"),
    path("due/", views.DueView.as_view(), name="due"),
    path("inbox/", views.InboxView.as_view(), name="inbox"),
    path("inbox/read-all/", views.InboxReadAllView.as_view(), name="inbox_read_all"),
    path("inbox/<int:pk>/read/", views.MessageReadView.as_view(), name="message_read"),
    path("inbox/<int:pk>/open/", views.MessageOpenView.as_view(), name="message_open"),
    path("rules/", views.ObligationListView.as_view(), name="list"),
    path("rules/new/", views.ObligationCreateView.as_view(), name="create"),
    path("rules/<int:pk>/edit/", views.ObligationUpdateView.as_view(), name="update"),
    path("schedule/", views.ScheduleView.as_view(), name="schedule"),
    path("schedule/run/", views.RunNowView.as_view(), name="run_now"),
    path("reminders/", views.ReminderListView.as_view(), name="reminders"),
    path("channels/", views.ChannelListView.as_view(), name="channels"),
    path("channels/<int:pk>/", views.ChannelEditView.as_view(), name="channel_edit"),
    path("channels/<int:pk>/test/<str:channel>/", views.ChannelTestView.as_view(), name="channel_test"),
    path("reminders/<int:pk>/retry/", views.ReminderRetryView.as_view(), name="reminder_retry"),
]
