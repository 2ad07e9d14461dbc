"""组织概况: what a committee is on a date (members.snapshot), its recorded counts, and recording one."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.generic import FormView, TemplateView

from accounts.access import Access, AccessMixin
from branches.models import Organisation
from core.exporters import Sheet, write_workbook
from core.forms import add_errors

from ..ages import today
from ..choices import CadreKind
from ..forms import OverviewForm, RecordedCountForm
from ..models import RecordedCount
from ..services.counts import recorded_count_create
from ..snapshot import committee_snapshot

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _rows(snapshots) -> list[tuple]:
    rows = []
    for snapshot in snapshots:
        cadres = snapshot.cadres
        rows.append(
            (
                snapshot.organisation.name,
                snapshot.league_organisations,
                snapshot.branches.value,
                snapshot.organisations.get("brigades", 0),
                snapshot.organisations.get("squadrons", 0),
                snapshot.league_members.value,
                snapshot.league_members.source_label,
                snapshot.young_pioneers.value,
                snapshot.young_pioneers.source_label,
                *[cadres.get(kind, 0) for kind in CadreKind.values],
                snapshot.counsellors,
            )
        )
    return rows


HEADER = [
    "组织",
    "团组织（个）",
    "其中团支部（个）",
    "少先队大队（个）",
    "少先队中队（个）",
    "团员（名）",
    "团员数来源",
    "少先队员（名）",
    "少先队员数来源",
    *[f"{label}团干部（名）" for _, label in CadreKind.choices],
    "少先队辅导员（名）",
]


class OverviewView(AccessMixin, TemplateView):
    """The snapshot of an organisation's subtree and of each organisation directly below it."""

    access = Access.READ
    template_name = "members/overview.html"

    def get(self, request, *args, **kwargs):
        user = request.user
        form = OverviewForm(request.GET or None, user=user)
        if request.GET and not form.is_valid():
            if "organisation" in form.errors:
                raise Http404  # another subtree's organisation, or one that does not exist
            return self.render_to_response(self.get_context_data(form=form))
        data = form.cleaned_data if request.GET else {}
        organisation = data.get("organisation") or _home(user)
        if organisation is None:
            raise Http404
        on = data.get("on") or today()
        children = Organisation.objects.get_children(organisation).visible_to(user)
        snapshots = [committee_snapshot(organisation=organisation, on=on)]
        snapshots += [committee_snapshot(organisation=child, on=on) for child in children if child.numchild]
        if request.GET.get("format") == "xlsx":
            title = f"{organisation.display_name}组织概况（{on:%Y年%-m月%-d日}）"
            data, _ = write_workbook([Sheet("组织概况", HEADER, iter(_rows(snapshots)), widths=[36, *[12] * 13])])
            response = HttpResponse(data, content_type=XLSX)
            response["Content-Disposition"] = content_disposition_header(True, f"{title}.xlsx")
            return response
        counts = RecordedCount.objects.filter(organisation__path__startswith=organisation.path).select_related(
            "organisation", "entered_by"
        )[:50]
        return self.render_to_response(
            self.get_context_data(
                form=form,
                organisation=organisation,
                on=on,
                snapshot=snapshots[0],
                rows=_rows(snapshots),
                header=HEADER,
                recorded=counts,
            )
        )


def _home(user) -> Organisation | None:
    visible = Organisation.objects.visible_to(user)
    return visible.order_by("depth", "path").first()


class RecordedCountCreateView(AccessMixin, FormView):
    access = Access.WRITE
    form_class = RecordedCountForm
    template_name = "members/recorded_count_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"organisation": self.request.GET.get("organisation"), "as_of": today()}

    def form_valid(self, form):
        try:
            count = recorded_count_create(user=self.request.user, request=self.request, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"已记录「{count.organisation.name}」{count.as_of:%Y年%-m月%-d日}的统计数。")
        return HttpResponseRedirect(f"{reverse('members:overview')}?organisation={count.organisation.pk}")
