from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views import View

from accounts.access import Access, AccessMixin, ScopedObjectMixin

from . import services
from .services import APPROVE, RETURN, SUBMIT, WITHDRAW, Workflow


class ReviewActionView(AccessMixin, ScopedObjectMixin, View):
    """POST-only: one review step (``action``: submit, withdraw, approve, return) on one record
    in the user's scope. An app's URLs give ``model``, ``workflow`` and ``action``; subclasses say
    what the user is told and where they land."""

    access = Access.WRITE
    http_method_names = ["post"]
    workflow: Workflow | None = None
    action = ""
    detail_url = ""  # the record's page, a URL name taking its pk
    done: dict[str, tuple[int, str]] = {}  # action -> (message level, text formatted with record=)

    def post(self, request, *args, **kwargs):
        record = self.get_object()
        try:
            self.transition(record)
        except ValidationError as exc:
            messages.error(request, self.error_message(exc))
        else:
            messages.add_message(request, *self.done_message(record))
        return HttpResponseRedirect(self.get_success_url(record))

    def transition(self, record) -> None:
        user, workflow = self.request.user, self.workflow
        if self.action == SUBMIT:
            services.review_submit(workflow=workflow, record=record, user=user)
        elif self.action == WITHDRAW:
            services.review_withdraw(workflow=workflow, record=record, user=user)
        elif self.action == APPROVE:
            services.review_approve(workflow=workflow, record=record, reviewer=user)
        elif self.action == RETURN:
            comment = self.request.POST.get("comment", "")
            services.review_return(workflow=workflow, record=record, reviewer=user, comment=comment)
        else:  # pragma: no cover - the URLconf names every action
            raise ValueError(f"Unknown review action {self.action!r}")

    def error_message(self, exc: ValidationError) -> str:
        return "；".join(exc.messages)

    def done_message(self, record) -> tuple[int, str]:
        level, text = self.done[self.action]
        return level, text.format(record=record)

    def get_success_url(self, record) -> str:
        return reverse(self.detail_url, args=[record.pk])
