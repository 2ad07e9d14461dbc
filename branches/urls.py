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
    path("<int:pk>/staffing/new/", views.StaffingCreateView.as_view(), name="staffing_create"),
    path("staffing/<int:pk>/edit/", views.StaffingUpdateView.as_view(), name="staffing_update"),
    path("staffing/<int:pk>/delete/", views.StaffingDeleteView.as_view(), name="staffing_delete"),
    path("<int:pk>/renewals/new/", views.RenewalCreateView.as_view(), name="renewal_create"),
    path("renewals/<int:pk>/edit/", views.RenewalUpdateView.as_view(), name="renewal_update"),
    path("renewals/<int:pk>/delete/", views.RenewalDeleteView.as_view(), name="renewal_delete"),
]
