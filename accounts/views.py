"""Account pages: sign-in, sign-out, password change and reset.

Signing in and resetting a forgotten password are public (Django's own views, which
opt out of the login requirement). The pages of a signed-in user's own account declare
``Access.READ``: every role, leadership included, may change their own password.
"""

import logging

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpResponseRedirect

from security.throttle import client_address, throttle_hit

from .access import Access, AccessMixin

logger = logging.getLogger(__name__)


class LogoutView(AccessMixin, auth_views.LogoutView):
    access = Access.READ


class PasswordChangeView(AccessMixin, auth_views.PasswordChangeView):
    access = Access.READ


class PasswordChangeDoneView(AccessMixin, auth_views.PasswordChangeDoneView):
    access = Access.READ


class ResetForm(PasswordResetForm):
    """Django's form, with the portal's word for the address (电子邮箱, as on every page)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "电子邮箱"


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset, throttled per address asked for and per client.

    A throttled request gets the very answer of one that sent a mail, and so does an
    address no account holds: the page never tells whether an account exists.
    """

    form_class = ResetForm
    email_template_name = "emails/password_reset_email.txt"
    subject_template_name = "emails/password_reset_subject.txt"

    def form_valid(self, form):
        window = settings.PASSWORD_RESET_THROTTLE_WINDOW
        # Both counters count every request, so neither limit can be dodged by the other.
        by_address = throttle_hit(
            scope="password-reset-address",
            identity=form.cleaned_data["email"].strip().casefold(),
            limit=settings.PASSWORD_RESET_LIMIT_PER_ADDRESS,
            window=window,
        )
        by_client = throttle_hit(
            scope="password-reset-client",
            identity=client_address(self.request),
            limit=settings.PASSWORD_RESET_LIMIT_PER_CLIENT,
            window=window,
        )
        if by_address and by_client:
            return super().form_valid(form)
        logger.warning(
            "Password reset throttled (%s) from %s",
            "address" if not by_address else "client",
            client_address(self.request),
        )
        return HttpResponseRedirect(self.get_success_url())
