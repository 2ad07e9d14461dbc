from django.urls import path

from . import views

app_name = "branches"
urlpatterns = [
    path("", views.TreeView.as_view(), name="tree"),
    path("pick/<slug:source>/", views.PickView.as_view(), name="pick"),
    path("new/", views.OrganisationCreateView.as_view(), name="create"),
    path("<int:pk>/", views.OrganisationDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.OrganisationUpdateView.as_view(), name="update"),
    path("<int:pk>/move/", views.OrganisationMoveView.as_view(), name="move"),
    path("<int:pk>/deactivate/", views.OrganisationActiveView.as_view(activate=False), name="deactivate"),
    path("<int:pk>/reactivate/", views.OrganisationActiveView.as_view(activate=True), name="reactivate"),
]
