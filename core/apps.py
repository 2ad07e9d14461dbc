from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "系统"

    def ready(self):
        from . import freshness

        freshness.connect()
