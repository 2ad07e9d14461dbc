from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView

from accounts.access import Access, AccessMixin, ScopedObjectMixin
from branches.models import Organisation
from core.exporters import XLSX_CONTENT_TYPE
from core.forms import add_errors
from core.review.forms import ReturnForm
from core.review.models import Status
from members import selectors as member_selectors

from .. import rules, selectors, services
from ..forms import BatchForm, CountForm, PickForm, RecipientSearchForm
from ..models import CommendationBatch, Level
from ..services.imports import batch_import_template
from .common import AwardReviewView, stored_file_response

SEARCH_LIMIT = 50


class BatchListView(AccessMixin, TemplateView):
    access = Access.READ
    template_name = "honours/batch_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        get = self.request.GET
        status = get.get("status", "") if get.get("status", "") in Status.values else ""
        level = get.get("level", "") if get.get("level", "") in Level.values else ""
        q = get.get("q", "")[:50]
        qs = selectors.batch_list(user=self.request.user, q=q, status=status, level=level)
        page = Paginator(qs, 30).get_page(get.get("page"))
        query = get.copy()
        query.pop("page", None)
        ctx.update(
            page_obj=page,
            batches=page.object_list,
            q=q,
            status=status,
            level=level,
            statuses=Status.choices,
            levels=Level.choices,
            query=query.urlencode(),
        )
        return ctx


class BatchCreateView(AccessMixin, FormView):
    access = Access.WRITE
    form_class = BatchForm
    template_name = "honours/batch_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        user = self.request.user
        root = user.organisation or Organisation.objects.get_root_nodes().first()
        return {"organisation": root.pk if root else None}

    def form_valid(self, form):
        try:
            batch = services.batch_create(
                user=self.request.user, document=form.cleaned_data.get("document"), **form.service_fields()
            )
        except ValidationError as exc:
            add_errors(form, exc)
            return self.form_invalid(form)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or "不能为该组织录入表彰名单。")
            return self.form_invalid(form)
        messages.success(self.request, f"已建立表彰名单「{batch.name}」，请添加获奖对象。")
        return HttpResponseRedirect(reverse("honours:batch_detail", args=[batch.pk]))


class BatchUpdateView(AccessMixin, ScopedObjectMixin, FormView):
    access = Access.WRITE
    model = CommendationBatch
    form_class = BatchForm
    template_name = "honours/batch_form.html"

    def get_batch(self) -> CommendationBatch:
        batch = self.get_object()
        if not rules.batch_can_edit(self.request.user, batch):
            raise PermissionDenied("该表彰名单当前不能修改。")
        return batch

    def get_initial(self):
        return BatchForm.initial_from(self.get_batch())

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": self.get_batch()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(batch=self.get_batch(), **kwargs)

    def form_valid(self, form):
        batch = self.get_batch()
        try:
            services.batch_update(
                batch=batch,
                user=self.request.user,
                document=form.cleaned_data.get("document"),
                remove_document=form.cleaned_data.get("remove_document", False),
                **form.service_fields(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
            return self.form_invalid(form)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or "不能修改该表彰名单。")
            return self.form_invalid(form)
        messages.success(self.request, "已保存；名单中的获奖对象已同步更新。")
        return HttpResponseRedirect(reverse("honours:batch_detail", args=[batch.pk]))


class BatchDetailView(AccessMixin, ScopedObjectMixin, DetailView):
    access = Access.READ
    model = CommendationBatch
    context_object_name = "batch"
    template_name = "honours/batch_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("organisation", "conferring_body", "created_by", "submitted_by", "reviewed_by")
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        batch, user = self.object, self.request.user
        recipients = selectors.batch_recipients(user=user, batch=batch)
        can = rules.batch_permissions(user, batch)
        ctx.update(
            recipients=recipients,
            can=can,
            owner_visible=rules.reaches(user, batch.organisation),
            return_form=ReturnForm(),
        )
        return ctx


class BatchReviewView(AwardReviewView):
    model, workflow, detail_url = CommendationBatch, services.batches.REVIEW, "honours:batch_detail"
    counted = "，名单中的获奖对象计入统计"


class BatchActionView(AccessMixin, ScopedObjectMixin, View):
    """POST-only: delete a list, or remove recipients (review steps: ``AwardReviewView``)."""

    access = Access.WRITE
    model = CommendationBatch
    action = ""
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        batch = self.get_object()
        user = request.user
        try:
            if self.action == "delete":
                services.batch_delete(batch=batch, user=user)
                messages.success(request, f"已删除表彰名单「{batch.name}」。")
                return HttpResponseRedirect(reverse("honours:batch_list"))
            elif self.action == "remove":
                ids = [int(v) for v in request.POST.getlist("honour") if v.isdigit()]
                removed = services.batch_remove_recipients(batch=batch, user=user, honour_ids=ids)
                messages.info(request, f"已从名单中移除 {removed} 项。")
            else:  # pragma: no cover - the URLconf names every action
                raise Http404
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return HttpResponseRedirect(reverse("honours:batch_detail", args=[batch.pk]))


class _BatchEditMixin:
    """Pages that change a list's recipients: 404 outside scope, 403 when the list is not theirs to change."""

    def get_batch(self) -> CommendationBatch:
        batch = self.get_object()
        if not rules.batch_can_edit(self.request.user, batch):
            raise PermissionDenied("该表彰名单当前不能修改。")
        return batch


RUNNING_LIMIT = 30


class BatchPickView(AccessMixin, ScopedObjectMixin, _BatchEditMixin, FormView):
    """Search members and organisations of the list's subtree, tick them, add them with one title."""

    access = Access.WRITE
    model = CommendationBatch
    form_class = PickForm
    template_name = "honours/batch_pick.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "batch": self.get_batch()}

    def get_initial(self):
        return {"title": self.get_batch().default_title}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        batch, user = self.get_batch(), self.request.user
        search = RecipientSearchForm(self.request.GET or None)
        found_members, found_orgs = [], []
        if search.is_valid() and (q := search.cleaned_data["q"].strip()):
            found_members = list(
                member_selectors.member_list(
                    user=user, filters=member_selectors.MemberFilters(organisation=batch.organisation, name=q)
                )
                .select_related("organisation")
                .order_by("name", "pk")[:SEARCH_LIMIT]
            )
            found_orgs = list(
                Organisation.objects.subtree_of(batch.organisation)
                .visible_to(user)
                .filter(name__icontains=q)
                .order_by("path")[:SEARCH_LIMIT]
            )
        # The running list: what is on the list already, newest first.
        on_list = batch.honours.order_by("-id")
        ctx.update(
            batch=batch,
            search_form=search,
            found_members=found_members,
            found_orgs=found_orgs,
            on_list=list(on_list.only("recipient_name", "recipient_count", "recipient_kind", "title")[:RUNNING_LIMIT]),
            on_list_count=on_list.count(),
        )
        return ctx

    def form_valid(self, form):
        batch = self.get_batch()
        data = form.cleaned_data
        try:
            added = services.batch_add_recipients(
                batch=batch,
                user=self.request.user,
                title=data["title"],
                grade=data.get("grade", ""),
                recipient_kind=data["recipient_kind"],
                members=data.get("members") or (),
                organisations=data.get("organisations") or (),
                names=form.name_list(),
                names_organisation=data.get("names_organisation"),
            )
        except ValidationError as exc:
            add_errors(form, exc)
            return self.form_invalid(form)
        names = "、".join(h.recipient_display for h in added[:10]) + ("等" if len(added) > 10 else "")
        messages.success(self.request, f"已添加 {len(added)} 个获奖对象：{names}。可以继续查找添加。")
        # Stay on the page, with the search as it was: the next name is picked at once.
        return HttpResponseRedirect(self.request.get_full_path())


class BatchCountView(AccessMixin, ScopedObjectMixin, _BatchEditMixin, FormView):
    """Record recipients known only by number."""

    access = Access.WRITE
    model = CommendationBatch
    form_class = CountForm
    template_name = "honours/batch_count.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "batch": self.get_batch()}

    def get_initial(self):
        return {"title": self.get_batch().default_title}

    def get_context_data(self, **kwargs):
        return super().get_context_data(batch=self.get_batch(), **kwargs)

    def form_valid(self, form):
        batch = self.get_batch()
        data = form.cleaned_data
        try:
            row = services.batch_set_count(
                batch=batch,
                user=self.request.user,
                title=data["title"],
                recipient_kind=data["recipient_kind"],
                count=data["count"],
                organisation=data.get("organisation"),
            )
        except ValidationError as exc:
            add_errors(form, exc)
            return self.form_invalid(form)
        if row is None:
            messages.info(self.request, "已删除该项人数。")
        else:
            messages.success(self.request, f"已登记：{row.recipient_display}（{row.title}）。")
        return HttpResponseRedirect(reverse("honours:batch_detail", args=[batch.pk]))


class BatchTemplateView(AccessMixin, View):
    access = Access.WRITE
    http_method_names = ["get"]

    def get(self, request):
        response = HttpResponse(batch_import_template(), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, "表彰名单导入模板.xlsx")
        return response


class BatchDocumentView(AccessMixin, ScopedObjectMixin, View):
    access = Access.READ
    model = CommendationBatch
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        batch = self.get_object()
        return stored_file_response(
            request,
            batch.document,
            original_name=batch.document_name or f"表彰文件-{batch.pk}",
            target=f"表彰文件 #{batch.pk} {batch.name}",
        )
