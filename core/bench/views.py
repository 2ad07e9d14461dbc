from django.http import HttpResponse
from django.views import View

from accounts.access import Access, AccessMixin


class FloorView(AccessMixin, View):
    """The benchmark's floor: the full middleware stack and a signed-in user, and no work at all.
    Every page's throughput is measured as a fraction of this one's."""

    access = Access.READ
    http_method_names = ["get"]

    def get(self, request):
        return HttpResponse(b"ok", content_type="text/plain")
