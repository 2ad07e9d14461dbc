from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views import View
from django.views.generic import DetailView, FormView

from accounts.access import Access, AccessMixin, ScopedObjectMixin
from core.exporters import XLSX_CONTENT_TYPE
from core.import_views import ImportActionView
from core.import_views import ImportDetailView as BaseImportDetailView
from core.import_views import ImportProblemsView as BaseImportProblemsView
from core.import_views import ImportRetryView as BaseImportRetryView
from core.import_views import ImportStatusView as BaseImportStatusView

from ..choices import ImportStatus
from ..forms import ImportUploadForm
from ..models import MemberImport
from ..services.import_jobs import (
    member_import_confirm,
    member_import_discard,
    member_import_may_confirm,
    member_import_retry,
    member_import_upload,
)
from ..services.imports import MAX_UPLOAD_BYTES, member_import_template


class ImportTemplateView(AccessMixin, View):
    access = Access.WRITE
    http_method_names = ["get"]

    def get(self, request):
        response = HttpResponse(member_import_template(), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, "成员花名册导入模板.xlsx")
        return response


class ImportUploadView(AccessMixin, FormView):
    """Upload: a small roster is checked at once and previewed; a large one is checked by a task."""

    access = Access.WRITE
    form_class = ImportUploadForm
    template_name = "members/import_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        # 重新上传 from an import's page keeps its organisation (the field still limits the choice).
        organisation = self.request.GET.get("organisation", "")
        return {"organisation": int(organisation)} if organisation.isdigit() else {}

    def get_context_data(self, **kwargs):
        recent = MemberImport.objects.visible_to(self.request.user).select_related("organisation", "uploaded_by")
        return super().get_context_data(recent=recent[:10], max_mb=MAX_UPLOAD_BYTES // (1024 * 1024), **kwargs)

    def form_valid(self, form):
        try:
            record = member_import_upload(
                upload=form.cleaned_data["file"], organisation=form.cleaned_data["organisation"], user=self.request.user
            )
        except ValidationError as exc:
            form.add_error("file", exc.messages)
            return self.form_invalid(form)
        return HttpResponseRedirect(reverse("members:import_detail", args=[record.pk]))


class ImportDetailView(BaseImportDetailView):
    access = Access.READ
    model = MemberImport
    template_name = "members/import_detail.html"
    related = ("organisation",)

    def may_act(self, record) -> bool:
        return member_import_may_confirm(self.request.user, record)

    def get_context_data(self, **kwargs):
        record = self.object
        report = record.report or {}
        return super().get_context_data(
            confirm_label=f"新增 {record.created_count} 人，更新 {record.updated_count} 人",
            unchanged=report.get("unchanged", 0),
            ignored_columns=report.get("ignored_columns", []),
            column_notes=report.get("notes", []),
            **kwargs,
        )


class ImportProblemsView(BaseImportProblemsView):
    """The problems of a checked roster as .xlsx, to work through beside the file."""

    access = Access.READ
    model = MemberImport
    filename = "花名册问题清单-{pk}.xlsx"


class ImportStatusView(BaseImportStatusView):
    """JSON for the detail page's poller while the task checks or writes a large roster."""

    access = Access.READ
    model = MemberImport


class _ImportAction(ImportActionView):
    access = Access.WRITE
    model = MemberImport
    detail_url_name = "members:import_detail"


class ImportConfirmView(_ImportAction):
    """POST: write every row of a previewed roster in one transaction, or none."""

    def act(self, record):
        record = member_import_confirm(record=record, user=self.request.user, request=self.request)
        if record.status == ImportStatus.APPLIED:
            messages.success(
                self.request, f"导入完成：新增 {record.created_count} 人，更新 {record.updated_count} 人。"
            )
        elif record.status == ImportStatus.APPLYING:
            messages.info(self.request, "已开始导入，完成后本页自动刷新。")
        else:
            messages.error(self.request, "花名册自预览后已有变化，部分行不再符合要求，未写入任何数据。")


class ImportRetryView(_ImportAction, BaseImportRetryView):
    """POST: run the task again for a large roster whose worker stopped."""

    retry = member_import_retry


class ImportDiscardView(AccessMixin, ScopedObjectMixin, DetailView):
    access = Access.WRITE
    model = MemberImport
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if member_import_discard(record=self.get_object(), user=request.user):
            messages.info(request, "已放弃本次导入，上传的文件已删除。")
        return HttpResponseRedirect(reverse("members:import"))
