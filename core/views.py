from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from accounts.access import Access, AccessMixin
from branches import selectors as branch_selectors

from .health import health_report


@login_not_required
@never_cache
def healthz(request):
    healthy, report = health_report()
    return JsonResponse({"status": "ok" if healthy else "fail", **report}, status=200 if healthy else 503)


class HomeView(AccessMixin, TemplateView):
    access = Access.READ
    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["roots"] = branch_selectors.scope_roots(user)
        ctx["counts"] = branch_selectors.organisation_counts_by_kind(user=user)
        return ctx
