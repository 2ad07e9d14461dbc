import sys

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import InterfaceError, OperationalError
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseRedirect,
    HttpResponseServerError,
    JsonResponse,
    QueryDict,
)
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views import View, defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.generic import DetailView, ListView, TemplateView

from accounts.access import Access, AccessMixin, ScopedObjectMixin

from . import export_registry, services
from .filters import AuditEventFilter
from .health import health_report
from .models import AuditEvent, ExportJob, ExportStatus
from .params import BadParameter


@login_not_required
@never_cache
def healthz(request):
    healthy, report = health_report()
    return JsonResponse({"status": "ok" if healthy else "fail", **report}, status=200 if healthy else 503)


def _outage_errors() -> tuple[type[BaseException], ...]:
    errors: tuple[type[BaseException], ...] = (OperationalError, InterfaceError)
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:  # the embedded stack has no Redis
        return errors
    return (*errors, RedisConnectionError, RedisTimeoutError)


OUTAGE_ERRORS = _outage_errors()
MAINTENANCE_RETRY_AFTER = 60  # seconds, the Retry-After of the maintenance page


def is_outage(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or an error it was raised from) means the database or cache is unreachable."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, OUTAGE_ERRORS):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def server_error(request):
    """handler500: a 503 maintenance page when the database or cache is down, else the 500 page.

    Django calls it for an exception from any layer (a view, or a middleware loading the
    session or the user), with the exception still being handled, so one place covers every
    page; a middleware's process_exception would only see the views'. The pages are rendered
    without the request, so no context processor asks for the user, the session or the database.
    """
    if is_outage(sys.exc_info()[1]):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(MAINTENANCE_RETRY_AFTER)
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())


@requires_csrf_token
def bad_request(request, exception):
    """400: a URL parameter out of range gets a page saying which (core.params); anything
    else (a disallowed host, a malformed request) Django's bare answer, rendered without
    the request."""
    if isinstance(exception, BadParameter):
        return render(request, "core/bad_parameter.html", {"message": str(exception)}, status=400)
    return defaults.bad_request(request, exception)


class ExportStartView(AccessMixin, View):
    """POST from any list page: small exports download at once, large ones become a job.

    The form sends ``exporter``, ``query`` (the list's query string, i.e. its filters) and
    any ``opt_*`` options of that exporter.
    """

    access = Access.READ
    http_method_names = ["post"]

    def post(self, request):
        identifier = request.POST.get("exporter", "")
        if identifier not in export_registry.registry():
            raise Http404
        params = services.export_params_from_query(QueryDict(request.POST.get("query", "")))
        for key in request.POST:
            if key.startswith("opt_"):
                params[key] = request.POST.getlist(key)
        exporter = export_registry.get_exporter(identifier)
        exporter.check(user=request.user, params=params)
        estimate = exporter.estimate(user=request.user, params=params)
        if estimate is not None and estimate <= services.EXPORT_INLINE_MAX_ROWS:
            result = services.export_render_now(user=request.user, exporter=identifier, params=params, request=request)
            response = HttpResponse(result.content, content_type=result.content_type)
            response["Content-Disposition"] = content_disposition_header(True, result.filename)
            return response
        job = services.export_request(user=request.user, exporter=identifier, params=params)
        messages.info(request, "导出任务已提交，文件生成后可在此页下载。")
        return HttpResponseRedirect(reverse("core:export_detail", args=[job.pk]))


class ExportJobListView(AccessMixin, ScopedObjectMixin, ListView):
    access = Access.READ
    model = ExportJob
    paginate_by = 30
    template_name = "core/exportjob_list.html"
    context_object_name = "jobs"


class ExportJobDetailView(AccessMixin, ScopedObjectMixin, DetailView):
    access = Access.READ
    model = ExportJob
    context_object_name = "job"
    template_name = "core/exportjob_detail.html"


class ExportJobStatusView(AccessMixin, ScopedObjectMixin, DetailView):
    access = Access.READ
    model = ExportJob

    def render_to_response(self, context):
        job = self.object
        return JsonResponse(
            {
                "status": job.status,
                "status_display": job.status_label,
                "stalled": job.stalled,
                "progress": job.progress,
                "total": job.total,
                "percent": job.percent,
                "finished": job.is_finished,
                "error": job.error,
                "download_url": reverse("core:export_download", args=[job.pk])
                if job.status == ExportStatus.DONE
                else None,
            }
        )


class ExportJobDownloadView(AccessMixin, ScopedObjectMixin, DetailView):
    access = Access.READ
    model = ExportJob

    def render_to_response(self, context):
        job = self.object
        if job.status != ExportStatus.DONE or not job.file:
            raise Http404
        services.export_download(user=self.request.user, job=job, request=self.request)
        return FileResponse(
            job.file.open("rb"), as_attachment=True, filename=job.filename, content_type=job.content_type
        )


class ExportJobRetryView(AccessMixin, ScopedObjectMixin, DetailView):
    access = Access.READ
    model = ExportJob
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        job = self.get_object()
        try:
            services.export_retry(job=job)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.info(request, "已重新提交导出任务。")
        return HttpResponseRedirect(reverse("core:export_detail", args=[job.pk]))


class AuditEventListView(AccessMixin, TemplateView):
    access = Access.STAFF
    template_name = "core/auditevent_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        filterset = AuditEventFilter(self.request.GET or None, queryset=AuditEvent.objects.all())
        paginator = Paginator(filterset.qs.select_related("user"), 50)
        ctx["filter"] = filterset
        ctx["page_obj"] = paginator.get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx["query"] = query.urlencode()
        return ctx
