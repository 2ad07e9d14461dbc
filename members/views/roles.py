from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views.generic import DetailView, FormView

from accounts.access import Access, AccessMixin, ScopedObjectMixin
from core.forms import add_errors

from .. import services
from ..forms import CadreForm, CounsellorForm, EndAppointmentForm
from ..models import CadreAppointment, CounsellorAppointment, Member
from .common import error_text


class AppointmentCreateView(AccessMixin, ScopedObjectMixin, FormView):
    """Record a cadre post or a counsellor post held by a member."""

    access = Access.WRITE
    model = Member
    template_name = "members/appointment_form.html"
    role = "cadre"

    def get_form_class(self):
        return CadreForm if self.role == "cadre" else CounsellorForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        title = "登记团干部任职" if self.role == "cadre" else "登记少先队辅导员任职"
        return super().get_context_data(member=self.get_object(), title=title, **kwargs)

    def form_valid(self, form):
        member = self.get_object()
        appoint = services.cadre_appoint if self.role == "cadre" else services.counsellor_appoint
        try:
            appoint(member=member, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "已登记任职。")
        return HttpResponseRedirect(reverse("members:detail", args=[member.pk]))


class AppointmentEndView(AccessMixin, ScopedObjectMixin, DetailView):
    """POST: the appointment ends on the given date. Scoped by the organisation of the post."""

    access = Access.WRITE
    http_method_names = ["post"]
    model = CadreAppointment

    def post(self, request, *args, **kwargs):
        appointment = self.get_object()
        form = EndAppointmentForm(request.POST)
        if not form.is_valid():
            messages.error(request, "请填写有效的离任日期。")
        else:
            try:
                services.appointment_end(appointment=appointment, on=form.cleaned_data["ended_on"])
            except ValidationError as exc:
                messages.error(request, error_text(exc))
            else:
                messages.success(request, "已记录离任。")
        return HttpResponseRedirect(reverse("members:detail", args=[appointment.member_id]))


class CounsellorEndView(AppointmentEndView):
    model = CounsellorAppointment
