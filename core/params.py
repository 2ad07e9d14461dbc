"""Dates, months and years read from a request, range-checked in one place.

Whatever a URL carries was typed by someone. A value outside core.validators' range (1949 to
2100) is refused before any date arithmetic can overflow (the month after 9999-12, the period
before year 1): a bare parameter answers 400 with a Chinese page (``BadParameter``), a filter
form's field shows the error beside the field. Text that is no date at all keeps the page's
default, as before.
"""

import re
from datetime import date

import django_filters
from django import forms
from django.core.exceptions import BadRequest
from django.http import QueryDict

from .validators import EARLIEST_YEAR, LATEST_YEAR, RANGE_TEXT, in_range, validate_date

_DATE = re.compile(r"^\s*(\d+)-(\d{1,2})-(\d{1,2})\s*$")
_MONTH = re.compile(r"^\s*(\d+)-(\d{1,2})\s*$")
_YEAR = re.compile(r"^\s*([+-]?\d+)\s*$")


class BadParameter(BadRequest):
    """A URL parameter out of range; its message is shown on the 400 page."""


def _out_of_range(label: str) -> BadParameter:
    return BadParameter(f"{label}超出范围：只能查询{RANGE_TEXT}之间的日期。")


def _year(text: str, label: str) -> int:
    year = int(text)
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise _out_of_range(label)
    return year


def date_param(query: QueryDict, name: str, *, default: date, label: str = "日期") -> date:
    """``?name=YYYY-MM-DD``; ``default`` when absent or no date. Raises BadParameter out of range."""
    match = _DATE.match(query.get(name, ""))
    if not match:
        return default
    year = _year(match.group(1), label)
    try:
        day = date(year, int(match.group(2)), int(match.group(3)))
    except ValueError:
        return default
    if not in_range(day):
        raise _out_of_range(label)
    return day


def month_param(query: QueryDict, name: str, *, default: date, label: str = "月份") -> date:
    """``?name=YYYY-MM`` as the month's first day; ``default`` when absent or no month."""
    match = _MONTH.match(query.get(name, ""))
    if not match:
        return default
    year = _year(match.group(1), label)
    month = int(match.group(2))
    return date(year, month, 1) if 1 <= month <= 12 else default


def year_param(query: QueryDict, name: str, *, default: int, label: str = "年份") -> int:
    """``?name=YYYY``; ``default`` when absent or no number."""
    match = _YEAR.match(query.get(name, ""))
    if not match:
        return default
    return _year(match.group(1), label)


class BoundedDateField(forms.DateField):
    """A form's date (a filter's or an entry's), refused outside 1949–2100 with a Chinese message."""

    default_validators = [validate_date]


class BoundedDateFilter(django_filters.DateFilter):
    field_class = BoundedDateField
