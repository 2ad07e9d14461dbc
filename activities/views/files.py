import mimetypes

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.urls import reverse
from django.views import View

from accounts.access import Access, AccessMixin, ScopedObjectMixin
from core.audit import audit_record
from core.models import AuditAction

from .. import rules, services
from ..models import ActivityFile


class ActivityFileDownloadView(AccessMixin, ScopedObjectMixin, View):
    """The only way to a stored photo or PDF: through the user's scope, never a public URL."""

    access = Access.READ
    model = ActivityFile

    def get_queryset(self):
        return super().get_queryset().select_related("activity")

    def get(self, request, *args, **kwargs):
        stored = self.get_object()
        try:
            handle = stored.file.open("rb")
        except FileNotFoundError as exc:
            raise Http404("文件不存在") from exc
        content_type = mimetypes.guess_type(stored.file.name)[0] or "application/octet-stream"
        as_attachment = stored.is_pdf or "download" in request.GET
        if as_attachment:
            # Explicit downloads are audited; the detail page's thumbnails are not.
            audit_record(
                user=request.user,
                action=AuditAction.DOWNLOAD,
                target=f"活动附件 {stored.original_name} #{stored.pk}"[:200],
                description=f"活动记录 #{stored.activity_id}",
                request=request,
            )
        response = FileResponse(
            handle, as_attachment=as_attachment, filename=stored.original_name, content_type=content_type
        )
        response["Cache-Control"] = "private, max-age=3600"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class ActivityFileDeleteView(AccessMixin, ScopedObjectMixin, View):
    access = Access.WRITE
    model = ActivityFile
    http_method_names = ["post"]

    def get_queryset(self):
        return super().get_queryset().select_related("activity__organisation")

    def post(self, request, *args, **kwargs):
        stored = self.get_object()
        activity = stored.activity
        if not rules.can_manage_files(request.user, activity):
            raise PermissionDenied("该记录已提交或已通过审核，不能再修改附件。")
        services.activity_file_delete(activity_file=stored, user=request.user)
        messages.success(request, f"已删除附件「{stored.original_name}」。")
        return HttpResponseRedirect(reverse("activities:detail", args=[activity.pk]))
