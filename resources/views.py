"""Staff pages for bases, coverage, partners and donations: one set of list / create / edit /
delete views, told which kind of record by ``kind``. Lists are read by everyone within their
scope; staff and secretaries (within their subtree) write; leadership reads only."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views.generic import DetailView, FormView, TemplateView

from accounts.access import Access, AccessMixin, ScopedObjectMixin
from core.forms import add_errors

from . import selectors, services
from .forms import BaseForm, CoverageForm, DonationForm, ListFilterForm, PartnerForm
from .models import Base, Coverage, Donation, Partner


def _date(day) -> str:
    return f"{day:%Y-%m-%d}" if day else ""


def _amount(value, qualifier: str = "") -> str:
    if value is None:
        return ""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"约{text}" if qualifier == "约" else f"{text}余" if qualifier == "余" else text


@dataclass(frozen=True)
class RecordKind:
    """One kind of record these pages keep: its model, form, services and list columns."""

    slug: str
    model: type[models.Model]
    form: type
    title: str  # the list's heading
    add: str  # the create button
    create: Callable
    update: Callable
    delete: Callable
    argument: str  # the record's keyword in the update and delete services
    columns: tuple[tuple[str, Callable], ...]
    help: str = ""

    def url(self, action: str, *args) -> str:
        return reverse(f"resources:{self.slug}_{action}", args=args)


BASES = RecordKind(
    slug="base",
    model=Base,
    form=BaseForm,
    title="阵地建设",
    add="登记阵地",
    create=services.base_create,
    update=services.base_update,
    delete=services.base_delete,
    argument="base",
    help="青年之家、少先队校外实践基地、志愿服务站、青年发展型城市建设试点等阵地，按认定级别和日期登记。"
    "半年工作总结写明半年内建成（认定）的阵地，开头写明期末现有阵地；撤销（摘牌）的阵地填写撤销日期，不要删除。",
    columns=(
        ("阵地名称", lambda r: r.name),
        ("类型", lambda r: r.get_kind_display()),
        ("认定级别", lambda r: r.get_level_display()),
        ("认定日期", lambda r: _date(r.recognised_on)),
        ("撤销日期", lambda r: _date(r.withdrawn_on)),
        ("所属组织", lambda r: r.organisation.name),
    ),
)
COVERAGE = RecordKind(
    slug="coverage",
    model=Coverage,
    form=CoverageForm,
    title="宣传报道采用",
    add="登记采用稿件",
    create=services.coverage_create,
    update=services.coverage_update,
    delete=services.coverage_delete,
    argument="coverage",
    help="稿件、视频被媒体或平台采用（刊发）一次登记一条。工作总结按媒体级别写明采用篇数，并写出中央级、省级媒体的名称。",
    columns=(
        ("标题", lambda r: r.title),
        ("形式", lambda r: r.get_form_display()),
        ("采用媒体", lambda r: r.outlet),
        ("媒体级别", lambda r: r.get_outlet_level_display()),
        ("采用日期", lambda r: _date(r.published_on)),
        ("所属组织", lambda r: r.organisation.name),
    ),
)
PARTNERS = RecordKind(
    slug="partner",
    model=Partner,
    form=PartnerForm,
    title="共建单位",
    add="登记共建单位",
    create=services.partner_create,
    update=services.partner_update,
    delete=services.partner_delete,
    argument="partner",
    help="与本组织结对共建的单位。共建期间与半年有交叉的单位写入当期工作总结；关联的活动计为共建活动。",
    columns=(
        ("单位名称", lambda r: r.name),
        ("单位类型", lambda r: r.get_kind_display()),
        ("共建开始", lambda r: _date(r.since)),
        ("共建结束", lambda r: _date(r.until) or "长期"),
        ("所属组织", lambda r: r.organisation.name),
    ),
)
DONATIONS = RecordKind(
    slug="donation",
    model=Donation,
    form=DonationForm,
    title="募集款物",
    add="登记募集款物",
    create=services.donation_create,
    update=services.donation_update,
    delete=services.donation_delete,
    argument="donation",
    help="募集或接收的善款（元）和物资（数量、单位、种类）。来源只有约数的，在“金额约数”中注明，总结中的合计随之写作约数。",
    columns=(
        ("日期", lambda r: _date(r.received_on)),
        ("捐赠方", lambda r: r.partner.name if r.partner_id else r.donor),
        ("善款（元）", lambda r: _amount(r.money, r.qualifier)),
        ("物资", lambda r: f"{r.goods_kind}{r.goods_count}{r.goods_unit}" if r.goods_count else ""),
        ("物资折价（元）", lambda r: _amount(r.goods_value, r.qualifier)),
        ("用途", lambda r: r.purpose),
        ("所属组织", lambda r: r.organisation.name),
    ),
)
KINDS = (BASES, COVERAGE, PARTNERS, DONATIONS)


class RecordListView(AccessMixin, TemplateView):
    access = Access.READ
    template_name = "resources/record_list.html"
    kind: RecordKind = BASES
    paginate_by = 50

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        form = ListFilterForm(self.request.GET or None, user=user)
        if form.is_bound and not form.is_valid():
            qs = self.kind.model.objects.none()
        else:
            filters = form.filters() if form.is_bound else selectors.ListFilters()
            qs = selectors.record_list(model=self.kind.model, user=user, filters=filters)
        page = Paginator(qs, self.paginate_by).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        rows = [(record, [fn(record) for _, fn in self.kind.columns]) for record in page.object_list]
        ctx.update(
            kind=self.kind,
            kinds=KINDS,
            form=form,
            page_obj=page,
            rows=rows,
            headers=[label for label, _ in self.kind.columns],
            query=query.urlencode(),
            can_write=user.can_write,
        )
        return ctx


class _KindMixin:
    kind: RecordKind = BASES

    def get_queryset(self):
        return self.kind.model.objects.visible_to(self.request.user).select_related("organisation")

    def get_context_data(self, **kwargs):
        return super().get_context_data(kind=self.kind, **kwargs)

    def done(self, message: str):
        messages.success(self.request, message)
        return HttpResponseRedirect(self.kind.url("list"))


class RecordCreateView(_KindMixin, AccessMixin, FormView):
    access = Access.WRITE
    template_name = "resources/record_form.html"

    def get_form_class(self):
        return self.kind.form

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        extra = {"activities": form.cleaned_data["activities"]} if "activities" in form.cleaned_data else {}
        try:
            record = self.kind.create(user=self.request.user, **form.record_fields(), **extra)
        except ValidationError as exc:
            add_errors(form, exc)
            return self.form_invalid(form)
        return self.done(f"已登记「{record}」。")


class RecordUpdateView(_KindMixin, AccessMixin, ScopedObjectMixin, FormView):
    access = Access.WRITE
    template_name = "resources/record_form.html"

    def get_form_class(self):
        return self.kind.form

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": self.get_object()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(record=self.get_object(), **kwargs)

    def form_valid(self, form):
        # The form's instance already carries the new values: the service reads the record afresh.
        extra = {"activities": form.cleaned_data["activities"]} if "activities" in form.cleaned_data else {}
        record = self.kind.model.objects.get(pk=self.get_object().pk)
        try:
            self.kind.update(user=self.request.user, **{self.kind.argument: record}, **form.record_fields(), **extra)
        except ValidationError as exc:
            add_errors(form, exc)
            return self.form_invalid(form)
        return self.done("已保存。")


class RecordDeleteView(_KindMixin, AccessMixin, ScopedObjectMixin, DetailView):
    """GET asks to confirm; POST deletes through the service (the history stays)."""

    access = Access.WRITE
    context_object_name = "record"
    template_name = "resources/record_confirm_delete.html"

    def post(self, request, *args, **kwargs):
        record = self.get_object()
        self.kind.delete(user=request.user, **{self.kind.argument: record})
        return self.done(f"已删除「{record}」。")
