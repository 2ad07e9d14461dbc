from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views.generic import CreateView, TemplateView, UpdateView

from accounts.access import Access, AccessMixin, ScopedObjectMixin
from core.forms import add_errors
from core.params import year_param

from .. import selectors, services
from ..forms import CohortForm
from ..models import SchoolCohort
from ..models.cohorts import JUNIOR_CEILING


class CohortListView(AccessMixin, TemplateView):
    """团青比 of the graduating classes of one year; schools over the ceiling are flagged."""

    access = Access.READ
    template_name = "members/cohort_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        current = selectors.current_graduation_year()
        year = year_param(self.request.GET, "year", default=current, label="毕业年份")
        rows = selectors.cohort_ratios(user=user, graduation_year=year)
        years = sorted(
            set(SchoolCohort.objects.visible_to(user).values_list("graduation_year", flat=True)) | {current},
            reverse=True,
        )
        ctx.update(
            rows=rows,
            year=year,
            years=years,
            flagged=selectors.schools_over_ceiling(user=user, graduation_year=year),
            ceiling_percent=int(JUNIOR_CEILING * 100),
        )
        return ctx


class CohortFormMixin:
    model = SchoolCohort
    form_class = CohortForm
    template_name = "members/cohort_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            cohort = services.cohort_save(
                cohort=self.object if getattr(self, "object", None) and self.object.pk else None,
                school=data["school"],
                level=data["level"],
                graduation_year=data["graduation_year"],
                student_count=data["student_count"],
                classes=list(data["classes"]),
            )
        except ValidationError as exc:
            add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"已保存「{cohort}」。")
        return HttpResponseRedirect(f"{reverse('members:cohorts')}?year={cohort.graduation_year}")


class CohortCreateView(AccessMixin, CohortFormMixin, CreateView):
    access = Access.WRITE


class CohortUpdateView(AccessMixin, CohortFormMixin, ScopedObjectMixin, UpdateView):
    access = Access.WRITE
