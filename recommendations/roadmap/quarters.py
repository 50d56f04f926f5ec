"""Fiscal quarters, pure: no ORM, no clock.

A quarter is named by the fiscal year it belongs to and its number (1-4). A fiscal year is named
by the calendar year in which it *ends* (the usual convention: a year starting July 2026 is
FY2027); a year starting in January is the calendar year. A recommendation stores the first day
of its target quarter; reading it through `quarter_of` keeps every page right even after the
client's fiscal-year start changes.
"""

from dataclasses import dataclass
from datetime import date

from django.utils import dateformat
from django.utils.translation import gettext


@dataclass(frozen=True, order=True)
class Quarter:
    start: date  # the first day of the quarter's first month
    fiscal_year: int
    number: int

    @property
    def label(self) -> str:
        return f"FY{self.fiscal_year} Q{self.number}"

    @property
    def display_label(self) -> str:
        """The label as the pages show it, in the reader's language (`label` stays the record's)."""
        return gettext("FY{year} Q{number}").format(year=self.fiscal_year, number=self.number)

    @property
    def key(self) -> str:
        """The quarter in a form and a URL: its first day."""
        return self.start.isoformat()

    @property
    def months(self) -> str:
        end = add_months(self.start, 2)
        return f"{dateformat.format(self.start, 'M Y')} – {dateformat.format(end, 'M Y')}"


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def quarter_of(day: date, fiscal_start_month: int) -> Quarter:
    """The fiscal quarter holding `day` for a fiscal year starting in `fiscal_start_month`."""
    if not 1 <= fiscal_start_month <= 12:
        raise ValueError(f"fiscal_start_month must be 1-12, not {fiscal_start_month}")
    offset = (day.month - fiscal_start_month) % 12
    start = add_months(date(day.year, day.month, 1), -(offset % 3))
    year_start = add_months(date(day.year, day.month, 1), -offset)
    fiscal_year = year_start.year if fiscal_start_month == 1 else year_start.year + 1
    return Quarter(start=start, fiscal_year=fiscal_year, number=offset // 3 + 1)


def next_quarter(quarter: Quarter, fiscal_start_month: int, steps: int = 1) -> Quarter:
    return quarter_of(add_months(quarter.start, 3 * steps), fiscal_start_month)
