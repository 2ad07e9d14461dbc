from datetime import date

import factory

from obligations.models import Frequency, Obligation, Target


class ObligationFactory(factory.django.DjangoModelFactory):
    """A monthly 支委会 for branches unless told otherwise."""

    class Meta:
        model = Obligation

    name = factory.Sequence(lambda n: f"测试要求{n}")
    target = Target.ORGANISATIONS
    organisation_kinds = factory.LazyFunction(lambda: ["branch"])
    activity_kinds = factory.LazyFunction(lambda: ["committee_meeting"])
    frequency = Frequency.MONTH
    min_count = 1
    lead_days = 7
    active_from = date(2020, 1, 1)
