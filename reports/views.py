import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView

from accounts.access import Access, AccessMixin, ScopedObjectMixin
from activities.periods import Period
from activities.selectors import indicators_without_pattern
from core.audit import audit_record
from core.models import AuditAction

from . import services
from .checks import report_mismatches
from .content import ReportContent
from .editing import StaleEdit, headings_version, item_version
from .exporters.page import parse_official_date, title_lines
from .forms import AddItemForm, HeadingForm, ItemForm, StartReportForm, StyleForm
from .models import JobStatus, Report, report_editable_by
from .numbers import STYLE_LABELS
from .presentation import layout, opening_runs, paragraphs


def _content(report: Report) -> ReportContent | None:
    return ReportContent.from_json(report.content) if report.content else None


def _errors(request, exc: ValidationError) -> None:
    messages.error(request, "；".join(exc.messages))


class ReportListView(AccessMixin, TemplateView):
    access = Access.READ
    template_name = "reports/report_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        reports = Report.objects.visible_to(user).select_related("organisation", "finalised_by")
        ctx["reports"] = reports
        if user.can_write:
            from django.utils import timezone

            today = timezone.localdate()
            ctx["form"] = StartReportForm(
                user=user,
                initial={
                    "year": today.year if today.month > 6 else today.year - 1,
                    "half": 1 if today.month > 6 else 2,
                },
            )
        return ctx


class ReportStartView(AccessMixin, FormView):
    # Staff, and a secretary for the committee they run (Report.editable_by).
    access = Access.WRITE
    form_class = StartReportForm
    template_name = "reports/report_start.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        if not report_editable_by(self.request.user, form.cleaned_data["organisation"]):
            form.add_error("organisation", "只能编制本单位的工作总结。")
            return self.form_invalid(form)
        try:
            report = services.report_start(user=self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        if not report.is_final and not report.content:
            services.report_queue_job(report=report)
            messages.info(self.request, "正在根据已登记的数据编制报告，请稍候。")
        return HttpResponseRedirect(reverse("reports:detail", args=[report.pk]))


class ReportDetailView(AccessMixin, ScopedObjectMixin, DetailView):
    access = Access.READ
    model = Report
    context_object_name = "report"
    template_name = "reports/report_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("organisation", "finalised_by", "compiled_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        report = self.object
        content = _content(report)
        ctx["content"] = content
        if content is not None:
            ctx["blocks"] = layout(content)
            ctx["opening_runs"] = opening_runs(content)
            ctx["stale_count"] = len(content.stale_items())
            ctx["empty_sections"] = content.empty_sections()
            ctx["mismatches"] = report_mismatches(content)
            ids = {pk for item in content.plan for pk in item.obligation_ids}
            if ids:
                from obligations.models import Obligation

                ctx["obligation_names"] = dict(Obligation.objects.filter(pk__in=ids).values_list("pk", "name"))
        ctx["editable"] = report.editable_by(self.request.user) and not report.is_final
        ctx["can_reopen"] = report.is_final and report.editable_by(self.request.user)
        ctx.update(_drawing_panel(report, self.request.user))
        if ctx["editable"]:
            # Figures the draft leaves out because their indicator has no sentence pattern yet.
            ctx["unwritten_indicators"] = indicators_without_pattern(
                organisation=report.organisation, period=Period.half_year(report.year, report.half)
            )
        ctx["style_labels"] = STYLE_LABELS
        ctx["versions"] = (
            Report.objects.visible_to(self.request.user)
            .filter(organisation=report.organisation, year=report.year, half=report.half)
            .order_by("-version")
        )
        return ctx


class ReportPrintView(AccessMixin, ScopedObjectMixin, DetailView):
    """The official layout in HTML, for the browser's print dialog."""

    access = Access.READ
    model = Report
    context_object_name = "report"
    template_name = "reports/report_print.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        content = _content(self.object)
        if content is None:
            raise Http404
        ctx["content"] = content
        ctx["paragraphs"] = paragraphs(content)
        ctx["title_lines"] = title_lines(content.title)
        return ctx


class ReportStatusView(AccessMixin, ScopedObjectMixin, DetailView):
    access = Access.READ
    model = Report

    def render_to_response(self, context):
        report = self.object
        return JsonResponse(
            {
                "status": report.job_status,
                "status_display": report.get_job_status_display(),
                "running": report.job_running,
                "error": report.job_error,
                "rendered_at": report.rendered_at.isoformat() if report.rendered_at else None,
            }
        )


class ReportDownloadView(AccessMixin, ScopedObjectMixin, DetailView):
    """A finalised report's stored files; a draft rendered as it reads now."""

    access = Access.READ
    model = Report

    def render_to_response(self, context):
        report = self.object
        found = services.report_file(report=report, fmt=self.kwargs["fmt"])
        if found is None:
            raise Http404
        filename, content_type, data = found
        audit_record(
            user=self.request.user,
            action=AuditAction.DOWNLOAD,
            target=f"{report}（{self.kwargs['fmt']}）",
            request=self.request,
        )
        if isinstance(data, bytes):
            data = io.BytesIO(data)
        # FileResponse writes filename* (RFC 5987) for the Chinese name, and an ASCII fallback.
        return FileResponse(data, as_attachment=True, filename=filename, content_type=content_type)


class _EditableReportMixin(ScopedObjectMixin):
    """The report as found in the user's scope, and refused (403) unless they may edit it."""

    def get_object(self, queryset=None):
        report = super().get_object(queryset)
        if self.request.user.is_authenticated and not report.editable_by(self.request.user):
            raise PermissionDenied
        return report


def _drawing_panel(report: Report, user) -> dict:
    """The submitted summaries a requester's own draft may draw on (submissions app)."""
    from submissions.selectors import drawing_panel

    return drawing_panel(report=report, user=user)


class _ReportAction(AccessMixin, _EditableReportMixin, View):
    """POST-only actions on one report; each calls one service and returns to the report."""

    # Staff, and a secretary on the reports of the committee they run (Report.editable_by).
    access = Access.WRITE
    model = Report
    http_method_names = ["post"]
    success_message = ""

    def post(self, request, *args, **kwargs):
        report = self.get_object()
        try:
            result = self.act(report, request.POST)
        except ValidationError as exc:
            _errors(request, exc)
            return HttpResponseRedirect(reverse("reports:detail", args=[report.pk]))
        if self.success_message:
            messages.success(request, self.success_message)
        target = result if isinstance(result, Report) else report
        anchor = request.POST.get("anchor", "")
        return HttpResponseRedirect(reverse("reports:detail", args=[target.pk]) + (f"#{anchor}" if anchor else ""))


class ReportRefreshView(_ReportAction):
    success_message = "已提交：根据最新数据重新编制。"

    def act(self, report, data):
        if report.is_final:
            # A finalised report is never recompiled; its files are rendered again only when
            # their job failed or its worker died.
            if not (report.job_status == JobStatus.FAILED or report.job_stalled):
                raise ValidationError("已定稿的报告不再重新编制。")
            self.success_message = "已提交：重新生成定稿文件。"
        services.report_queue_job(report=report)


class ReportFinaliseView(_ReportAction):
    success_message = "报告已定稿，正在生成定稿文件。"

    def act(self, report, data):
        return services.report_finalise(
            report=report, user=self.request.user, numbers_confirmed=data.get("numbers_confirmed") == "1"
        )


class ReportReopenView(_ReportAction):
    success_message = "已重新打开，生成了新的草稿版本；原定稿版本保持不变。"

    def act(self, report, data):
        return services.report_reopen(report=report, user=self.request.user)


class ReportItemActionView(_ReportAction):
    def act(self, report, data):
        key, action = data.get("key", ""), data.get("action", "")
        if action == "confirm":
            return services.report_confirm_item(report=report, key=key)
        if action == "remove":
            return services.report_remove_item(report=report, key=key)
        if action in ("up", "down"):
            return services.report_move_item(report=report, key=key, offset=-1 if action == "up" else 1)
        raise ValidationError("未知的操作。")


class ReportStyleView(_ReportAction):
    def act(self, report, data):
        form = StyleForm(data)
        if not form.is_valid():
            raise ValidationError("请选择数字写法。")
        return services.report_set_style(report=report, **form.cleaned_data)


class _ReportForm(AccessMixin, _EditableReportMixin, FormView):
    """GET shows a form about one draft report; POST calls one service."""

    access = Access.WRITE  # as _ReportAction
    model = Report

    def get_report(self) -> Report:
        report = self.get_object()
        if report.is_final:
            raise Http404
        return report

    def get_context_data(self, **kwargs):
        return super().get_context_data(report=self.get_report(), **kwargs)

    def done(self, report):
        return HttpResponseRedirect(reverse("reports:detail", args=[report.pk]))


class ReportItemEditView(_ReportForm):
    form_class = ItemForm
    template_name = "reports/item_form.html"

    def get_item(self):
        content = _content(self.get_report())
        key = self.request.POST.get("key") or self.request.GET.get("key", "")
        item = content.find(key) if content else None
        if item is None:
            raise Http404
        return item

    def get_form_kwargs(self):
        item = self.get_item()
        kwargs = super().get_form_kwargs()
        kwargs["with_heading"] = item.source == "plan"
        kwargs["initial"] = {
            "key": item.key,
            "version": item_version(item),
            "template": item.template,
            "heading": item.heading,
            "obligations": item.obligation_ids,
        }
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(item=self.get_item(), **kwargs)

    def form_valid(self, form):
        report = self.get_report()
        try:
            services.report_edit_item(
                report=report,
                key=form.cleaned_data["key"],
                template=form.cleaned_data["template"],
                heading=form.cleaned_data.get("heading"),
                obligations=form.cleaned_data.get("obligations"),
                version=form.cleaned_data["version"] or None,
            )
        except StaleEdit as exc:
            # Both texts on one page: theirs as stored, and what this user typed, in the form,
            # which now carries the stored version so that saving again is a deliberate overwrite.
            form.data = form.data.copy()
            form.data["version"] = exc.version
            form.add_error(None, exc)
            return self.render_to_response(self.get_context_data(form=form, theirs=exc.current))
        except ValidationError as exc:
            form.add_error("template", exc)
            return self.form_invalid(form)
        messages.success(self.request, "已保存修改。")
        return self.done(report)


class ReportAddItemView(_ReportForm):
    form_class = AddItemForm
    template_name = "reports/item_add.html"

    def get_initial(self):
        return {"section": self.request.GET.get("section", "problems")}

    def form_valid(self, form):
        report = self.get_report()
        try:
            services.report_add_item(report=report, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, "已添加。")
        return self.done(report)


class ReportHeadingView(_ReportForm):
    form_class = HeadingForm
    template_name = "reports/heading_form.html"

    def get_form_kwargs(self):
        content = _content(self.get_report())
        if content is None:
            raise Http404
        kwargs = super().get_form_kwargs()
        kwargs["content"] = content
        kwargs["initial"] = {
            "title": content.title,
            "date": parse_official_date(content.date_text),
            "version": headings_version(content),
        }
        return kwargs

    def form_valid(self, form):
        report = self.get_report()
        try:
            services.report_edit_heading(
                report=report,
                title=form.cleaned_data["title"],
                themes=form.themes(),
                date_text=form.date_text(),
                version=form.cleaned_data["version"] or None,
            )
        except StaleEdit as exc:
            form.data = form.data.copy()
            form.data["version"] = exc.version
            form.add_error(None, exc)
            return self.render_to_response(self.get_context_data(form=form, theirs=exc.current))
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, "已保存。")
        return self.done(report)
