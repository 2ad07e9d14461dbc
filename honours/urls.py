from django.urls import path

from .views import batches, bodies, honours, summary

app_name = "honours"
urlpatterns = [
    path("", honours.HonourListView.as_view(), name="list"),
    path("summary/", summary.SummaryView.as_view(), name="summary"),
    path("new/", honours.HonourCreateView.as_view(), name="create"),
    path("<int:pk>/", honours.HonourDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", honours.HonourUpdateView.as_view(), name="update"),
    path("<int:pk>/submit/", honours.HonourActionView.as_view(action="submit"), name="submit"),
    path("<int:pk>/withdraw/", honours.HonourActionView.as_view(action="withdraw"), name="withdraw"),
    path("<int:pk>/approve/", honours.HonourActionView.as_view(action="approve"), name="approve"),
    path("<int:pk>/return/", honours.HonourActionView.as_view(action="return"), name="return"),
    path("<int:pk>/delete/", honours.HonourActionView.as_view(action="delete"), name="delete"),
    path("<int:pk>/certificate/", honours.HonourCertificateView.as_view(), name="certificate"),
    path("<int:pk>/certificate/upload/", honours.HonourCertificateUploadView.as_view(), name="certificate_upload"),
    path("bodies/", bodies.BodyListView.as_view(), name="body_list"),
    path("bodies/new/", bodies.BodyCreateView.as_view(), name="body_create"),
    path("bodies/<int:pk>/edit/", bodies.BodyUpdateView.as_view(), name="body_update"),
    path("lists/", batches.BatchListView.as_view(), name="batch_list"),
    path("lists/new/", batches.BatchCreateView.as_view(), name="batch_create"),
    path("lists/template.xlsx", batches.BatchTemplateView.as_view(), name="batch_template"),
    path("lists/<int:pk>/", batches.BatchDetailView.as_view(), name="batch_detail"),
    path("lists/<int:pk>/edit/", batches.BatchUpdateView.as_view(), name="batch_update"),
    path("lists/<int:pk>/pick/", batches.BatchPickView.as_view(), name="batch_pick"),
    path("lists/<int:pk>/count/", batches.BatchCountView.as_view(), name="batch_count"),
    path("lists/<int:pk>/upload/", batches.BatchUploadView.as_view(), name="batch_upload"),
    path("lists/<int:pk>/document/", batches.BatchDocumentView.as_view(), name="batch_document"),
    path("lists/<int:pk>/remove/", batches.BatchActionView.as_view(action="remove"), name="batch_remove"),
    path("lists/<int:pk>/submit/", batches.BatchActionView.as_view(action="submit"), name="batch_submit"),
    path("lists/<int:pk>/withdraw/", batches.BatchActionView.as_view(action="withdraw"), name="batch_withdraw"),
    path("lists/<int:pk>/approve/", batches.BatchActionView.as_view(action="approve"), name="batch_approve"),
    path("lists/<int:pk>/return/", batches.BatchActionView.as_view(action="return"), name="batch_return"),
    path("lists/<int:pk>/delete/", batches.BatchActionView.as_view(action="delete"), name="batch_delete"),
]
