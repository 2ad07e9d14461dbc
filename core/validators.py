"""The plausible bounds of what the portal records, in one place.

Model fields carry these validators, so every path that calls ``full_clean`` (forms, services,
imports, the admin) refuses the same values with the same Chinese message; filter forms and
URL parameters (core.params) use the same date range. No model imports: ``members.idcard``
reads the earliest birth date from here.
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError

# The league's own records begin with the New Democratic Youth League (1949): no activity,
# honour, appointment or rule the portal keeps is older. Nothing is planned past 2100.
EARLIEST_DATE = date(1949, 1, 1)
LATEST_DATE = date(2100, 12, 31)
EARLIEST_YEAR = EARLIEST_DATE.year
LATEST_YEAR = LATEST_DATE.year
# People: the oldest birth date an ID number may carry (GB 11643 numbers begin with 1900).
EARLIEST_BIRTH = date(1900, 1, 1)


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


RANGE_TEXT = f"{chinese_date(EARLIEST_DATE)}至{chinese_date(LATEST_DATE)}"


def in_range(day: date, *, earliest: date = EARLIEST_DATE, latest: date = LATEST_DATE) -> bool:
    if isinstance(day, datetime):
        day = day.date()
    return earliest <= day <= latest


def validate_date(value: date | None) -> None:
    """A date the league's work could carry: from 1949 to 2100."""
    if value is not None and not in_range(value):
        raise ValidationError(f"日期应在{RANGE_TEXT}之间。", code="date_range")


def validate_birth_date(value: date | None) -> None:
    if value is not None and not in_range(value, earliest=EARLIEST_BIRTH):
        raise ValidationError(f"出生日期应不早于{chinese_date(EARLIEST_BIRTH)}。", code="date_range")


def validate_year(value: int | None) -> None:
    if value is not None and not EARLIEST_YEAR <= value <= LATEST_YEAR:
        raise ValidationError(f"年份应在{EARLIEST_YEAR}至{LATEST_YEAR}之间。", code="year_range")
