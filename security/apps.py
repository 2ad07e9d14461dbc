from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class SecurityConfig(AppConfig):
    name = "security"
    verbose_name = "安全"

    def ready(self):
        from . import logging as security_logging

        security_logging.connect_celery_signals()


class PortalAdminConfig(AdminConfig):
    """The Django admin, entered by committee staff only (see PortalAdminSite)."""

    default_site = "security.admin_site.PortalAdminSite"
