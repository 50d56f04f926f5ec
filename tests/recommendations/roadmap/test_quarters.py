from datetime import date

import pytest

from recommendations.roadmap.quarters import add_months, next_quarter, quarter_of


def test_a_february_fiscal_start_puts_march_in_q1():
    quarter = quarter_of(date(2026, 3, 15), 2)

    assert (quarter.number, quarter.start) == (1, date(2026, 2, 1))


def test_a_february_fiscal_start_puts_january_in_q4_of_the_year_it_ends():
    quarter = quarter_of(date(2027, 1, 31), 2)

    assert (quarter.label, quarter.start) == ("FY2027 Q4", date(2026, 11, 1))


def test_a_fiscal_year_is_named_by_the_calendar_year_it_ends_in():
    assert quarter_of(date(2026, 7, 1), 7).label == "FY2027 Q1"
    assert quarter_of(date(2026, 6, 30), 7).label == "FY2026 Q4"


def test_a_january_start_gives_calendar_quarters():
    assert [quarter_of(date(2026, month, 1), 1).label for month in (1, 4, 7, 10, 12)] == [
        "FY2026 Q1",
        "FY2026 Q2",
        "FY2026 Q3",
        "FY2026 Q4",
        "FY2026 Q4",
    ]


@pytest.mark.parametrize("start_month", range(1, 13))
def test_a_fiscal_year_is_four_quarters_of_three_months(start_month):
    year = [add_months(date(2026, start_month, 1), step) for step in range(12)]
    quarters = [quarter_of(day, start_month) for day in year]

    assert [quarter.number for quarter in quarters] == [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]
    assert {quarter.fiscal_year for quarter in quarters} == {quarters[0].fiscal_year}
    assert [quarter.start for quarter in quarters[::3]] == year[::3]


def test_next_quarter_crosses_the_fiscal_year():
    q4 = quarter_of(date(2027, 1, 1), 2)

    assert next_quarter(q4, 2).label == "FY2028 Q1"
    assert next_quarter(q4, 2, -4).label == "FY2026 Q4"


def test_add_months_crosses_years_both_ways():
    assert add_months(date(2026, 11, 1), 3) == date(2027, 2, 1)
    assert add_months(date(2026, 2, 1), -3) == date(2025, 11, 1)


def test_a_month_out_of_range_is_refused():
    with pytest.raises(ValueError, match="1-12"):
        quarter_of(date(2026, 1, 1), 13)
