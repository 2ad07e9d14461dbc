"""Account pages: sign-in, sign-out, password change and reset.

Signing in and resetting a forgotten password are public (Django's own views, which
opt out of the login requirement). The pages of a signed-in user's own account declare
``Access.READ``: every role, leadership included, may change their own password.
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.views import View

from security.throttle import client_address, throttle_hit

from . import services
from .access import Access, AccessMixin
from .forms import CodeForm, MobileForm, SmsSetPasswordForm
from .models import User

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


class MobileView(AccessMixin, View):
    """One's own mobile number: enter it, receive a code, enter the code; then it is verified
    and receives SMS reminders and password-reset codes."""

    access = Access.READ
    template_name = "accounts/mobile.html"
    session_key = "mobile_pending"

    def _render(self, request, *, mobile_form=None, code_form=None):
        pending = request.session.get(self.session_key, "")
        return render(
            request,
            self.template_name,
            {
                "mobile_form": mobile_form or MobileForm(),
                "code_form": code_form or CodeForm(),
                "pending": pending,
                "verified": request.user.verified_phone,
            },
        )

    def get(self, request):
        return self._render(request)

    def post(self, request):
        if "code" in request.POST:
            form = CodeForm(request.POST)
            phone = request.session.get(self.session_key, "")
            if form.is_valid() and phone:
                try:
                    services.mobile_verify_finish(user=request.user, phone=phone, code=form.cleaned_data["code"])
                except ValidationError as exc:
                    form.add_error("code", exc)
                else:
                    del request.session[self.session_key]
                    messages.success(request, "手机号码已验证。")
                    return HttpResponseRedirect(reverse("mobile"))
            elif not phone:
                form.add_error(None, "请先获取验证码。")
            return self._render(request, code_form=form)
        form = MobileForm(request.POST)
        if form.is_valid():
            phone = form.cleaned_data["phone"]
            try:
                services.mobile_verify_start(user=request.user, phone=phone, client=client_address(request))
            except ValidationError as exc:
                form.add_error("phone", exc)
            else:
                request.session[self.session_key] = phone
                messages.info(request, "验证码已发送，10分钟内有效。")
                return HttpResponseRedirect(reverse("mobile"))
        return self._render(request, mobile_form=form)


# The answer to every request for a reset code, whatever the number: it never tells whether
# an account has verified it, nor whether the request was throttled.
SMS_RESET_SENT = "如果该号码已在平台验证，验证码已发送到该号码，10分钟内有效。"


@method_decorator(login_not_required, name="dispatch")
class PasswordResetSmsView(AccessMixin, View):
    """Ask for a reset code by SMS (public: no sign-in). Throttled per number and per client."""

    access = Access.PUBLIC
    template_name = "registration/password_reset_sms_form.html"

    def get(self, request):
        return render(request, self.template_name, {"reset_form": MobileForm()})

    def post(self, request):
        form = MobileForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"reset_form": form})
        phone = form.cleaned_data["phone"]
        services.password_reset_sms_start(phone=phone, client=client_address(request))
        request.session[PasswordResetSmsConfirmView.session_key] = phone
        messages.info(request, SMS_RESET_SENT)
        return HttpResponseRedirect(reverse("password_reset_sms_confirm"))


@method_decorator(login_not_required, name="dispatch")
class PasswordResetSmsConfirmView(AccessMixin, View):
    """Enter the texted code and a new password (public)."""

    access = Access.PUBLIC
    template_name = "registration/password_reset_sms_confirm.html"
    session_key = "password_reset_sms_phone"
    success_url = reverse_lazy("password_reset_complete")

    def _phone(self, request) -> str:
        return request.session.get(self.session_key, "")

    def get(self, request):
        if not self._phone(request):
            return HttpResponseRedirect(reverse("password_reset_sms"))
        return render(request, self.template_name, {"reset_form": SmsSetPasswordForm(User())})

    def post(self, request):
        phone = self._phone(request)
        if not phone:
            return HttpResponseRedirect(reverse("password_reset_sms"))
        # Checked against a blank account first: the errors never depend on whose number it is.
        form = SmsSetPasswordForm(User(), request.POST)
        if form.is_valid():
            user = services.password_reset_sms_check(phone=phone, code=form.cleaned_data["code"])
            if user is not None:
                SmsSetPasswordForm(user, request.POST).is_valid()
                user.set_password(form.cleaned_data["new_password1"])
                user.save(update_fields=["password"])
                del request.session[self.session_key]
                logger.info("Password of user %s reset by SMS code", user.pk)
                return HttpResponseRedirect(self.success_url)
            form.add_error("code", "验证码错误或已过期。")
        return render(request, self.template_name, {"reset_form": form})
