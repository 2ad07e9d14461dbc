from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views import View
from django.views.generic import DetailView, ListView

from accounts.access import Access, AccessMixin, ScopedObjectMixin
from core.review import services as review
from core.review.forms import ReturnForm
from core.review.models import Status
from core.review.views import ReviewActionView

from .. import selectors, services
from ..forms import BulkReviewForm
from ..models import Activity
from .common import filtered_activities, query_without

REVIEW_PAGE_SIZE = 50


class ReviewQueueView(AccessMixin, ListView):
    """Submitted records, oldest first, filtered like the list; approve or return several at once."""

    access = Access.STAFF
    template_name = "activities/review_queue.html"
    context_object_name = "activities"
    paginate_by = REVIEW_PAGE_SIZE
    # What templates/activities/_review_rows.html shows (as the list's ``row_fields``).
    row_fields = (
        *("title", "start_date", "kind", "participants", "person_times", "submitted_at"),
        *("organisation_id", "campaign_id", "submitted_by_id", "organisation__name", "organisation__short_name"),
        *("campaign__name", "submitted_by__first_name", "submitted_by__last_name", "submitted_by__username"),
    )

    def get_queryset(self):
        self.filterset, qs = filtered_activities(self.request)
        return (
            qs.filter(status=Status.SUBMITTED)
            .select_related("organisation", "campaign", "submitted_by")
            .only(*self.row_fields)
            .order_by("submitted_at", "id")
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["filter"] = self.filterset
        ctx["query"] = query_without(self.request, "page")
        ctx["bulk_form"] = kwargs.get("bulk_form") or BulkReviewForm(allowed_ids=[])
        return ctx


class BulkReviewView(AccessMixin, View):
    """POST: approve or return the selected submitted records (invalid input re-shows the queue)."""

    access = Access.STAFF
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        ids = [int(pk) for pk in request.POST.getlist("ids") if pk.isdigit()]
        allowed = list(
            Activity.objects.visible_to(request.user)
            .filter(pk__in=ids, status=Status.SUBMITTED)
            .values_list("pk", flat=True)
        )
        form = BulkReviewForm(request.POST, allowed_ids=allowed)
        back = reverse("activities:review") + ("?" + request.POST["query"] if request.POST.get("query") else "")
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return HttpResponseRedirect(back)
        approve = form.cleaned_data["action"] == "approve"
        try:
            changed = review.review_many(
                workflow=services.REVIEW,
                ids=form.cleaned_data["ids"],
                reviewer=request.user,
                approve=approve,
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return HttpResponseRedirect(back)
        messages.success(request, f"已{'通过' if approve else '退回'} {changed} 条记录。")
        return HttpResponseRedirect(back)


class ActivityReviewView(ReviewActionView):
    """Submit, withdraw or approve one record (a return asks for its comment: ActivityReturnView)."""

    model = Activity
    workflow = services.REVIEW
    detail_url = "activities:detail"
    done = {
        "submit": (messages.SUCCESS, "已提交审核。"),
        "withdraw": (messages.SUCCESS, "已撤回为草稿，可以修改后再提交。"),
        "approve": (messages.SUCCESS, "已通过「{record.title}」。"),
    }

    def error_message(self, exc: ValidationError) -> str:
        return "还不能提交审核：" + super().error_message(exc)


class ActivityApproveView(ActivityReviewView):
    access = Access.STAFF
    action = "approve"

    def get_success_url(self, record) -> str:
        return _next(self.request, record)


class ActivityReturnView(AccessMixin, ScopedObjectMixin, DetailView):
    """GET shows the comment form; POST returns the record with the comment."""

    access = Access.STAFF
    model = Activity
    context_object_name = "activity"
    template_name = "activities/activity_return.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("form", ReturnForm())
        ctx["next"] = self.request.GET.get("next", "")
        ctx["then"] = self.request.GET.get("then", "")
        return ctx

    def post(self, request, *args, **kwargs):
        self.object = activity = self.get_object()
        form = ReturnForm(request.POST)
        if form.is_valid():
            try:
                comment = form.cleaned_data["comment"]
                review.review_return(workflow=services.REVIEW, record=activity, reviewer=request.user, comment=comment)
            except ValidationError as exc:
                form.add_error("comment", exc.messages)
            else:
                messages.success(request, f"已退回「{activity.title}」，填报人会看到审核意见。")
                return HttpResponseRedirect(_next(request, activity))
        return self.render_to_response(self.get_context_data(form=form))


def _next(request, activity: Activity) -> str:
    """Where a review leads: the next record of the queue (通过并审核下一条 / 退回并审核下一条),
    back to the queue it came from, or the record itself."""
    if request.POST.get("then") == "next":
        following = selectors.next_in_review(user=request.user, after=activity)
        if following is not None:
            return reverse("activities:detail", args=[following.pk])
        messages.info(request, "审核队列已处理完毕。")
        return reverse("activities:review")
    target = request.POST.get("next", "")
    # Only our own review queue, never an outside address.
    if target.startswith(reverse("activities:review")):
        return target
    return reverse("activities:detail", args=[activity.pk])
