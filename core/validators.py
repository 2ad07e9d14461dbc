"""The plausible bounds of what the portal records, in one place.

Model fields carry these validators, so every path that calls ``full_clean`` (forms, services,
imports, the admin) refuses the same values with the same Chinese message; filter forms and
URL parameters (core.params) use the same date range. No model imports: ``members.idcard``
reads the earliest birth date from here.
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator

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


# --- Counts and amounts on one record ---------------------------------------------------------
# Generous for a district or a city (the seed's largest figure, 11,560 pioneers, spans twenty
# activities), far below what a slipped finger types.
MAX_PARTICIPANTS = 100_000  # persons at one activity
MAX_PERSON_TIMES = 1_000_000  # person-times at one activity (at most a year long)
MAX_SESSIONS = 10_000  # sessions one record of a series stands for (a year of daily 场 in 27 places)
MAX_HOURS = 1000  # study hours on one record, or demanded in one period
MAX_INDICATOR_VALUE = 100_000_000  # one indicator value (reads, yuan, person-times)
MAX_RECIPIENTS = 100_000  # recipients counted in one honour row
MAX_STUDENTS = 10_000  # students in one school's graduating year

# --- Texts -------------------------------------------------------------------------------------
SUMMARY_LENGTH = 5000  # an activity's summary: a long news item, not a document
DESCRIPTION_LENGTH = 2000  # notes and descriptions
COMMENT_LENGTH = 1000  # a reviewer's comment


def at_most(limit: int, what: str, unit: str = "") -> MaxValueValidator:
    """``what`` may not exceed ``limit`` (a Chinese message naming both)."""
    return MaxValueValidator(limit, message=f"{what}不能超过{limit}{unit}。")


def max_chars(limit: int) -> MaxLengthValidator:
    """A text's length on the model, for TextFields (Django checks their max_length in forms only)."""
    return MaxLengthValidator(limit, message=f"不能超过{limit}个字（现有 %(show_value)d 个字）。")
