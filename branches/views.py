from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.generic import DetailView, FormView, TemplateView, UpdateView, View

from accounts.access import Access, AccessMixin, ScopedObjectMixin
from core.freshness import fragment_key, query_digest
from members.choices import CadreKind
from members.snapshot import committee_snapshot

from . import selectors, services
from .forms import PICKER_SOURCES, MoveForm, OrganisationForm, TreeFilterForm
from .models import Organisation


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
        snapshot = committee_snapshot(organisation=org, on=timezone.localdate())
        ctx["snapshot"] = snapshot
        ctx["cadre_rows"] = [
            (kind, label, snapshot.cadres[kind]) for kind, label in CadreKind.choices if snapshot.cadres.get(kind)
        ]
        return ctx


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
            _add_errors(form, exc)
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
            _add_errors(form, exc)
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
            _add_errors(form, exc)
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


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
