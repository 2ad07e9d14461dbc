from functools import cache

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from accounts.access import Access, AccessMixin
from core.freshness import fragment_key

from .. import selectors, services
from ..ages import today


class AgeingListView(AccessMixin, TemplateView):
    """Members due to leave at 28; staff confirm them in bulk."""

    access = Access.READ
    template_name = "members/ageing_list.html"
    # The oldest first, a batch a person can check before confirming; the next batch shows once
    # these are confirmed. (A city's thousand rows on one page were slow to render.)
    limit = 200

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        due = selectors.members_due_to_age_out(user=user).select_related("organisation")
        day = today()
        # Left unevaluated: the lists are read only when the page's cached copy of them is
        # missing or out of date (the key changes with the data and the day).
        ctx.update(
            due=due.order_by("birth_date", "pk")[: self.limit],
            due_total=cache(due.count),
            exempt=(
                selectors.members_past_age_holding_posts(user=user)
                .select_related("organisation")
                .order_by("birth_date", "pk")[:200]
            ),
            today=day,
            limit=self.limit,
            lists_key=fragment_key("ageing", user, day.isoformat()),
            fragment_seconds=settings.FIGURES_CACHE_SECONDS,
        )
        return ctx


class AgeingConfirmView(AccessMixin, View):
    access = Access.STAFF
    http_method_names = ["post"]

    def post(self, request):
        ids = [int(v) for v in request.POST.getlist("member") if v.isdigit()]
        if not ids:
            messages.warning(request, "请先勾选要办理超龄离团的成员。")
            return HttpResponseRedirect(reverse("members:ageing"))
        done = services.members_age_out(member_ids=ids, by=request.user)
        skipped = len(set(ids)) - done
        text = f"已为 {done} 名成员办理超龄离团。"
        if skipped:
            text += f"另有 {skipped} 名已不符合条件（如已任团内职务或已转出），未作处理。"
        messages.success(request, text)
        return HttpResponseRedirect(reverse("members:ageing"))
