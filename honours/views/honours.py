from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView

from accounts.access import Access, AccessMixin, ScopedObjectMixin
from branches import selectors as branch_selectors
from branches.models import Organisation
from branches.scoping import Scope
from core.forms import add_errors
from core.freshness import cached_figures, query_digest, scoped_key
from core.review.forms import ReturnForm
from members import selectors as member_selectors
from members.models import Member

from .. import rules, selectors, services
from ..forms import CertificateForm, HonourFilterForm, HonourForm, RecipientSearchForm
from ..models import Honour
from .common import AwardReviewView, stored_file_response

SEARCH_LIMIT = 30


class HonourListView(AccessMixin, TemplateView):
    access = Access.READ
    template_name = "honours/honour_list.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        form = HonourFilterForm(self.request.GET or None, user=user)
        if form.is_bound and not form.is_valid():
            qs = Honour.objects.none()
        else:
            filters = form.filters() if form.is_bound else selectors.HonourFilters()
            qs = selectors.honour_list(user=user, filters=filters)
        # Unbounded by paging: kept per user, scope and filter until the data changes.
        key = scoped_key("honours:list", user, query_digest(self.request.GET))
        records, recipients = cached_figures(key, lambda: selectors.list_totals(qs), scope=Scope.of(user))
        paginator = Paginator(qs, self.paginate_by)
        paginator.count = records  # counted above with the recipients, in the same query
        page = paginator.get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx.update(
            form=form,
            page_obj=page,
            honours=page.object_list,
            recipients=recipients,
            query=query.urlencode(),
        )
        return ctx


class HonourDetailView(AccessMixin, ScopedObjectMixin, DetailView):
    access = Access.READ
    model = Honour
    context_object_name = "honour"
    template_name = "honours/honour_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related(
                "organisation",
                "batch",
                "member",
                "recipient_organisation",
                "conferring_body",
                "created_by",
                "submitted_by",
                "reviewed_by",
            )
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        honour, user = self.object, self.request.user
        ctx.update(
            can=rules.honour_permissions(user, honour),
            member_visible=honour.member is not None and rules.reaches(user, honour.member.organisation),
            recipient_org_visible=rules.reaches(user, honour.recipient_organisation),
            history=list(honour.history.select_related("history_user").order_by("-history_date")[:20]),
            return_form=ReturnForm(),
            certificate_form=CertificateForm(),
        )
        return ctx


class _RecipientSearchMixin:
    """The entry page's search: members and organisations in scope, picked by a link."""

    def search_context(self) -> dict:
        user = self.request.user
        search = RecipientSearchForm(self.request.GET or None)
        found_members, found_orgs = [], []
        if search.is_valid() and (q := search.cleaned_data["q"].strip()):
            filters = member_selectors.MemberFilters(name=q)
            found_members = list(
                member_selectors.member_list(user=user, filters=filters)
                .select_related("organisation")
                .order_by("name", "pk")[:SEARCH_LIMIT]
            )
            found_orgs = branch_selectors.organisation_search(user=user, q=q, limit=SEARCH_LIMIT)
        return {"search_form": search, "found_members": found_members, "found_orgs": found_orgs}


class HonourCreateView(AccessMixin, _RecipientSearchMixin, FormView):
    access = Access.WRITE
    form_class = HonourForm
    template_name = "honours/honour_form.html"

    def _scoped_get(self, model, key):
        pk = self.request.GET.get(key)
        if not pk:
            return None
        if not pk.isdigit():
            raise Http404
        obj = model.objects.visible_to(self.request.user).filter(pk=pk).first()
        if obj is None:
            raise Http404
        return obj

    def get_initial(self):
        initial = super().get_initial()
        user = self.request.user
        member = self._scoped_get(Member, "member")
        org = self._scoped_get(Organisation, "recipient_organisation")
        owner = self._scoped_get(Organisation, "organisation")
        if member is not None:
            initial["member"] = member.pk
            self.picked_member = member
        if org is not None:
            initial["recipient_organisation"] = org.pk
        default_owner = owner or getattr(member, "organisation", None) or org or user.organisation
        if default_owner is not None:
            initial["organisation"] = default_owner.pk
        return initial

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(self.search_context())
        form = ctx["form"]
        member = getattr(self, "picked_member", None)
        if member is None and form.is_bound and form.is_valid():
            member = form.cleaned_data.get("member")
        ctx["picked_member"] = member
        return ctx

    def form_valid(self, form):
        action = self.request.POST.get("action", "draft")
        user = self.request.user
        try:
            honour = services.honour_create(
                user=user,
                organisation=form.cleaned_data.get("organisation"),
                certificate=form.cleaned_data.get("certificate"),
                submit=action == "submit",
                approve=action == "approve" and user.is_committee_staff,
                **form.service_fields(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
            return self.form_invalid(form)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or "不能为该组织录入表彰。")
            return self.form_invalid(form)
        messages.success(self.request, f"已登记「{honour.recipient_display}」的“{honour.title}”。")
        return HttpResponseRedirect(reverse("honours:detail", args=[honour.pk]))


class HonourUpdateView(AccessMixin, ScopedObjectMixin, _RecipientSearchMixin, FormView):
    access = Access.WRITE
    model = Honour
    form_class = HonourForm
    template_name = "honours/honour_form.html"

    def get_honour(self) -> Honour:
        honour = self.get_object()
        if not rules.can_edit(self.request.user, honour):
            raise PermissionDenied("该表彰当前不能修改。")
        return honour

    def picked_member(self) -> Member | None:
        picked = self.request.GET.get("member", "")
        if not picked.isdigit():
            return None
        return Member.objects.visible_to(self.request.user).select_related("organisation").filter(pk=picked).first()

    def get_initial(self):
        initial = HonourForm.initial_from(self.get_honour())
        if (member := self.picked_member()) is not None:
            initial.update(member=member.pk, recipient_name="", recipient_organisation=None)
        elif self.request.GET.get("clear") == "1":
            # The member is a hidden field: without a script, this link is how it is let go.
            initial.update(member=None, recipient_organisation=None)
        return initial

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": self.get_honour()}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(self.search_context())
        honour = self.get_honour()
        form = ctx["form"]
        member = form.cleaned_data.get("member") if form.is_bound and hasattr(form, "cleaned_data") else None
        cleared = self.request.GET.get("clear") == "1"
        ctx.update(honour=honour, picked_member=member or self.picked_member() or (None if cleared else honour.member))
        return ctx

    def form_valid(self, form):
        honour = self.get_honour()
        try:
            services.honour_update(
                honour=honour,
                user=self.request.user,
                organisation=form.cleaned_data.get("organisation"),
                certificate=form.cleaned_data.get("certificate"),
                remove_certificate=form.cleaned_data.get("remove_certificate", False),
                submit=self.request.POST.get("action") == "submit",
                **form.service_fields(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
            return self.form_invalid(form)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or "不能修改这条表彰。")
            return self.form_invalid(form)
        messages.success(self.request, "已保存。")
        return HttpResponseRedirect(reverse("honours:detail", args=[honour.pk]))


class HonourReviewView(AwardReviewView):
    model, workflow, detail_url = Honour, services.honours.REVIEW, "honours:detail"


class HonourDeleteView(AccessMixin, ScopedObjectMixin, View):
    """POST-only: delete a draft or returned honour (review steps: ``AwardReviewView``)."""

    access = Access.WRITE
    model = Honour
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        honour = self.get_object()
        try:
            services.honour_delete(honour=honour, user=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return HttpResponseRedirect(reverse("honours:detail", args=[honour.pk]))
        messages.success(request, "已删除。")
        return HttpResponseRedirect(reverse("honours:list"))


class HonourCertificateView(AccessMixin, ScopedObjectMixin, View):
    """The certificate, served through the user's scope: never a public media URL."""

    access = Access.READ
    model = Honour
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        honour = self.get_object()
        return stored_file_response(
            request,
            honour.certificate,
            original_name=honour.certificate_name or f"证书-{honour.pk}",
            target=f"表彰证书 #{honour.pk} {honour.recipient_display}",
        )


class HonourCertificateUploadView(AccessMixin, ScopedObjectMixin, View):
    """POST: attach, replace or (with remove=1) remove the certificate."""

    access = Access.WRITE
    model = Honour
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        honour = self.get_object()
        form = CertificateForm(request.POST, request.FILES)
        try:
            if request.POST.get("remove") == "1":
                services.honour_set_certificate(honour=honour, user=request.user, remove=True)
                messages.info(request, "已删除证书。")
            elif form.is_valid():
                services.honour_set_certificate(
                    honour=honour, user=request.user, certificate=form.cleaned_data["certificate"]
                )
                messages.success(request, "已上传证书。")
            else:
                messages.error(request, "请选择证书文件。")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return HttpResponseRedirect(reverse("honours:detail", args=[honour.pk]))
