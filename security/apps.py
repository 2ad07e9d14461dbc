from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class SecurityConfig(AppConfig):
    name = "security"
    verbose_name = "安全"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import logging as security_logging
        from .middleware import stamp_session

        security_logging.connect_celery_signals()
        user_logged_in.connect(stamp_session, dispatch_uid="security.stamp_session")


class PortalAdminConfig(AdminConfig):
    """The Django admin, entered by committee staff only (see PortalAdminSite)."""

    default_site = "security.admin_site.PortalAdminSite"
