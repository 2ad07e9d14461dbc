from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from accounts.access import Access, AccessMixin

from . import selectors, services
from .forms import HistoryFilterForm, LockoutReleaseForm


def lockout_response(request, original_response=None, credentials=None):
    """The page axes shows a locked-out login (AXES_LOCKOUT_CALLABLE)."""
    from axes.helpers import get_client_username, get_cool_off

    cool_off = get_cool_off(request)
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "username": get_client_username(request, credentials) or "",
        "cooloff_timedelta": cool_off,
        "cooloff_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
    return render(request, "security/lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


class LockoutListView(AccessMixin, TemplateView):
    access = Access.STAFF
    template_name = "security/lockout_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            lockouts=selectors.lockout_list(), failure_limit=settings.AXES_FAILURE_LIMIT, **kwargs
        )


class LockoutReleaseView(AccessMixin, View):
    access = Access.STAFF
    http_method_names = ["post"]

    def post(self, request):
        form = LockoutReleaseForm(request.POST)
        if not form.is_valid():
            messages.error(request, "解除锁定的参数无效。")
        else:
            username = form.cleaned_data["username"]
            try:
                services.lockout_release(
                    username=username, ip_address=form.cleaned_data["ip_address"], released_by=request.user
                )
            except ValidationError as exc:
                messages.error(request, "；".join(exc.messages))
            else:
                messages.success(request, f"已解除账号「{username}」的登录锁定。")
        return HttpResponseRedirect(reverse("security:lockouts"))


class HistoryListView(AccessMixin, TemplateView):
    """Browse the change history of every model that keeps one (django-simple-history)."""

    access = Access.STAFF
    template_name = "security/history_list.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        models = selectors.history_models()
        choices = [(label, str(hm.instance_type._meta.verbose_name)) for label, hm in models.items()]
        data = self.request.GET.copy()
        if not data.get("model") and choices:
            data["model"] = choices[0][0]
        form = HistoryFilterForm(data, model_choices=choices)
        rows, page_obj = [], None
        if form.is_valid():
            qs = selectors.history_queryset(models[form.cleaned_data["model"]])
            if user := form.cleaned_data["user"]:
                qs = qs.filter(history_user__username__icontains=user)
            if (object_id := form.cleaned_data["object_id"].strip()).isdigit():
                qs = qs.filter(id=int(object_id))
            elif object_id:
                qs = qs.none()
            if since := form.cleaned_data["since"]:
                qs = qs.filter(history_date__date__gte=since)
            if until := form.cleaned_data["until"]:
                qs = qs.filter(history_date__date__lte=until)
            page_obj = Paginator(qs, self.paginate_by).get_page(self.request.GET.get("page"))
            rows = selectors.history_page_rows(page_obj.object_list)
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx.update(form=form, rows=rows, page_obj=page_obj, query=query.urlencode())
        return ctx
