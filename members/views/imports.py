import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views import View
from django.views.generic import DetailView, FormView

from accounts.access import Access, AccessMixin, ScopedObjectMixin
from core.exporters import XLSX_CONTENT_TYPE

from .. import crypto
from ..choices import ImportStatus
from ..forms import ImportUploadForm
from ..models import MemberImport
from ..services.imports import MAX_UPLOAD_BYTES, member_import, template_bytes


class ImportTemplateView(AccessMixin, View):
    access = Access.WRITE
    http_method_names = ["get"]

    def get(self, request):
        response = HttpResponse(template_bytes(), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, "成员花名册导入模板.xlsx")
        return response


class ImportUploadView(AccessMixin, FormView):
    """Upload, check every row, keep the (encrypted) file and show the preview."""

    access = Access.WRITE
    form_class = ImportUploadForm
    template_name = "members/import_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        recent = MemberImport.objects.visible_to(self.request.user).select_related("organisation", "uploaded_by")
        return super().get_context_data(recent=recent[:10], max_mb=MAX_UPLOAD_BYTES // (1024 * 1024), **kwargs)

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        organisation = form.cleaned_data["organisation"]
        try:
            report = member_import(upload=upload, organisation=organisation, by=self.request.user, dry_run=True)
        except ValidationError as exc:
            form.add_error("file", exc.messages)
            return self.form_invalid(form)
        upload.seek(0)
        record = MemberImport(
            organisation=organisation,
            uploaded_by=self.request.user,
            original_name=(upload.name or "roster.xlsx")[:200],
            status=ImportStatus.PREVIEWED if report.ok else ImportStatus.FAILED,
            row_count=report.rows,
            created_count=report.created,
            updated_count=report.updated,
            problem_count=len(report.problems),
            report=report.as_json(),
        )
        if report.ok:
            # The roster holds full ID numbers: it waits for confirmation encrypted.
            record.file.save("roster.xlsx.enc", ContentFile(crypto.encrypt_bytes(upload.read())), save=False)
        record.save()
        return HttpResponseRedirect(reverse("members:import_detail", args=[record.pk]))


class ImportDetailView(AccessMixin, ScopedObjectMixin, DetailView):
    access = Access.READ
    model = MemberImport
    context_object_name = "record"
    template_name = "members/import_detail.html"
    shown_problems = 2000

    def get_queryset(self):
        return super().get_queryset().select_related("organisation", "uploaded_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        report = self.object.report or {}
        problems = report.get("problems", [])
        ctx.update(
            problems=problems[: self.shown_problems],
            problems_hidden=max(0, len(problems) - self.shown_problems),
            planned=report.get("planned", []),
            planned_hidden=max(0, report.get("planned_total", 0) - len(report.get("planned", []))),
            unchanged=report.get("unchanged", 0),
            can_confirm=self.object.status == ImportStatus.PREVIEWED and _may_confirm(self.request.user, self.object),
        )
        return ctx


def _may_confirm(user, record: MemberImport) -> bool:
    return user.can_write and (record.uploaded_by_id == user.pk or user.is_committee_staff)


class ImportConfirmView(AccessMixin, ScopedObjectMixin, DetailView):
    """POST: write every row of a previewed roster in one transaction, or none."""

    access = Access.WRITE
    model = MemberImport
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        with transaction.atomic():
            record = MemberImport.objects.select_for_update().get(pk=self.get_object().pk)
            if not _may_confirm(request.user, record):
                raise PermissionDenied
            if record.status != ImportStatus.PREVIEWED or not record.file:
                messages.error(request, "该导入已处理，不能重复确认。")
                return HttpResponseRedirect(reverse("members:import_detail", args=[record.pk]))
            with record.file.open("rb") as stored:
                content = crypto.decrypt_bytes(stored.read())
            upload = io.BytesIO(content)
            upload.name = record.original_name
            try:
                report = member_import(
                    upload=upload, organisation=record.organisation, by=request.user, dry_run=False, request=request
                )
            except ValidationError as exc:
                messages.error(request, "；".join(exc.messages))
                return HttpResponseRedirect(reverse("members:import_detail", args=[record.pk]))
            record.report = report.as_json()
            record.created_count, record.updated_count = report.created, report.updated
            record.problem_count = len(report.problems)
            if report.applied:
                record.status = ImportStatus.APPLIED
                record.applied_at = timezone.now()
                messages.success(request, f"导入完成：新增 {report.created} 人，更新 {report.updated} 人。")
            else:
                # The roster changed since the preview and a row no longer fits: nothing written.
                record.status = ImportStatus.FAILED
                messages.error(request, "花名册自预览后已有变化，部分行不再符合要求，未写入任何数据。")
            _discard_file(record)
            record.save()
        return HttpResponseRedirect(reverse("members:import_detail", args=[record.pk]))


class ImportDiscardView(AccessMixin, ScopedObjectMixin, DetailView):
    access = Access.WRITE
    model = MemberImport
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        record = self.get_object()
        if not _may_confirm(request.user, record):
            raise PermissionDenied
        if record.status == ImportStatus.PREVIEWED:
            record.status = ImportStatus.DISCARDED
            _discard_file(record)
            record.save()
            messages.info(request, "已放弃本次导入，上传的文件已删除。")
        return HttpResponseRedirect(reverse("members:import"))


def _discard_file(record: MemberImport) -> None:
    """Forget the stored roster; the file itself goes once the transaction has committed."""
    if not record.file:
        return
    storage, name = record.file.storage, record.file.name
    record.file = ""
    transaction.on_commit(lambda: storage.delete(name))
