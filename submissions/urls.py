from django.urls import path

from . import views

app_name = "submissions"
urlpatterns = [
    path("", views.RequestListView.as_view(), name="list"),
    path("new/", views.RequestCreateView.as_view(), name="create"),
    path("<int:pk>/", views.RequestDetailView.as_view(), name="detail"),
    path("<int:pk>/export/", views.RequestExportView.as_view(), name="export"),
    path("<int:pk>/archive/", views.RequestArchiveView.as_view(), name="archive"),
    path("submission/<int:pk>/submit/", views.SubmitView.as_view(), name="submit"),
    path("submission/<int:pk>/return/", views.ReturnView.as_view(), name="return"),
    path("submission/<int:pk>/accept/", views.AcceptView.as_view(), name="accept"),
    path("submission/<int:pk>/insert/", views.InsertView.as_view(), name="insert"),
]
