"""Ages and birthdays, counted in the portal's time zone (Asia/Shanghai)."""

from datetime import date

from django.utils import timezone


def today() -> date:
    # TIME_ZONE is Asia/Shanghai: a birthday starts at midnight Beijing time, not UTC.
    return timezone.localdate()


def age_on(birth: date, on: date) -> int:
    """Whole years completed on ``on``. Someone born on 29 February has their birthday
    on 1 March in a common year (they have not yet completed the year on 28 February)."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def years_before(on: date, years: int) -> date:
    """The latest birth date of someone who is at least ``years`` old on ``on``."""
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February in a common year
        return date(on.year - years, 2, 28)


def birthday(birth: date, years: int) -> date:
    """The day someone born on ``birth`` turns ``years`` (29 February → 1 March)."""
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:
        return date(birth.year + years, 3, 1)
