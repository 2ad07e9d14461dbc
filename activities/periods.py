"""Reporting periods: a month, a quarter, a half year, a year, or any date range."""

import calendar
from dataclasses import dataclass
from datetime import date


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
    def label(self) -> str:
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
                return f"{self.start.year}年{self.start.month}—{self.end.month}月"
        return f"{self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}"
