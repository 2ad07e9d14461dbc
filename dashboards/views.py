from django.conf import settings
from django.views.generic import TemplateView

from accounts.access import Access, AccessMixin
from activities import selectors as activity_selectors
from branches import selectors as branch_selectors
from obligations.models import Message
from reports.models import Report, ReportStatus
from submissions.selectors import open_requests_addressed_to

from .boards import board_and_key, role_of

INBOX_PREVIEW = 5


class DashboardView(AccessMixin, TemplateView):
    """The home page: the signed-in role's dashboard."""

    access = Access.READ

    def get_template_names(self):
        return [f"dashboards/{role_of(self.request.user) or 'none'}.html"]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        # The charts' tables run to hundreds of cells (a city's ~500 units): rendered once per
        # board and kept beside it.
        ctx["board"], ctx["board_key"] = board_and_key(user)
        ctx["fragment_seconds"] = settings.FIGURES_CACHE_SECONDS
        ctx["roots"] = branch_selectors.scope_roots(user)
        role = role_of(user)
        if role == "secretary":
            # Returned work first of all, and never cached: it goes the moment it is resubmitted.
            ctx["returned"], ctx["returned_total"] = activity_selectors.returned_to(user=user)
            # Per person, and read/unread changes with every click: never cached.
            ctx["messages_preview"] = list(
                Message.objects.visible_to(user).select_related("organisation").order_by("-created_at")[:INBOX_PREVIEW]
            )
            ctx["summary_requests"] = open_requests_addressed_to(user=user)
        if role in ("leader", "staff"):
            ctx["latest_report"] = (
                Report.objects.visible_to(user)
                # The committee's own report: not a summary a committee below submitted to it.
                .filter(status=ReportStatus.FINAL, organisation__in=ctx["roots"])
                .select_related("organisation")
                .order_by("-year", "-half", "-finalised_at", "-version")
                .first()
            )
        return ctx
