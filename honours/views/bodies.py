"""Conferring bodies (授予单位): committee staff keep the list the honour forms choose from."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from accounts.access import Access, AccessMixin
from core.forms import add_errors

from .. import selectors, services
from ..forms import BodyForm
from ..models import ConferringBody


class BodyListView(AccessMixin, TemplateView):
    access = Access.STAFF
    template_name = "honours/body_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(bodies=selectors.body_list(), **kwargs)


class BodyCreateView(AccessMixin, FormView):
    access = Access.STAFF
    form_class = BodyForm
    template_name = "honours/body_form.html"

    def form_valid(self, form):
        try:
            body = services.body_create(user=self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"已添加授予单位「{body.name}」。")
        return HttpResponseRedirect(reverse("honours:body_list"))


class BodyUpdateView(AccessMixin, FormView):
    access = Access.STAFF
    form_class = BodyForm
    template_name = "honours/body_form.html"

    def get_body(self) -> ConferringBody:
        if not hasattr(self, "_body"):
            self._body = get_object_or_404(ConferringBody, pk=self.kwargs["pk"])
        return self._body

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_body()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(body=self.get_body(), **kwargs)

    def form_valid(self, form):
        try:
            services.body_update(body=self.get_body(), user=self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "已保存。")
        return HttpResponseRedirect(reverse("honours:body_list"))
