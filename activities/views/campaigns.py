from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import FormView, ListView

from accounts.access import Access, AccessMixin
from core.forms import add_errors
from core.review.models import Status

from .. import services
from ..forms import CampaignForm
from ..models import Campaign


class CampaignListView(AccessMixin, ListView):
    access = Access.READ
    template_name = "activities/campaign_list.html"
    context_object_name = "campaigns"
    paginate_by = 50

    def get_queryset(self):
        # Counts of approved records in the user's scope only.
        from ..models import Activity

        # One correlated count per campaign on the page (index activity_campaign_status): a
        # FILTER (id IN (visible ids)) over the join re-reads the whole table per campaign.
        approved = (
            Activity.objects.visible_to(self.request.user)
            .filter(status=Status.APPROVED, campaign=OuterRef("pk"))
            .order_by()
            .values("campaign")
            .annotate(n=Count("*"))  # COUNT(*): an index-only scan, no row is read
            .values("n")
        )
        return Campaign.objects.annotate(approved=Coalesce(Subquery(approved), 0)).order_by("-start_date", "name")


class CampaignCreateView(AccessMixin, FormView):
    access = Access.STAFF
    form_class = CampaignForm
    template_name = "activities/campaign_form.html"

    def form_valid(self, form):
        try:
            campaign = services.campaign_create(user=self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"已新建主题活动「{campaign.name}」。")
        return HttpResponseRedirect(reverse("activities:campaigns"))


class CampaignUpdateView(AccessMixin, FormView):
    access = Access.STAFF
    form_class = CampaignForm
    template_name = "activities/campaign_form.html"

    def get_campaign(self) -> Campaign:
        if not hasattr(self, "_campaign"):
            self._campaign = get_object_or_404(Campaign, pk=self.kwargs["pk"])
        return self._campaign

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_campaign()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(campaign=self.get_campaign(), **kwargs)

    def form_valid(self, form):
        try:
            services.campaign_update(campaign=self.get_campaign(), user=self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "已保存。")
        return HttpResponseRedirect(reverse("activities:campaigns"))
