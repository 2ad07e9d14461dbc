from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.generic import DetailView, FormView, TemplateView, UpdateView, View

from accounts.access import Access, AccessMixin, ScopedObjectMixin
from core.forms import add_errors
from core.freshness import fragment_key, query_digest
from members.choices import CadreKind
from members.snapshot import committee_snapshot

from . import selectors, services
from .forms import PICKER_SOURCES, MoveForm, OrganisationForm, StaffingForm, TermRenewalForm, TreeFilterForm
from .models import Organisation, StaffingRecord, TermRenewal


class TreeView(AccessMixin, TemplateView):
    access = Access.READ
    template_name = "branches/organisation_tree.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        form = TreeFilterForm(self.request.GET or None)
        params = form.cleaned_data if form.is_valid() else {}
        root = None
        if self.request.GET.get("root"):
            try:
                root = Organisation.objects.visible_to(user).get(pk=self.request.GET["root"])
            except (Organisation.DoesNotExist, ValueError) as exc:
                raise Http404 from exc
        q = params.get("q", "")
        ctx.update(form=form, root=root, q=q)
        if q:
            ctx["results"] = selectors.organisation_search(user=user, q=q)
        else:
            # Up to 600 rows: the rendered table is kept until the data changes, and the rows
            # are only read when it is not.
            ctx["rows"] = SimpleLazyObject(
                lambda: selectors.organisation_tree(
                    user=user,
                    root=root,
                    levels=params.get("levels") or None,
                    kind=params.get("kind", ""),
                    include_inactive=not params.get("hide_inactive"),
                )
            )
            ctx["rows_key"] = fragment_key("org-tree", user, query_digest(self.request.GET))
            ctx["fragment_seconds"] = settings.FIGURES_CACHE_SECONDS
            if root is not None:
                ctx["ancestors"] = selectors.organisation_ancestors(user=user, organisation=root)
        return ctx


class PickView(AccessMixin, View):
    """The type-ahead organisation picker's search (static/js/org-picker.js): up to
    ``PICK_LIMIT`` organisations of a named source, always within the user's own scope."""

    access = Access.READ
    PICK_LIMIT = 20

    def get(self, request, source):
        if source not in PICKER_SOURCES:
            raise Http404
        q = request.GET.get("q", "").strip()[:50]
        matches = selectors.organisation_search(
            user=request.user, q=q, limit=self.PICK_LIMIT + 1, within=PICKER_SOURCES[source](request.user)
        )
        results = [{"id": org.pk, "name": org.name, "parent": org.parent_name} for org in matches[: self.PICK_LIMIT]]
        return JsonResponse({"results": results, "more": len(matches) > self.PICK_LIMIT})


class OrganisationDetailView(AccessMixin, ScopedObjectMixin, DetailView):
    access = Access.READ
    model = Organisation
    context_object_name = "organisation"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        org = self.object
        user = self.request.user
        ctx["ancestors"] = selectors.organisation_ancestors(user=user, organisation=org)
        ctx["children"] = list(Organisation.objects.get_children(org).visible_to(user))
        ctx["counts"] = selectors.organisation_counts_by_kind(user=user, organisation=org)
        ctx["today"] = timezone.localdate()
        snapshot = committee_snapshot(organisation=org, on=ctx["today"])
        ctx["snapshot"] = snapshot
        ctx["cadre_rows"] = [
            (kind, label, snapshot.cadres[kind]) for kind, label in CadreKind.choices if snapshot.cadres.get(kind)
        ]
        ctx["staffing_records"] = selectors.staffing_records(organisation=org) if org.is_committee else []
        ctx["renewals"] = selectors.organisation_renewals(organisation=org, limit=RENEWALS_SHOWN)
        ctx["can_edit_records"] = user.can_write
        return ctx


RENEWALS_SHOWN = 10


class OrganisationCreateView(AccessMixin, FormView):
    access = Access.STAFF
    form_class = OrganisationForm
    template_name = "branches/organisation_form.html"

    def get_parent(self):
        pk = self.request.GET.get("parent")
        if not pk:
            return None
        try:
            return Organisation.objects.visible_to(self.request.user).get(pk=pk)
        except (Organisation.DoesNotExist, ValueError) as exc:
            raise Http404 from exc

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "parent": self.get_parent(), "creating": True}

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        parent = data.pop("parent", None)
        try:
            org = services.organisation_create(parent=parent, **data)
        except ValidationError as exc:
            add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"已新建组织「{org.name}」。")
        return HttpResponseRedirect(reverse("branches:detail", args=[org.pk]))


class OrganisationUpdateView(AccessMixin, ScopedObjectMixin, UpdateView):
    access = Access.STAFF
    model = Organisation
    form_class = OrganisationForm
    template_name = "branches/organisation_form.html"
    context_object_name = "organisation"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        # The instance already carries the new values; the service validates and saves.
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields if name in form.fields}
        org = Organisation.objects.get(pk=self.object.pk)
        try:
            services.organisation_update(organisation=org, **fields)
        except ValidationError as exc:
            add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "已保存。")
        return HttpResponseRedirect(reverse("branches:detail", args=[org.pk]))


class OrganisationMoveView(AccessMixin, ScopedObjectMixin, FormView):
    access = Access.STAFF
    model = Organisation
    form_class = MoveForm
    template_name = "branches/organisation_move.html"

    def get_organisation(self) -> Organisation:
        return self.get_object()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "organisation": self.get_organisation()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(organisation=self.get_organisation(), **kwargs)

    def form_valid(self, form):
        org = self.get_organisation()
        try:
            services.organisation_move(organisation=org, new_parent=form.cleaned_data["new_parent"])
        except ValidationError as exc:
            add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"已将「{org.name}」移至「{form.cleaned_data['new_parent'].name}」之下。")
        return HttpResponseRedirect(reverse("branches:detail", args=[org.pk]))


class OrganisationActiveView(AccessMixin, ScopedObjectMixin, DetailView):
    """GET shows a confirmation; POST deactivates (with the subtree) or reactivates."""

    access = Access.STAFF
    model = Organisation
    context_object_name = "organisation"
    template_name = "branches/organisation_confirm_active.html"
    activate = False

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["activate"] = self.activate
        ctx["subtree_size"] = Organisation.objects.subtree_of(self.object).filter(active=True).count()
        return ctx

    def post(self, request, *args, **kwargs):
        org = self.get_object()
        try:
            changed = services.organisation_set_active(organisation=org, active=self.activate)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            verb = "恢复" if self.activate else "停用"
            messages.success(request, f"已{verb} {changed} 个组织。")
        return HttpResponseRedirect(reverse("branches:detail", args=[org.pk]))


# --- Staffing (编制) and term renewals (换届): staff anywhere, secretaries in their subtree ---


def _detail_url(organisation_id: int, anchor: str) -> str:
    return reverse("branches:detail", args=[organisation_id]) + anchor


class StaffingCreateView(AccessMixin, ScopedObjectMixin, FormView):
    """A new dated staffing record of a committee, starting from its latest one."""

    access = Access.WRITE
    model = Organisation
    template_name = "branches/staffing_form.html"

    def get_organisation(self) -> Organisation:
        org = self.get_object()
        if not org.is_committee:
            raise Http404("团支部等不设编制。")
        return org

    def get_form(self, form_class=None):
        org = self.get_organisation()
        latest = selectors.staffing_on(organisation=org, day=timezone.localdate())
        initial = {"recorded_on": timezone.localdate()}
        if latest is not None:
            initial.update(report_place=latest.report_place)
        return StaffingForm(**self.get_form_kwargs(), record=latest, initial=initial)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("initial", None)
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(organisation=self.get_organisation(), **kwargs)

    def form_valid(self, form):
        org = self.get_organisation()
        data = form.cleaned_data
        try:
            services.staffing_record_create(
                user=self.request.user,
                organisation=org,
                recorded_on=data["recorded_on"],
                report_place=data["report_place"],
                note=data["note"],
                posts=form.posts(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"已保存{data['recorded_on']:%Y-%m-%d}的编制记录。")
        return HttpResponseRedirect(_detail_url(org.pk, "#staffing"))


class StaffingUpdateView(AccessMixin, ScopedObjectMixin, FormView):
    access = Access.WRITE
    model = StaffingRecord
    template_name = "branches/staffing_form.html"

    def get_queryset(self):
        return super().get_queryset().select_related("organisation").prefetch_related("posts")

    def get_form(self, form_class=None):
        record = self.get_object()
        initial = {"recorded_on": record.recorded_on, "report_place": record.report_place, "note": record.note}
        return StaffingForm(**self.get_form_kwargs(), record=record, initial=initial)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("initial", None)
        return kwargs

    def get_context_data(self, **kwargs):
        record = self.get_object()
        return super().get_context_data(organisation=record.organisation, record=record, **kwargs)

    def form_valid(self, form):
        record = self.get_object()
        data = form.cleaned_data
        try:
            services.staffing_record_update(
                user=self.request.user,
                record=record,
                recorded_on=data["recorded_on"],
                report_place=data["report_place"],
                note=data["note"],
                posts=form.posts(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "已保存编制记录。")
        return HttpResponseRedirect(_detail_url(record.organisation_id, "#staffing"))


class _RecordDeleteView(AccessMixin, ScopedObjectMixin, DetailView):
    """GET asks to confirm; POST deletes the dated record through its service (history stays)."""

    access = Access.WRITE
    context_object_name = "record"
    template_name = "branches/record_confirm_delete.html"
    anchor = ""
    date_field = ""

    def delete(self, record) -> None:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        record = self.get_object()
        self.delete(record)
        day = getattr(record, self.date_field)
        messages.success(request, f"已删除{day:%Y-%m-%d}的{self.extra_context['what']}。")
        return HttpResponseRedirect(_detail_url(record.organisation_id, self.anchor))


class StaffingDeleteView(_RecordDeleteView):
    model = StaffingRecord
    extra_context = {"what": "编制记录"}
    anchor = "#staffing"
    date_field = "recorded_on"

    def delete(self, record) -> None:
        services.staffing_record_delete(user=self.request.user, record=record)


class RenewalCreateView(AccessMixin, ScopedObjectMixin, FormView):
    """Record a renewal held; the organisation's term end moves forward."""

    access = Access.WRITE
    model = Organisation
    template_name = "branches/renewal_form.html"

    def get_form(self, form_class=None):
        org = self.get_object()
        return TermRenewalForm(**self.get_form_kwargs(), organisation=org, instance=TermRenewal(organisation=org))

    def get_context_data(self, **kwargs):
        return super().get_context_data(organisation=self.get_object(), **kwargs)

    def form_valid(self, form):
        org = self.get_object()
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            renewal = services.term_renewal_record(user=self.request.user, organisation=org, **fields)
        except ValidationError as exc:
            add_errors(form, exc)
            return self.form_invalid(form)
        org.refresh_from_db()
        ends = f"，本届任期至{org.term_ends_on:%Y-%m-%d}" if org.term_ends_on else ""
        messages.success(self.request, f"已登记{renewal.held_on:%Y-%m-%d}的换届{ends}。")
        return HttpResponseRedirect(_detail_url(org.pk, "#renewals"))


class RenewalUpdateView(AccessMixin, ScopedObjectMixin, FormView):
    access = Access.WRITE
    model = TermRenewal
    template_name = "branches/renewal_form.html"

    def get_queryset(self):
        return super().get_queryset().select_related("organisation")

    def get_form(self, form_class=None):
        renewal = self.get_object()
        return TermRenewalForm(**self.get_form_kwargs(), organisation=renewal.organisation, instance=renewal)

    def get_context_data(self, **kwargs):
        renewal = self.get_object()
        return super().get_context_data(organisation=renewal.organisation, renewal=renewal, **kwargs)

    def form_valid(self, form):
        renewal = self.get_object()
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.term_renewal_update(user=self.request.user, renewal=renewal, **fields)
        except ValidationError as exc:
            add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "已保存换届记录。")
        return HttpResponseRedirect(_detail_url(renewal.organisation_id, "#renewals"))


class RenewalDeleteView(_RecordDeleteView):
    model = TermRenewal
    extra_context = {"what": "换届记录"}
    anchor = "#renewals"
    date_field = "held_on"

    def delete(self, record) -> None:
        services.term_renewal_delete(user=self.request.user, renewal=record)
