"""Reporting periods: a week, a month, a quarter, a half year, a year, or any date range.

Dates are calendar dates in the portal's time zone (Asia/Shanghai): callers turn an
aware datetime into a date with ``timezone.localdate`` before asking for a period.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

# The frequencies at which obligations recur (values stored by the obligations app).
WEEK = "week"
MONTH = "month"
QUARTER = "quarter"
HALF_YEAR = "half_year"
YEAR = "year"
FREQUENCIES = (WEEK, MONTH, QUARTER, HALF_YEAR, YEAR)

_QUARTER_NAMES = {1: "一", 2: "二", 3: "三", 4: "四"}


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: date, months: int) -> date:
    """The first day of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("A period cannot end before it starts.")

    @classmethod
    def week(cls, day: date) -> "Period":
        """The week (Monday to Sunday, as the calendar in China runs) containing ``day``."""
        monday = day - timedelta(days=day.weekday())
        return cls(monday, monday + timedelta(days=6))

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        first = date(year, month, 1)
        return cls(first, month_end(first))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> "Period":
        first = date(year, 3 * (quarter - 1) + 1, 1)
        return cls(first, month_end(add_months(first, 2)))

    @classmethod
    def half_year(cls, year: int, half: int) -> "Period":
        return cls(date(year, 1, 1), date(year, 6, 30)) if half == 1 else cls(date(year, 7, 1), date(year, 12, 31))

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(date(year, 1, 1), date(year, 12, 31))

    def months(self) -> list[date]:
        """First days of the months this period touches, in order."""
        result, current = [], month_start(self.start)
        while current <= self.end:
            result.append(current)
            current = add_months(current, 1)
        return result

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        if self.start.weekday() == 0 and self.days == 7:
            iso_year, iso_week, _ = self.start.isocalendar()
            return (
                f"{iso_year}年第{iso_week}周（{self.start.month}月{self.start.day}日—"
                f"{self.end.month}月{self.end.day}日）"
            )
        if self.start.day == 1 and self.end == month_end(self.end):
            if self.start.month == self.end.month and self.start.year == self.end.year:
                return f"{self.start.year}年{self.start.month}月"
            if self.start.year == self.end.year:
                if (self.start.month, self.end.month) == (1, 12):
                    return f"{self.start.year}年"
                if (self.start.month, self.end.month) == (1, 6):
                    return f"{self.start.year}年上半年"
                if (self.start.month, self.end.month) == (7, 12):
                    return f"{self.start.year}年下半年"
                if self.start.month % 3 == 1 and self.end.month == self.start.month + 2:
                    return f"{self.start.year}年第{_QUARTER_NAMES[(self.start.month + 2) // 3]}季度"
                return f"{self.start.year}年{self.start.month}—{self.end.month}月"
        return f"{self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}"


def period_containing(day: date, frequency: str) -> Period:
    """The period of ``frequency`` (week, month, quarter, half year, year) that contains ``day``."""
    if frequency == WEEK:
        return Period.week(day)
    if frequency == MONTH:
        return Period.month(day.year, day.month)
    if frequency == QUARTER:
        return Period.quarter(day.year, (day.month - 1) // 3 + 1)
    if frequency == HALF_YEAR:
        return Period.half_year(day.year, 1 if day.month <= 6 else 2)
    if frequency == YEAR:
        return Period.year(day.year)
    raise ValueError(f"Unknown frequency {frequency!r}")


def period_offset(day: date, frequency: str, offset: int) -> Period:
    """The period ``offset`` steps from the one containing ``day`` (-1: the previous one)."""
    period = period_containing(day, frequency)
    step = 1 if offset > 0 else -1
    for _ in range(abs(offset)):
        period = period_containing(
            period.end + timedelta(days=1) if step > 0 else period.start - timedelta(days=1), frequency
        )
    return period
