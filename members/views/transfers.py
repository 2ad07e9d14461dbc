from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views.generic import DetailView, FormView, TemplateView

from accounts.access import Access, AccessMixin, ScopedObjectMixin
from core.forms import add_errors

from .. import selectors, services
from ..choices import Category
from ..forms import DecisionForm, TransferForm
from ..models import Member, Transfer
from .common import error_text


class TransferListView(AccessMixin, TemplateView):
    """Transfers awaiting the user's acceptance, those they sent, and the history."""

    access = Access.READ
    template_name = "members/transfer_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        pending = selectors.transfers_pending(user=user)
        history = Paginator(selectors.transfers_decided(user=user), 30)
        ctx.update(
            awaiting=pending.awaiting,
            sent=pending.sent,
            history=history.get_page(self.request.GET.get("page")),
            decision_form=DecisionForm(),
        )
        return ctx


class TransferCreateView(AccessMixin, ScopedObjectMixin, FormView):
    access = Access.WRITE
    model = Member
    form_class = TransferForm
    template_name = "members/transfer_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "member": self.get_object()}

    def get_context_data(self, **kwargs):
        member = self.get_object()
        # A league member past 28 leaves the league (超龄离团) rather than moving branch.
        over_age = member.category == Category.LEAGUE_MEMBER and member.has_reached_age_limit()
        return super().get_context_data(member=member, over_age=over_age, age=member.age, **kwargs)

    def form_valid(self, form):
        member = self.get_object()
        try:
            services.transfer_request(
                member=member,
                by=self.request.user,
                reason=form.cleaned_data["reason"],
                to_organisation=form.cleaned_data["to_organisation"],
                external_destination=form.cleaned_data["external_destination"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"已提交「{member.name}」的组织关系转接申请，待接收方办理。")
        return HttpResponseRedirect(reverse("members:detail", args=[member.pk]))


class TransferActionView(AccessMixin, ScopedObjectMixin, DetailView):
    """POST: accept, return or withdraw a pending transfer. The service checks the side."""

    access = Access.WRITE
    model = Transfer
    http_method_names = ["post"]
    action = ""

    def post(self, request, *args, **kwargs):
        transfer = self.get_object()
        form = DecisionForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        try:
            if self.action == "accept":
                services.transfer_accept(transfer=transfer, by=request.user, note=note)
                messages.success(request, f"已接收「{transfer.member.name}」的组织关系。")
            elif self.action == "reject":
                services.transfer_reject(transfer=transfer, by=request.user, note=note)
                messages.success(request, f"已退回「{transfer.member.name}」的转接申请。")
            else:
                services.transfer_cancel(transfer=transfer, by=request.user)
                messages.success(request, f"已撤回「{transfer.member.name}」的转接申请。")
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        return HttpResponseRedirect(reverse("members:transfers"))
