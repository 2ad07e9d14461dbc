from django.http import Http404
from django.views.generic import TemplateView

from accounts.access import Access, AccessMixin
from branches import selectors as branch_selectors

from .. import selectors
from ..forms import SummaryForm
from ..models import Direction, Level, RecipientKind


class SummaryView(AccessMixin, TemplateView):
    """Honours by level × recipient kind for a subtree and a period, as the report counts them."""

    access = Access.READ
    template_name = "honours/summary.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        form = SummaryForm(self.request.GET or None, user=user)
        if form.is_bound and not form.is_valid():
            ctx.update(form=form, summary=None)
            return ctx
        if not form.is_bound:
            form = SummaryForm({}, user=user)
            form.is_valid()
        data = form.cleaned_data
        organisation = data.get("organisation")
        if organisation is None:
            roots = branch_selectors.scope_roots(user)
            if not roots:
                raise Http404
            organisation = roots[0]
        direction = data.get("direction") or None
        summary = selectors.honour_summary(
            organisation=organisation, start=data["start"], end=data["end"], direction=direction
        )
        directions = [direction] if direction else list(Direction.values)
        ctx.update(
            form=form,
            summary=summary,
            kinds=RecipientKind.choices,
            tables=[
                {"direction": d, "label": Direction(d).label, "rows": summary.table(direction=d)} for d in directions
            ],
            city_phrase=summary.phrase(level=Level.CITY),
        )
        return ctx
