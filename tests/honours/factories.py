from datetime import date

import factory

from core.review.models import Status
from honours.models import CommendationBatch, ConferringBody, Direction, Honour, Level, RecipientKind, counted_on_for


def body(name: str, level: str = Level.DISTRICT, short_name: str = "") -> ConferringBody:
    """The conferring body of that name (made at ``level`` the first time it is named)."""
    found, created = ConferringBody.objects.get_or_create(
        name=name, defaults={"level": level, "short_name": short_name}
    )
    if short_name and not created and found.short_name != short_name:
        found.short_name = short_name
        found.save(update_fields=["short_name"])
    return found


def _body_of(kwargs: dict) -> None:
    # Tests name bodies by their text, as committees do; the row is found or made.
    if isinstance(kwargs.get("conferring_body"), str):
        kwargs["conferring_body"] = body(kwargs["conferring_body"], kwargs.get("level", Level.DISTRICT))


class ConferringBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConferringBody
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试授予单位{n}")
    level = Level.CITY


class BatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommendationBatch

    name = factory.Sequence(lambda n: f"测试表彰名单{n}")
    level = Level.CITY
    conferring_body = "共青团柳州市委员会"
    awarded_on = date(2024, 5, 30)
    year_from = None
    year_to = None
    direction = Direction.RECEIVED
    status = Status.DRAFT
    counted_on = factory.LazyAttribute(
        lambda o: counted_on_for(awarded_on=o.awarded_on, year_to=o.year_to, year_from=o.year_from)
    )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        _body_of(kwargs)
        return super()._create(model_class, *args, **kwargs)


class HonourFactory(factory.django.DjangoModelFactory):
    """An honour written straight to the table (the services are tested on their own).

    Give ``organisation`` (the owner); a named recipient by default, ``recipient_name=""``
    with ``recipient_count`` and ``batch`` for a bare count. ``conferring_body`` may be a
    body's name: the body is found or made at the honour's level.
    """

    class Meta:
        model = Honour

    title = "优秀共青团员"
    level = Level.DISTRICT
    conferring_body = "共青团测试区委员会"
    awarded_on = date(2024, 5, 4)
    year_from = None
    year_to = None
    direction = Direction.RECEIVED
    recipient_kind = RecipientKind.LEAGUE_MEMBER
    recipient_name = factory.Sequence(lambda n: f"获奖人{n}")
    status = Status.APPROVED
    counted_on = factory.LazyAttribute(
        lambda o: counted_on_for(awarded_on=o.awarded_on, year_to=o.year_to, year_from=o.year_from)
    )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        batch = kwargs.get("batch")
        if batch is not None:
            # A list's recipients share its level, body, edition, date, direction and status.
            for name in (
                "level",
                "conferring_body",
                "edition",
                "awarded_on",
                "year_from",
                "year_to",
                "direction",
                "status",
            ):
                kwargs[name] = getattr(batch, name)
            kwargs["counted_on"] = batch.counted_on
        _body_of(kwargs)
        return super()._create(model_class, *args, **kwargs)
