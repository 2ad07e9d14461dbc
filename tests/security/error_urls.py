"""The project's URLs plus views that fail with an ID number in hand (test_id_numbers.py)."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.urls import include, path
from django.views import View

from accounts.access import Access, AccessMixin

ID_NUMBER = "45020220000101138X"


class FailingView(AccessMixin, View):
    access = Access.READ
    error: type[Exception] = RuntimeError

    def get(self, request):
        raise self.error(f"no record for ID {ID_NUMBER} ({request.GET.get('q', '')})")


urlpatterns = [
    path("boom/", FailingView.as_view(), name="boom"),
    path("boom/404/", FailingView.as_view(error=Http404), name="boom_404"),
    path("boom/403/", FailingView.as_view(error=PermissionDenied), name="boom_403"),
    path("boom/400/", FailingView.as_view(error=SuspiciousOperation), name="boom_400"),
    path("", include("youthleague.urls")),
]
