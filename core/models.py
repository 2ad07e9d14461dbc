from django.db import models
from django.utils import timezone


class Heartbeat(models.Model):
    """When a periodic task last ran: proves the worker and beat work together."""

    name = models.CharField("名称", max_length=64, unique=True)
    last_seen = models.DateTimeField("最近一次运行")
    count = models.PositiveBigIntegerField("运行次数", default=0)

    class Meta:
        verbose_name = "心跳"
        verbose_name_plural = "心跳"

    def __str__(self) -> str:
        return self.name

    @property
    def age_seconds(self) -> float:
        return (timezone.now() - self.last_seen).total_seconds()
