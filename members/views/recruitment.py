from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views.generic import DetailView, FormView, TemplateView

from accounts.access import Access, AccessMixin, ScopedObjectMixin
from branches.scoping import Scope
from core.forms import add_errors
from core.freshness import cached_figures, query_digest, scoped_key

from .. import selectors, services
from ..ages import today
from ..choices import OPEN_STAGES, Stage
from ..forms import RecruitmentAdvanceForm, RecruitmentFilterForm, RecruitmentStartForm, RecruitmentStopForm
from ..models import Member, RecruitmentCase
from .common import error_text


class RecruitmentListView(AccessMixin, TemplateView):
    """The pipeline: open cases by stage, with this year's figures."""

    access = Access.READ
    template_name = "members/recruitment_list.html"
    # What templates/members/_recruitment_rows.html shows: a member's other columns (forty
    # of them, the encrypted ID number among them) are not read for the list. A column shown
    # and not named here is a query per row, which the list's query-count test catches.
    row_fields = (
        *("member_id", "organisation_id", "stage", "applied_on", "activist_on", "candidate_on", "admitted_on"),
        *("member__name", "organisation__name", "organisation__short_name"),
    )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        form = RecruitmentFilterForm(self.request.GET or None, user=user)
        params = form.cleaned_data if form.is_valid() else {}
        organisation = params.get("org")
        qs = selectors.recruitment_cases(user=user, organisation=organisation)
        stage = params.get("stage", "")
        qs = qs.filter(stage=stage) if stage else qs.filter(stage__in=OPEN_STAGES)
        qs = qs.select_related("member", "organisation").order_by("stage", "applied_on", "pk")
        now = today()
        query = self.request.GET.copy()
        query.pop("page", None)
        # The year's figures and the cases' count cover the whole filtered set, not one page:
        # cached per user, day and filter until the data changes (core.freshness).
        key = scoped_key("members:recruitment", user, now.isoformat(), query_digest(self.request.GET))
        figures, count = cached_figures(
            key,
            lambda: (
                selectors.recruitment_figures(
                    user=user, organisation=organisation, start=date(now.year, 1, 1), end=now
                ),
                qs.count(),
            ),
            scope=Scope.of(user),
        )
        paginator = Paginator(qs.only(*self.row_fields), 50)
        paginator.count = count  # a cached property: no COUNT query of its own
        ctx.update(
            form=form,
            page_obj=paginator.get_page(self.request.GET.get("page")),
            query=query.urlencode(),
            figures=figures,
            stages=Stage,
            today=now,
        )
        return ctx


class RecruitmentStartView(AccessMixin, ScopedObjectMixin, FormView):
    access = Access.WRITE
    model = Member
    form_class = RecruitmentStartForm
    template_name = "members/recruitment_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "member": self.get_object()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(member=self.get_object(), **kwargs)

    def form_valid(self, form):
        member = self.get_object()
        try:
            services.recruitment_start(member=member, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"已登记「{member.name}」的入团申请。")
        return HttpResponseRedirect(reverse("members:detail", args=[member.pk]))


class RecruitmentActionView(AccessMixin, ScopedObjectMixin, DetailView):
    """POST: move a case to its next stage, or stop it."""

    access = Access.WRITE
    model = RecruitmentCase
    http_method_names = ["post"]
    action = "advance"

    def post(self, request, *args, **kwargs):
        case = self.get_object()
        form_class = RecruitmentAdvanceForm if self.action == "advance" else RecruitmentStopForm
        form = form_class(request.POST)
        if not form.is_valid():
            messages.error(
                request, "；".join(f"{form.fields[f].label}：{'，'.join(e)}" for f, e in form.errors.items())
            )
        else:
            try:
                if self.action == "advance":
                    case = services.recruitment_advance(
                        case=case, on=form.cleaned_data["on"], member_number=form.cleaned_data["member_number"]
                    )
                    messages.success(request, f"「{case.member.name}」已进入“{case.get_stage_display()}”阶段。")
                else:
                    services.recruitment_stop(case=case, on=form.cleaned_data["on"], reason=form.cleaned_data["reason"])
                    messages.success(request, f"已终止「{case.member.name}」的发展程序。")
            except ValidationError as exc:
                messages.error(request, error_text(exc))
        if request.POST.get("next") == "member":
            return HttpResponseRedirect(reverse("members:detail", args=[case.member_id]))
        return HttpResponseRedirect(reverse("members:recruitment"))
