"""Pages of an import run by a task (core.import_jobs): the poller's JSON and the POST actions.

An app's views subclass these with its model, its access level and its detail page's URL name;
the detail page includes ``core/_import_job.html`` (progress, 已中断 and 重试, the reason a
job failed) and ``core/_import_problems.html`` (every problem by row and column).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.generic import DetailView

from accounts.access import AccessMixin, ScopedObjectMixin

from .exporters import XLSX_CONTENT_TYPE
from .models import ImportStatus
from .xlsx import problems_workbook


class ImportStatusView(AccessMixin, ScopedObjectMixin, DetailView):
    """JSON for the detail page's poller (static/js/import_poll.js) while the task works."""

    def render_to_response(self, context):
        record = self.object
        return JsonResponse(
            {
                "status": record.status,
                "status_display": record.get_status_display(),
                "working": record.working,
                "stalled": record.stalled,
                "progress": record.progress,
            }
        )


class ImportProblemsView(AccessMixin, ScopedObjectMixin, DetailView):
    """Every problem of a checked file as .xlsx (行, 列, 列名, 问题), the page showing only the
    first ``ImportDetailView.shown_problems``. Subclasses set ``model``, ``access`` (the import
    page's) and ``filename`` (a ``str.format`` pattern given ``pk``)."""

    filename = "问题清单-{pk}.xlsx"

    def render_to_response(self, context):
        record = self.object
        content = problems_workbook((record.report or {}).get("problems", []))
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, self.filename.format(pk=record.pk))
        return response


class ImportActionView(AccessMixin, ScopedObjectMixin, DetailView):
    """POST-only: ``act(record)``, then back to the import's page with what happened."""

    http_method_names = ["post"]
    detail_url_name = ""

    def act(self, record) -> None:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        record = self.get_object()
        try:
            self.act(record)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return HttpResponseRedirect(reverse(self.detail_url_name, args=[record.pk]))


class ImportDetailView(AccessMixin, ScopedObjectMixin, DetailView):
    """An import's page: the job, then its problems or the rows it checked, and the actions
    ``may_act`` allows. Subclasses set ``model``, ``access``, ``template_name``, ``related``."""

    context_object_name = "record"
    related: tuple[str, ...] = ()
    shown_problems = 2000

    def may_act(self, record) -> bool:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def get_queryset(self):
        return super().get_queryset().select_related("uploaded_by", *self.related)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        record, may_act = self.object, self.may_act(self.object)
        report = record.report or {}
        problems, planned = report.get("problems", []), report.get("planned", [])
        ctx.update(
            summary=report,
            problems=problems[: self.shown_problems],
            problems_hidden=max(0, len(problems) - self.shown_problems),
            planned=planned,
            planned_hidden=max(0, report.get("planned_total", 0) - len(planned)),
            can_confirm=record.status == ImportStatus.PREVIEWED and may_act,
            can_retry=record.stalled and may_act,
        )
        return ctx


class ImportRetryView(ImportActionView):
    """POST: run the task again for an import whose worker stopped (``retry``: the app's service)."""

    retry = None

    def act(self, record):
        type(self).retry(record=record, user=self.request.user)
        messages.info(self.request, "已重新提交后台处理。")
