from datetime import date

import factory

from activities.models import Activity, ActivityKind, Audience, Campaign, Dimension, Indicator
from core.review.models import Status


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"测试主题活动{n}")
    dimension = Dimension.UNITE_YOUTH
    start_date = date(2024, 1, 1)
    end_date = date(2024, 12, 31)


class ActivityFactory(factory.django.DjangoModelFactory):
    """An activity; pass ``organisation=``. Defaults to approved, as most records are."""

    class Meta:
        model = Activity

    title = factory.Sequence(lambda n: f"测试活动{n}")
    kind = ActivityKind.THEME_DAY
    dimension = Dimension.UNITE_YOUTH
    start_date = date(2024, 5, 4)
    audience = Audience.MEMBERS_YOUTH
    participants = 20
    summary = "活动简介"
    status = Status.APPROVED


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    code = factory.Sequence(lambda n: f"test_indicator_{n}")
    name = factory.Sequence(lambda n: f"测试指标{n}")
    unit = "次"
    category = "other"
