from django.urls import path

from . import views

app_name = "security"
urlpatterns = [
    path("lockouts/", views.LockoutListView.as_view(), name="lockouts"),
    path("lockouts/release/", views.LockoutReleaseView.as_view(), name="lockout_release"),
    path("history/", views.HistoryListView.as_view(), name="history"),
]
