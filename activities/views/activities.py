import calendar
from collections import defaultdict
from datetime import date

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from accounts.access import Access, AccessMixin, ScopedObjectMixin
from branches.models import Organisation
from branches.scoping import Scope
from core.forms import add_errors
from core.freshness import cached_figures, fragment_key, query_digest, scoped_key
from core.params import month_param
from core.review.forms import ReturnForm
from core.review.models import Status
from core.validators import in_range

from .. import prefill, rules, selectors, services
from ..forms import ActivityForm, roster_widget
from ..models import Activity, FileKind
from ..periods import Period, add_months, month_end
from .common import filtered_activities, query_without

LIST_PAGE_SIZE = 50
CALENDAR_CELL_LIMIT = 4


class ActivityListView(AccessMixin, ListView):
    access = Access.READ
    template_name = "activities/activity_list.html"
    context_object_name = "activities"
    paginate_by = LIST_PAGE_SIZE
    # What templates/activities/_activity_rows.html shows: a record's summary, location and
    # the organisation's other columns are not read for the list (the query-count tests catch a
    # column shown and not named here: it would be a query per row).
    row_fields = (
        *("title", "start_date", "end_date", "kind", "dimension", "participants", "person_times", "status"),
        *("organisation_id", "campaign_id", "organisation__name", "organisation__short_name", "campaign__name"),
    )

    def get_queryset(self):
        self.filterset, qs = filtered_activities(self.request)
        self.filtered = qs
        return qs.select_related("organisation", "campaign").only(*self.row_fields).order_by("-start_date", "-id")

    def summary(self):
        """(records per status, totals of the approved ones) over the whole filtered set.

        Paging does not bound these two aggregates (at a city's million records they are most
        of the page's time), so they are cached per user and filter until the data changes
        (core.freshness); the paginator takes its count from them instead of a third scan.
        """
        if not hasattr(self, "_summary"):
            user = self.request.user
            key = scoped_key("activities:list", user, query_digest(self.request.GET))
            self._summary = cached_figures(
                key,
                lambda: (
                    selectors.status_counts_of(self.filtered),
                    selectors.totals_of(self.filtered.filter(status=Status.APPROVED)),
                ),
                scope=Scope.of(user),
            )
        return self._summary

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        paginator = Paginator(queryset, per_page, orphans=orphans, allow_empty_first_page=allow_empty_first_page)
        paginator.count = sum(self.summary()[0].values())  # Paginator.count is a cached property
        return paginator

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["filter"] = self.filterset
        # Approved records are what counts; submitted ones are shown apart, as pending.
        ctx["status_counts"], ctx["approved_totals"] = self.summary()
        ctx["query"] = query_without(self.request, "page")
        # The page's rows, rendered, until the data of the user's subtree changes: a hit skips
        # the rows' query and their rendering (Django templates, about 10 ms a page).
        number = ctx["page_obj"].number if ctx.get("page_obj") else 1
        ctx["rows_key"] = fragment_key("activities:rows", self.request.user, query_digest(self.request.GET), number)
        ctx["fragment_seconds"] = settings.FIGURES_CACHE_SECONDS
        return ctx


class ActivityCalendarView(AccessMixin, TemplateView):
    """A month grid, server-rendered: each activity on the day it starts."""

    access = Access.READ
    template_name = "activities/activity_calendar.html"

    def get_month(self) -> date:
        return month_param(self.request.GET, "month", default=date.today().replace(day=1))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        first = self.get_month()
        last = month_end(first)
        filterset, qs = filtered_activities(self.request)
        # Multi-day activities that began earlier still show on the month's first day.
        qs = (
            qs.filter(start_date__lte=last)
            .annotate(last_day=Coalesce("end_date", "start_date"))
            .filter(last_day__gte=first)
            .select_related("organisation")
            .order_by("start_date", "id")
        )
        by_day: dict[date, list[Activity]] = defaultdict(list)
        for activity in qs:
            by_day[max(activity.start_date, first)].append(activity)
        weeks = []
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
            cells = []
            for day in week:
                items = by_day.get(day, []) if day.month == first.month else []
                cells.append(
                    {
                        "day": day,
                        "in_month": day.month == first.month,
                        "items": items[:CALENDAR_CELL_LIMIT],
                        "more": max(0, len(items) - CALENDAR_CELL_LIMIT),
                    }
                )
            weeks.append(cells)
        query = query_without(self.request, "month", "page")
        ctx.update(
            filter=filterset,
            month=first,
            weeks=weeks,
            weekdays=["一", "二", "三", "四", "五", "六", "日"],
            # No link past the range a URL may ask for (core.params).
            prev_month=add_months(first, -1) if in_range(month_end(add_months(first, -1))) else None,
            next_month=add_months(first, 1) if in_range(add_months(first, 1)) else None,
            today=date.today(),
            query=query,
            period=Period(first, last),
            total=sum(len(v) for v in by_day.values()),
        )
        return ctx


class ActivityDetailView(AccessMixin, ScopedObjectMixin, DetailView):
    access = Access.READ
    model = Activity
    context_object_name = "activity"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("organisation", "campaign", "created_by", "submitted_by", "reviewed_by")
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        activity = self.object
        user = self.request.user
        ctx["can"] = rules.permissions(user, activity)
        files = list(activity.files.all())
        ctx["files"] = [f for f in files if f.kind != FileKind.SIGN_IN]
        ctx["sign_in_files"] = [f for f in files if f.kind == FileKind.SIGN_IN]
        # Names only: the roster's other columns are not this page's to show.
        ctx["attendee_names"] = list(activity.attendees.order_by("name", "pk").values_list("name", flat=True))
        ctx["history"] = list(activity.history.select_related("history_user").order_by("-history_date")[:30])
        ctx["return_form"] = kwargs.get("return_form") or ReturnForm()
        ctx["missing"] = services.submission_problems(activity) if ctx["can"]["submit"] else {}
        return ctx


class ActivityFormMixin:
    form_class = ActivityForm
    template_name = "activities/activity_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def save(self, form, *, submit: bool, files: dict) -> Activity:
        raise NotImplementedError

    def _kept(self, form) -> list[dict]:
        return services.kept_files_from_token(user=self.request.user, token=form.data.get("kept", ""))

    def form_invalid(self, form):
        """Keep what was picked: the good files are stored as pending ones the form carries."""
        # add_error() drops a field from cleaned_data: form_valid notes the files first.
        picked = getattr(form, "picked_files", None) or getattr(form, "cleaned_data", {})
        kept, errors = services.activity_files_keep(
            user=self.request.user,
            photos=picked.get("photos") or [],
            attachments=picked.get("attachments") or [],
            sign_in=picked.get("sign_in") or [],
            kept=self._kept(form),
        )
        for field, problems in errors.items():
            if not form.has_error(field):
                form.add_error(field, problems)
        form.data = form.data.copy()
        form.data["kept"] = services.kept_files_token(user=self.request.user, files=kept) if kept else ""
        return self.render_to_response(self.get_context_data(form=form, kept_files=kept))

    def form_valid(self, form):
        submit = "submit" in self.request.POST
        files = {name: form.cleaned_data.get(name, []) for name in ("photos", "attachments", "sign_in")}
        form.picked_files = files
        try:
            activity = self.save(form, submit=submit, files={**files, "kept": self._kept(form)})
        except ValidationError as exc:
            add_errors(form, exc)
            return self.form_invalid(form)
        if submit:
            messages.success(self.request, f"已保存并提交审核：「{activity.title}」。")
        else:
            messages.success(self.request, f"已保存草稿：「{activity.title}」。")
        return HttpResponseRedirect(reverse("activities:detail", args=[activity.pk]))


class ActivityCreateView(AccessMixin, ActivityFormMixin, FormView):
    access = Access.WRITE

    def get_initial(self):
        # 去填报 from a due item: organisation, kind (its dimension) and date preset.
        return {**super().get_initial(), **prefill.initial_from(self.request.GET)}

    def save(self, form, *, submit, files):
        return services.activity_create(user=self.request.user, submit=submit, **files, **form.service_fields())


class ActivityUpdateView(AccessMixin, ScopedObjectMixin, ActivityFormMixin, FormView):
    access = Access.WRITE
    model = Activity

    def get(self, request, *args, **kwargs):
        self._check()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self._check()
        return super().post(request, *args, **kwargs)

    def _check(self):
        if not rules.can_edit(self.request.user, self.get_object()):
            raise PermissionDenied("该记录已提交或已通过审核，不能再修改。")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_object()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(activity=self.get_object(), **kwargs)

    def save(self, form, *, submit, files):
        return services.activity_update(
            activity=self.get_object(), user=self.request.user, submit=submit, **files, **form.service_fields()
        )


class ActivityDeleteView(AccessMixin, ScopedObjectMixin, DetailView):
    """GET asks for confirmation; POST deletes a draft or returned record."""

    access = Access.WRITE
    model = Activity
    context_object_name = "activity"
    template_name = "activities/activity_confirm_delete.html"

    def get(self, request, *args, **kwargs):
        if not rules.can_delete(request.user, self.get_object()):
            raise PermissionDenied("已提交或已通过的记录不能删除。")
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        activity = self.get_object()
        title = activity.title
        services.activity_delete(activity=activity, user=request.user)
        messages.success(request, f"已删除「{title}」。")
        return HttpResponseRedirect(reverse("activities:list"))


class RosterView(AccessMixin, View):
    """The attendance picker for another organisation, when the form's organisation changes:
    the same widget the form renders, for an organisation in the user's subtree (404 outside)."""

    access = Access.WRITE
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        organisation_id = request.GET.get("organisation", "")
        if not organisation_id.isdigit():
            raise Http404("组织不存在")
        organisation = get_object_or_404(Organisation.objects.visible_to(request.user), pk=organisation_id)
        widget = roster_widget(selectors.attendance_roster(organisation=organisation))
        html = widget.render("attendees", [], attrs={"id": "id_attendees"}, renderer=None)
        return HttpResponse(html)


class ActivityPickView(AccessMixin, View):
    """The type-ahead activity picker's search (static/js/org-picker.js, resources' forms): up
    to ``PICK_LIMIT`` activities whose title holds ``q``, always within the user's own scope."""

    access = Access.READ
    http_method_names = ["get"]
    PICK_LIMIT = 20

    def get(self, request):
        q = request.GET.get("q", "").strip()[:50]
        found = selectors.activity_search(user=request.user, q=q, limit=self.PICK_LIMIT + 1)
        results = [
            {"id": a.pk, "name": f"{a.start_date:%Y-%m-%d} {a.title}", "parent": a.organisation.display_name}
            for a in found[: self.PICK_LIMIT]
        ]
        return JsonResponse({"results": results, "more": len(found) > self.PICK_LIMIT})
