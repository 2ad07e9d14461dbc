from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.generic import DetailView, FormView, TemplateView, UpdateView

from accounts.access import Access, AccessMixin, ScopedObjectMixin
from core.audit import audit_record
from core.forms import add_errors
from core.models import AuditAction

from .. import selectors, services
from ..choices import OPEN_STAGES, Status
from ..forms import FindByIdForm, MemberFilterForm, MemberForm
from ..models import Member
from ..pagination import capped_count, keyset_page
from ..rules import can_act_for
from .common import ID_NUMBER_FIELDS


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


class MemberListView(AccessMixin, TemplateView):
    """The roster, filtered, in keyset pages: the same few queries at any depth."""

    access = Access.READ
    template_name = "members/member_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        form = MemberFilterForm(self.request.GET or None, user=user)
        if self.request.GET and not form.is_valid():
            qs = Member.objects.none()
            per_page = 50
        else:
            filters = form.filters() if form.is_bound else selectors.MemberFilters()
            qs = selectors.member_list(user=user, filters=filters)
            per_page = (form.cleaned_data.get("per_page") if form.is_bound else None) or 50
        page = keyset_page(
            qs.select_related("organisation"),
            order_field="name",
            size=per_page,
            after=_int_or_none(self.request.GET.get("after")),
            before=_int_or_none(self.request.GET.get("before")),
        )
        if self.request.GET.get("count") == "exact":
            total, exact = qs.count(), True
        else:
            total, exact = capped_count(qs)
        query = self.request.GET.copy()
        for key in ("after", "before", "count"):
            query.pop(key, None)
        ctx.update(
            form=form,
            find_form=FindByIdForm(),
            page=page,
            total=total,
            total_exact=exact,
            query=query.urlencode(),
        )
        return ctx


@method_decorator(sensitive_post_parameters("id_number"), name="dispatch")
class MemberFindView(AccessMixin, View):
    """Exact lookup by ID number, by POST so that the number never appears in a URL or log."""

    access = Access.READ
    http_method_names = ["post"]

    def post(self, request):
        form = FindByIdForm(request.POST)
        if not form.is_valid():
            messages.error(request, "；".join(form.errors["id_number"]))
            return HttpResponseRedirect(reverse("members:list"))
        filters = selectors.MemberFilters(id_number=form.cleaned_data["id_number"])
        member = selectors.member_list(user=request.user, filters=filters).first()
        if member is None:
            messages.warning(request, "在您管理的范围内没有找到该身份证号码对应的人员。")
            return HttpResponseRedirect(reverse("members:list"))
        return HttpResponseRedirect(reverse("members:detail", args=[member.pk]))


class MemberDetailView(AccessMixin, ScopedObjectMixin, DetailView):
    access = Access.READ
    model = Member
    context_object_name = "member"

    def get_queryset(self):
        return super().get_queryset().select_related("organisation")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        member = self.object
        user = self.request.user
        cases = list(member.recruitment_cases.select_related("organisation").order_by("-applied_on", "-pk"))
        transfers = list(
            member.transfers.select_related("from_organisation", "to_organisation", "requested_by", "decided_by")
        )
        cadre_appointments = list(member.cadre_appointments.select_related("organisation").order_by("-started_on"))
        ctx.update(
            can_edit=can_act_for(user, member.organisation),
            cadre_appointments=cadre_appointments,
            holds_post=any(a.is_current() for a in cadre_appointments),
            counsellor_appointments=member.counsellor_appointments.select_related("organisation").order_by(
                "-started_on"
            ),
            recruitment_cases=cases,
            open_case=next((c for c in cases if c.stage in OPEN_STAGES), None),
            transfers=transfers,
            pending_transfer=next((t for t in transfers if t.is_pending), None),
            history=selectors.member_history(member=member),
            due_to_age_out=member.status == Status.ACTIVE and member.has_reached_age_limit(),
        )
        return ctx


@method_decorator(sensitive_variables(), name="post")
class MemberRevealIdView(MemberDetailView):
    """Staff only, by POST: show the full ID number once, and record who saw whose, when."""

    access = Access.STAFF
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        audit_record(
            user=request.user,
            action=AuditAction.REVEAL_ID,
            target=f"成员 {self.object.name} #{self.object.pk}",
            description=f"在成员详情页查看完整身份证号码（{self.object.id_number_masked}）",
            request=request,
        )
        context = self.get_context_data(object=self.object, revealed_id=self.object.decrypt_id_number())
        response = self.render_to_response(context)
        add_never_cache_headers(response)
        return response


@method_decorator(sensitive_post_parameters("id_number"), name="dispatch")
class MemberCreateView(AccessMixin, FormView):
    access = Access.WRITE
    form_class = MemberForm
    template_name = "members/member_form.html"

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), "user": self.request.user}
        if org := self.request.GET.get("organisation"):
            kwargs.setdefault("initial", {})["organisation"] = org
        return kwargs

    def form_valid(self, form):
        # Empty gender and birth date fall back to what the ID number says.
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        try:
            member = services.member_create(**data)
        except ValidationError as exc:
            add_errors(form, exc, aliases=ID_NUMBER_FIELDS)
            return self.form_invalid(form)
        messages.success(self.request, f"已登记「{member.name}」。")
        return HttpResponseRedirect(reverse("members:detail", args=[member.pk]))


@method_decorator(sensitive_post_parameters("id_number"), name="dispatch")
class MemberUpdateView(AccessMixin, ScopedObjectMixin, UpdateView):
    access = Access.WRITE
    model = Member
    form_class = MemberForm
    template_name = "members/member_form.html"
    context_object_name = "member"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["initial"] = {"id_number": ""}
        return {**kwargs, "user": self.request.user}

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        id_number = data.pop("id_number", "")
        try:
            services.member_update(member=self.object, id_number=id_number, **data)
        except ValidationError as exc:
            add_errors(form, exc, aliases=ID_NUMBER_FIELDS)
            return self.form_invalid(form)
        messages.success(self.request, "已保存。")
        return HttpResponseRedirect(reverse("members:detail", args=[self.object.pk]))
