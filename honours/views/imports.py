"""A commendation list's Excel import: the upload, then the import's page, which shows the task's
progress, then the checked rows or every problem by row and column, and the confirmation.

The import's pages are for whoever may import into its list (BatchImport.objects.visible_to:
404 outside it); leadership changes nothing (Access.WRITE: 403).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views.generic import FormView

from accounts.access import Access, AccessMixin, ScopedObjectMixin
from core.import_views import ImportActionView
from core.import_views import ImportDetailView as BaseImportDetailView
from core.import_views import ImportProblemsView as BaseImportProblemsView
from core.import_views import ImportRetryView as BaseImportRetryView
from core.import_views import ImportStatusView as BaseImportStatusView

from ..forms import UploadForm
from ..models import BatchImport, CommendationBatch
from ..services.import_jobs import (
    batch_import_confirm,
    batch_import_discard,
    batch_import_may_act,
    batch_import_retry,
    batch_import_upload,
)
from ..services.imports import MAX_ROWS, MAX_UPLOAD_BYTES
from .batches import _BatchEditMixin

RECENT_IMPORTS = 5


class BatchUploadView(AccessMixin, ScopedObjectMixin, _BatchEditMixin, FormView):
    """Excel upload: the file is kept and checked by a task; its page follows the check."""

    access = Access.WRITE
    model = CommendationBatch
    form_class = UploadForm
    template_name = "honours/batch_upload.html"

    def get_context_data(self, **kwargs):
        batch = self.get_batch()
        recent = BatchImport.objects.visible_to(self.request.user).filter(batch=batch).select_related("uploaded_by")
        return super().get_context_data(
            batch=batch,
            recent=recent[:RECENT_IMPORTS],
            max_mb=MAX_UPLOAD_BYTES // (1024 * 1024),
            max_rows=MAX_ROWS,
            **kwargs,
        )

    def form_valid(self, form):
        try:
            upload = form.cleaned_data["file"]
            record = batch_import_upload(batch=self.get_batch(), upload=upload, user=self.request.user)
        except ValidationError as exc:
            form.add_error("file", exc.messages)
            return self.form_invalid(form)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or "该表彰名单当前不能修改。")
            return self.form_invalid(form)
        return HttpResponseRedirect(reverse("honours:import_detail", args=[record.pk]))


class ImportDetailView(BaseImportDetailView):
    access = Access.WRITE
    model = BatchImport
    template_name = "honours/batch_import_detail.html"
    related = ("batch__organisation",)

    def may_act(self, record) -> bool:
        return batch_import_may_act(self.request.user, record)

    def get_context_data(self, **kwargs):
        record = self.object
        return super().get_context_data(
            batch=record.batch, confirm_label=f"添加 {record.created_count} 个获奖对象", **kwargs
        )


class ImportProblemsView(BaseImportProblemsView):
    """Every problem of a checked commendation list file as .xlsx."""

    access = Access.WRITE
    model = BatchImport
    filename = "表彰名单问题清单-{pk}.xlsx"


class ImportStatusView(BaseImportStatusView):
    access = Access.WRITE
    model = BatchImport


class _ImportAction(ImportActionView):
    access = Access.WRITE
    model = BatchImport
    detail_url_name = "honours:import_detail"


class ImportConfirmView(_ImportAction):
    """POST: the task writes every checked row in one transaction, or none."""

    def act(self, record):
        batch_import_confirm(record=record, user=self.request.user)
        messages.info(self.request, "已开始导入，完成后本页自动刷新。")


class ImportRetryView(_ImportAction, BaseImportRetryView):
    """POST: run the task again for an import whose worker stopped."""

    retry = batch_import_retry


class ImportDiscardView(_ImportAction):
    def post(self, request, *args, **kwargs):
        record = self.get_object()
        if batch_import_discard(record=record, user=request.user):
            messages.info(request, "已放弃本次导入，上传的文件已删除。")
        return HttpResponseRedirect(reverse("honours:batch_detail", args=[record.batch_id]))
