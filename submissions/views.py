import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView

from accounts.access import Access, AccessMixin, ScopedObjectMixin
from branches.scoping import Scope
from core.audit import audit_record
from core.exporters import XLSX_CONTENT_TYPE
from core.models import AuditAction
from reports.models import Report

from . import selectors, services
from .exporters import status_workbook
from .forms import InsertForm, RequestForm, ReturnForm
from .models import Submission, SubmissionState, SummaryRequest


def _default_half(today) -> tuple[int, int]:
    return (today.year, 1) if today.month > 6 else (today.year - 1, 2)


class RequestListView(AccessMixin, TemplateView):
    access = Access.READ
    template_name = "submissions/request_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["requests"] = selectors.requests_for(user=user)
        ctx["addressed"] = selectors.open_requests_addressed_to(user=user)
        return ctx


class RequestCreateView(AccessMixin, FormView):
    # Staff for any committee; a secretary for the committee they run (services.may_act_for).
    access = Access.WRITE
    form_class = RequestForm
    template_name = "submissions/request_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        year, half = _default_half(timezone.localdate())
        return {"year": year, "half": half, "lead_days": 3}

    def form_valid(self, form):
        try:
            request = services.request_create(user=self.request.user, **form.cleaned_data)
        except PermissionDenied:
            form.add_error("organisation", "只能以本单位名义发起征集。")
            return self.form_invalid(form)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"已向 {request.submissions.count()} 个单位发出征集。")
        return HttpResponseRedirect(reverse("submissions:detail", args=[request.pk]))


class RequestDetailView(AccessMixin, ScopedObjectMixin, DetailView):
    """The request, its note, and the table of the asked committees the user may see."""

    access = Access.READ
    model = SummaryRequest
    context_object_name = "summary_request"
    template_name = "submissions/request_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, request = self.request.user, self.object
        rows = selectors.status_rows(request=request, user=user)
        requester = services.may_act_for(user, request.organisation) and user.can_write
        for row in rows:
            s = row.submission
            # The committee's own secretary submits (staff may through the service, for a
            # committee without an account; the requester's table stays uncluttered).
            row.can_submit = user.is_secretary and s.is_open and user.organisation_id == s.organisation_id
            row.can_decide = requester and s.state == SubmissionState.SUBMITTED
        ctx.update(
            rows=rows,
            counts=selectors.status_counts(rows),
            is_requester=requester,
            reaches_requester=Scope.of(user).reaches(request.organisation),
            return_form=ReturnForm(),
            own_draft=Report.objects.filter(organisation=request.organisation, year=request.year, half=request.half)
            .order_by("-version")
            .first()
            if requester
            else None,
        )
        return ctx


class RequestExportView(AccessMixin, ScopedObjectMixin, View):
    """The status table as .xlsx (the rows the user may see)."""

    access = Access.READ
    model = SummaryRequest

    def get(self, request, *args, **kwargs):
        summary_request = self.get_object()
        filename, content = status_workbook(request=summary_request, user=request.user)
        audit_record(user=request.user, action=AuditAction.DOWNLOAD, target=filename, request=request)
        return FileResponse(io.BytesIO(content), as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


class RequestArchiveView(AccessMixin, ScopedObjectMixin, View):
    """Every accepted summary as one .zip: for the requester's side (and leadership) only."""

    access = Access.READ
    model = SummaryRequest

    def get(self, request, *args, **kwargs):
        summary_request = self.get_object()
        if not Scope.of(request.user).reaches(summary_request.organisation):
            raise PermissionDenied  # an asked committee downloads its own summary, not the others'
        filename, content = services.request_archive(request=summary_request, user=request.user)
        audit_record(user=request.user, action=AuditAction.DOWNLOAD, target=filename, request=request)
        return FileResponse(io.BytesIO(content), as_attachment=True, filename=filename, content_type="application/zip")


class _SubmissionAction(AccessMixin, ScopedObjectMixin, View):
    """POST-only steps on one asked committee's submission; each calls one service, which
    refuses (403) anyone not acting for the right committee."""

    access = Access.WRITE
    model = Submission
    http_method_names = ["post"]
    success_message = ""

    def post(self, request, *args, **kwargs):
        submission = self.get_object()
        try:
            target = self.act(submission, request.POST)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            target = None
        else:
            if self.success_message:
                messages.success(request, self.success_message)
        return HttpResponseRedirect(target or reverse("submissions:detail", args=[submission.request_id]))


class SubmitView(_SubmissionAction):
    success_message = "已报送。"

    def act(self, submission, data):
        services.submission_submit(submission=submission, user=self.request.user)


class ReturnView(_SubmissionAction):
    success_message = "已退回修改，对方将收到退回意见。"

    def act(self, submission, data):
        form = ReturnForm(data)
        comment = form.cleaned_data["comment"] if form.is_valid() else ""
        services.submission_return(submission=submission, user=self.request.user, comment=comment)


class AcceptView(_SubmissionAction):
    success_message = "已接收。"

    def act(self, submission, data):
        services.submission_accept(submission=submission, user=self.request.user)


class InsertView(_SubmissionAction):
    """Insert one item of a submitted summary into the requester's own draft."""

    success_message = "已插入本单位报告。"

    def act(self, submission, data):
        if not services.may_act_for(self.request.user, submission.request.organisation):
            raise PermissionDenied
        form = InsertForm(data)
        if not form.is_valid():
            raise ValidationError("请选择要插入的条目。")
        report = Report.objects.visible_to(self.request.user).filter(pk=form.cleaned_data["report"]).first()
        if report is None:
            raise ValidationError("没有找到本单位的报告草稿。")
        report = services.submission_insert_item(
            report=report, submission=submission, key=form.cleaned_data["key"], user=self.request.user
        )
        return reverse("reports:detail", args=[report.pk]) + "#drawing"
