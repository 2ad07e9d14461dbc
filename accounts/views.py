"""Account pages: sign-in, sign-out, password change and reset.

Signing in and resetting a forgotten password are public (Django's own views, which
opt out of the login requirement). The pages of a signed-in user's own account declare
``Access.READ``: every role, leadership included, may change their own password.
"""

from django.contrib.auth import views as auth_views

from .access import Access, AccessMixin


class LogoutView(AccessMixin, auth_views.LogoutView):
    access = Access.READ


class PasswordChangeView(AccessMixin, auth_views.PasswordChangeView):
    access = Access.READ


class PasswordChangeDoneView(AccessMixin, auth_views.PasswordChangeDoneView):
    access = Access.READ


class PasswordResetView(auth_views.PasswordResetView):
    email_template_name = "emails/password_reset_email.txt"
    subject_template_name = "emails/password_reset_subject.txt"
