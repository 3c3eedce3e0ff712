"""Date entry as clerks type it (issue 17 item 4): rules.dates.read_date, property-tested with hypothesis.

DOMAIN.md: dates are validated at the edge with a Chinese message naming the field; a blank optional date
stays blank (None), never a placeholder date such as 1989-12-31.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from execdesk.rules.dates import read_date
from execdesk.rules.errors import ValidationError

TODAY = date(2026, 11, 25)
dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31))


def _forms(d: date) -> list[str]:
    return [d.isoformat(), f"{d.year}-{d.month}-{d.day}", f"{d.year}.{d.month}.{d.day}", f"{d.year}/{d.month}/{d.day}",
            f"{d:%Y%m%d}", f"{d.year}年{d.month}月{d.day}日", f"{d.year}年{d.month}月{d.day}",
            f" {d.year} - {d.month:02d} - {d.day:02d} "]


@given(dates)
def test_every_written_form_of_a_date_reads_back_as_that_date(d):
    for text in _forms(d):
        assert read_date(text, "立案日期", today=TODAY) == d, text


@given(dates)
def test_full_width_digits_from_an_input_method_read_the_same(d):
    full = str.maketrans("0123456789.-/", "０１２３４５６７８９．－／")
    for text in _forms(d):
        assert read_date(text.translate(full), today=TODAY) == d


@given(st.integers(1, 12), st.integers(1, 31))
def test_month_and_day_without_a_year_are_this_year(month, day):
    try:
        expected = date(TODAY.year, month, day)
    except ValueError:
        with pytest.raises(ValidationError, match="不是存在的日期"):
            read_date(f"{month}月{day}日", "查询日期", today=TODAY)
        return
    for text in (f"{month}月{day}日", f"{month}月{day}", f"{month}-{day}", f"{month}.{day}"):
        assert read_date(text, today=TODAY) == expected


@pytest.mark.parametrize("blank", ["", "   ", None, "\u3000"])
def test_blank_stays_blank(blank):
    assert read_date(blank, today=TODAY) is None


@given(st.text(alphabet="abc!?#xyz年月", min_size=1, max_size=8))
def test_text_that_is_no_date_is_refused_naming_the_field(text):
    with pytest.raises(ValidationError) as info:
        read_date(text, "反馈日期", today=TODAY)
    assert info.value.field == "反馈日期"


def test_impossible_dates_are_refused():
    for text in ("2026-02-29", "20261301", "2月30日", "2026.4.31"):
        with pytest.raises(ValidationError, match="不是存在的日期"):
            read_date(text, today=TODAY)
