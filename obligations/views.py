from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from accounts.access import Access, AccessMixin, ScopedObjectMixin
from activities import prefill
from branches.models import Organisation
from branches.scoping import Scope
from core.forms import add_errors
from core.freshness import cached_figures, scoped_key
from core.params import date_param
from core.validators import in_range

from . import selectors, services
from .channels import ChannelError
from .channels.config import channels_for, mask_secret, reveal
from .filters import compliance_page
from .forms import ChannelConfigForm, DueFilterForm, ObligationForm, ReminderFilterForm, ScheduleForm
from .models import Channel, ChannelConfig, Delivery, EmailStatus, Message, Obligation, Reminder
from .services import deliveries

HISTORY_PERIODS = 6


def _query_without(request, *keys: str) -> str:
    query = request.GET.copy()
    for key in keys:
        query.pop(key, None)
    return query.urlencode()


# --- Compliance ---------------------------------------------------------------------------


class ComplianceView(AccessMixin, TemplateView):
    """Organisations × obligations for the chosen period, in the user's scope."""

    access = Access.READ
    template_name = "obligations/compliance.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form, page = compliance_page(user=self.request.user, query=self.request.GET, page=self.request.GET.get("page"))
        ctx.update(form=form, result=page and page.overview, query=_query_without(self.request, "page"))
        if page is not None:
            overview = page.overview
            ctx.update(page_obj=page.page_obj, rows=page.rows, summaries=overview.summaries, total=overview.total)
        return ctx


def _within(day: date) -> date | None:
    """A link's date, or None past the range a URL may ask for (core.params)."""
    return day if in_range(day) else None


class ComplianceCellView(AccessMixin, ScopedObjectMixin, TemplateView):
    """One organisation and one obligation: the activities that count, and the last periods."""

    access = Access.READ
    model = Organisation
    template_name = "obligations/compliance_cell.html"

    def _on(self) -> date:
        return date_param(self.request.GET, "on", default=timezone.localdate())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        organisation = self.get_object()
        obligation = get_object_or_404(Obligation.objects.select_related("indicator"), pk=self.kwargs["obligation"])
        on = self._on()
        today = timezone.localdate()
        common = dict(
            user=self.request.user, organisation=organisation, subtree=False, obligations=[obligation], today=today
        )
        result = selectors.compliance(on=on, with_activities=True, **common)
        history = []
        for offset in range(1, HISTORY_PERIODS + 1):
            past = selectors.compliance(on=on, offset=-offset, **common).cell(organisation.pk, obligation.pk)
            history.append((obligation.period_offset(on, -offset), past))
        ctx.update(
            organisation=organisation,
            obligation=obligation,
            period=obligation.period_containing(on),
            cell=result.cell(organisation.pk, obligation.pk),
            history=history,
            previous_on=_within(obligation.period_offset(on, -1).start),
            next_on=_within(obligation.period_offset(on, 1).start),
            today=today,
        )
        period = ctx["period"]
        ctx["fill_url"] = prefill.create_url(
            organisation_id=organisation.pk,
            kinds=obligation.activity_kinds,
            on=prefill.due_date(period.start, period.end, today),
        )
        if self.request.user.is_committee_staff:
            ctx["reminders"] = list(
                Reminder.objects.filter(organisation=organisation, obligation=obligation)
                .select_related("recipient")
                .order_by("-period_start", "kind", "id")[:50]
            )
        return ctx


class DueView(AccessMixin, TemplateView):
    """What's due: this period's unmet obligations, last period's overdue ones, terms ending soon."""

    access = Access.READ
    template_name = "obligations/due.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = DueFilterForm(self.request.GET or None, user=self.request.user)
        organisation = form.cleaned_data.get("organisation") if form.is_bound and form.is_valid() else None
        if form.is_bound and not form.is_valid():
            ctx.update(form=form, due=None)
            return ctx
        user, today = self.request.user, timezone.localdate()
        # Two periods of compliance evaluated in Python: kept until the data changes (core.freshness).
        key = scoped_key("due", user, today.isoformat(), organisation.pk if organisation else "")
        # Keyed by the version of the subtree shown only: a write elsewhere keeps it.
        scope = Scope(path=organisation.path) if organisation else Scope.of(user)
        due = cached_figures(
            key, lambda: selectors.due_list(user=user, organisation=organisation, today=today), scope=scope
        )
        ctx.update(form=form, due=due)
        return ctx


# --- Inbox ------------------------------------------------------------------------------------


class InboxView(AccessMixin, ListView):
    access = Access.READ
    template_name = "obligations/inbox.html"
    context_object_name = "inbox"
    paginate_by = 30

    def get_queryset(self):
        qs = Message.objects.visible_to(self.request.user).select_related("organisation")
        if self.request.GET.get("unread"):
            qs = qs.unread()
        return qs.order_by("-created_at", "-id")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["only_unread"] = bool(self.request.GET.get("unread"))
        ctx["query"] = _query_without(self.request, "page")
        return ctx


class _MessageAction(AccessMixin, ScopedObjectMixin, View):
    access = Access.READ  # one's own inbox: every role, leadership included, keeps it
    model = Message
    http_method_names = ["post"]

    def _back(self) -> str:
        url = self.request.POST.get("next", "")
        if url and url_has_allowed_host_and_scheme(url, {self.request.get_host()}, self.request.is_secure()):
            return url
        return reverse("obligations:inbox")


class MessageReadView(_MessageAction):
    def post(self, request, *args, **kwargs):
        services.message_mark_read(message=self.get_object(), user=request.user)
        return HttpResponseRedirect(self._back())


class MessageOpenView(_MessageAction):
    """Mark read and follow the message's link (a POST, so reading never happens on a GET)."""

    def post(self, request, *args, **kwargs):
        message = services.message_mark_read(message=self.get_object(), user=request.user)
        link = message.link
        if link and url_has_allowed_host_and_scheme(link, {request.get_host()}, request.is_secure()):
            return HttpResponseRedirect(link)
        return HttpResponseRedirect(reverse("obligations:inbox"))


class InboxReadAllView(AccessMixin, View):
    access = Access.READ
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        count = services.message_mark_all_read(user=request.user)
        messages.success(request, f"已将 {count} 条消息标记为已读。" if count else "没有未读消息。")
        return HttpResponseRedirect(reverse("obligations:inbox"))


# --- Obligations (staff manage them) -------------------------------------------------------------


class ObligationListView(AccessMixin, ListView):
    access = Access.READ
    template_name = "obligations/obligation_list.html"
    context_object_name = "obligations"

    def get_queryset(self):
        return Obligation.objects.select_related("indicator").order_by("-active", "position", "id")


class ObligationCreateView(AccessMixin, FormView):
    access = Access.STAFF
    form_class = ObligationForm
    template_name = "obligations/obligation_form.html"

    def get_initial(self):
        return {"active_from": timezone.localdate(), "lead_days": 7, "active": True, "remind": True, "position": 100}

    def form_valid(self, form):
        try:
            obligation = services.obligation_create(user=self.request.user, **form.service_fields())
        except ValidationError as exc:
            add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"已添加履职要求「{obligation.name}」。")
        return HttpResponseRedirect(reverse("obligations:list"))


class ObligationUpdateView(AccessMixin, FormView):
    access = Access.STAFF
    form_class = ObligationForm
    template_name = "obligations/obligation_form.html"

    def get_object(self) -> Obligation:
        if not hasattr(self, "_object"):
            self._object = get_object_or_404(Obligation, pk=self.kwargs["pk"])
        return self._object

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_object()}

    def get_context_data(self, **kwargs):
        obligation = self.get_object()
        history = obligation.history.select_related("history_user").order_by("-history_date")[:20]
        return super().get_context_data(obligation=obligation, history=history, **kwargs)

    def form_valid(self, form):
        try:
            obligation = services.obligation_update(
                obligation=self.get_object(), user=self.request.user, **form.service_fields()
            )
        except ValidationError as exc:
            add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"已保存履职要求「{obligation.name}」。")
        return HttpResponseRedirect(reverse("obligations:list"))


# --- The reminder run: its time, its ledger ----------------------------------------------------------


class ScheduleView(AccessMixin, FormView):
    access = Access.STAFF
    form_class = ScheduleForm
    template_name = "obligations/schedule.html"

    def get_initial(self):
        schedule = services.reminder_schedule()
        return {"at": schedule.at, "enabled": schedule.enabled}

    def get_context_data(self, **kwargs):
        return super().get_context_data(schedule=services.reminder_schedule(), **kwargs)

    def form_valid(self, form):
        schedule = services.reminder_schedule_update(
            user=self.request.user, at=form.cleaned_data["at"], enabled=form.cleaned_data["enabled"]
        )
        if schedule.enabled:
            messages.success(self.request, f"已设为每天 {schedule.at:%H:%M}（北京时间）检查并发送提醒。")
        else:
            messages.warning(self.request, "已停用每日提醒。")
        return HttpResponseRedirect(reverse("obligations:schedule"))


class RunNowView(AccessMixin, View):
    access = Access.STAFF
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        with transaction.atomic():
            services.reminders_queue_run()
        messages.info(request, "已提交提醒检查，稍后可在提醒记录中查看结果。")
        return HttpResponseRedirect(reverse("obligations:reminders"))


class ReminderListView(AccessMixin, ListView):
    """The reminder ledger in the user's scope: staff retry failed e-mails, others read."""

    access = Access.READ
    template_name = "obligations/reminder_list.html"
    context_object_name = "reminders"
    paginate_by = 50
    # What templates/obligations/_reminder_rows.html shows, and no more: the related rows'
    # other columns (an obligation's JSON lists, a user's password hash) would be read and built
    # for nothing. A column used and not named here is a query per row, which the list's
    # query-count test catches.
    row_fields = (
        *("created_at", "kind", "period_start", "period_end", "organisation_id", "obligation_id", "recipient_id"),
        *("email_to", "email_status", "attempts", "last_error", "sent_at"),
        *("organisation__name", "obligation__name"),
        *("recipient__first_name", "recipient__last_name", "recipient__username"),
    )

    def get_queryset(self):
        self.form = ReminderFilterForm(self.request.GET or None, user=self.request.user)
        if self.form.is_bound and not self.form.is_valid():
            qs = Reminder.objects.none()
        else:
            filters = self.form.filters() if self.form.is_bound else selectors.ReminderFilters()
            qs = selectors.reminders_for(user=self.request.user, filters=filters)
        self.filtered = qs
        channel_rows = Delivery.objects.only("reminder_id", "channel", "status", "target", "attempts", "last_error")
        return (
            qs.select_related("obligation", "organisation", "recipient")
            .only(*self.row_fields)
            .prefetch_related(Prefetch("deliveries", queryset=channel_rows))
            .order_by("-created_at", "-id")
        )

    def email_status_counts(self) -> dict[str, int]:
        """Reminders of the filtered set per e-mail status: the page's summary, and its count."""
        if not hasattr(self, "_counts"):
            rows = self.filtered.order_by().values("email_status").annotate(n=Count("id"))
            self._counts = {row["email_status"]: row["n"] for row in rows}
        return self._counts

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        paginator = super().get_paginator(
            queryset, per_page, orphans=orphans, allow_empty_first_page=allow_empty_first_page, **kwargs
        )
        paginator.count = sum(self.email_status_counts().values())  # a cached property: no COUNT of its own
        return paginator

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        counts = self.email_status_counts()
        ctx.update(
            form=self.form,
            status_counts=[(status, label, counts.get(status, 0)) for status, label in EmailStatus.choices],
            query=_query_without(self.request, "page"),
            schedule=services.reminder_schedule(),
            max_attempts=services.reminders.MAX_EMAIL_ATTEMPTS,
            channel_labels=dict(Channel.choices),
        )
        return ctx


class ReminderRetryView(AccessMixin, ScopedObjectMixin, View):
    access = Access.STAFF
    model = Reminder
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        reminder = self.get_object()
        try:
            with transaction.atomic():
                services.reminder_retry(reminder=reminder)
                services.reminders_queue_run()
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.info(request, "已重新排队发送这条提醒的邮件。")
        return HttpResponseRedirect(reverse("obligations:reminders"))


# --- Channels -----------------------------------------------------------------------------


class ChannelListView(AccessMixin, TemplateView):
    """Which committees set their own channels, and what each uses (secrets masked)."""

    access = Access.STAFF
    template_name = "obligations/channel_list.html"

    def get(self, request, *args, **kwargs):
        pk = request.GET.get("organisation", "")
        if pk.isdigit():
            org = get_object_or_404(Organisation.objects.visible_to(request.user), pk=int(pk))
            return HttpResponseRedirect(reverse("obligations:channel_edit", args=[org.pk]))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        configs = ChannelConfig.objects.select_related("organisation").order_by("organisation__path")
        rows = [(c, channels_for(c.organisation).names(), _masked(c)) for c in configs]
        return super().get_context_data(rows=rows, organisations=Organisation.objects.order_by("path"), **kwargs)


def _masked(config: ChannelConfig) -> dict[str, str]:
    return {
        "wecom": mask_secret(reveal(config.wecom_webhook)),
        "dingtalk": mask_secret(reveal(config.dingtalk_webhook)),
        "dingtalk_secret": "已设置" if config.dingtalk_secret else "",
    }


class ChannelEditView(AccessMixin, ScopedObjectMixin, FormView):
    """An organisation's own channels; "沿用上级设置" drops them."""

    access = Access.STAFF
    model = Organisation
    form_class = ChannelConfigForm
    template_name = "obligations/channel_form.html"

    def get_initial(self):
        config = ChannelConfig.objects.filter(organisation=self.get_object()).first()
        if config is None:
            inherited = channels_for(self.get_object())
            return {"email": inherited.email, "sms": inherited.sms}
        return {"email": config.email, "sms": config.sms, "sms_template_id": config.sms_template_id}

    def get_context_data(self, **kwargs):
        org = self.get_object()
        own = ChannelConfig.objects.filter(organisation=org).first()
        effective = channels_for(org)
        return super().get_context_data(
            organisation=org,
            own=own,
            masked=_masked(own) if own else {},
            effective=effective,
            inherited_from=effective.config.organisation if effective.config and not own else None,
            test_channels=[("email", "邮件"), *Channel.choices],
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if "inherit" in request.POST:
            deliveries.channel_config_delete(organisation=self.get_object(), user=request.user)
            messages.info(request, "已删除本级设置，沿用上级组织的提醒渠道。")
            return HttpResponseRedirect(reverse("obligations:channel_edit", args=[self.get_object().pk]))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            deliveries.channel_config_save(
                organisation=self.get_object(),
                user=self.request.user,
                email=data["email"],
                sms_enabled=data["sms"],
                sms_template_id=data["sms_template_id"],
                **form.secrets(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "提醒渠道已保存。")
        return HttpResponseRedirect(reverse("obligations:channel_edit", args=[self.get_object().pk]))


class ChannelTestView(AccessMixin, ScopedObjectMixin, View):
    """Send a test message through one channel of the organisation's own configuration now."""

    access = Access.STAFF
    model = Organisation
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        org = self.get_object()
        config = ChannelConfig.objects.filter(organisation=org).first()
        channel = kwargs["channel"]
        back = HttpResponseRedirect(reverse("obligations:channel_edit", args=[org.pk]))
        if config is None or channel not in {"email", *Channel.values}:
            messages.error(request, "请先保存本级的提醒渠道设置。")
            return back
        try:
            target = deliveries.channel_test_send(config=config, channel=channel, user=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        except ChannelError as exc:
            messages.error(request, f"测试消息发送失败：{exc}")
        else:
            messages.success(request, f"测试消息已发送到{target}。")
        return back
