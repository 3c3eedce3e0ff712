"""The rest-day calendar (R19): chinese-calendar years, shipped data, unknown years, later updates."""

from __future__ import annotations

from datetime import date

import pytest

from execdesk.rules.errors import ValidationError
from execdesk.rules.holidays import load_calendar, parse_schedule, schedule_to_toml, store_schedule_update

# Test data only: a made-up schedule for a far-away year, so nothing here can be mistaken for an official one.
FAKE_2031 = {
    "year": 2031, "status": "official", "source": "测试用放假安排（虚构）",
    "holidays": ["2031-01-01", ["2031-01-22", "2031-01-28"]],
    "workdays": ["2031-01-19", "2031-02-08"],
}


def test_r19_chinese_calendar_years_are_known_and_official():
    cal = load_calendar()
    assert cal.is_known(2024) and cal.is_known(2026)
    assert "2026" in cal.source(2026)
    assert cal.is_rest_day(date(2026, 10, 5))  # 国庆
    assert not cal.is_rest_day(date(2026, 10, 10))  # Saturday 调休上班
    assert not cal.is_rest_day(date(2026, 2, 14))  # Saturday 调休上班 before 春节
    assert cal.is_rest_day(date(2026, 2, 23))  # Monday, last day of the 2026 春节 break
    assert not cal.is_rest_day(date(2026, 11, 25))  # an ordinary Wednesday


def test_r19_2027_shipped_as_unknown_says_so():
    cal = load_calendar()
    assert not cal.is_known(2027)
    assert "暂定" in cal.source(2027)
    assert cal.roll_forward(date(2027, 5, 3)) == (date(2027, 5, 3), True)  # Monday: no guess, but provisional
    assert cal.roll_forward(date(2027, 5, 1)) == (date(2027, 5, 3), True)  # Saturday → Monday
    # A year nobody has data for at all: weekends only, never a crash.
    assert cal.roll_forward(date(2040, 6, 2)) == (date(2040, 6, 4), True)


def test_r19_update_delivered_later_makes_a_year_official(tmp_path):
    store_schedule_update(tmp_path, FAKE_2031)
    cal = load_calendar(tmp_path)
    assert cal.is_known(2031)
    assert cal.source(2031) == "测试用放假安排（虚构）"
    assert cal.roll_forward(date(2031, 1, 22)) == (date(2031, 1, 29), False)
    assert not cal.is_rest_day(date(2031, 2, 8))  # a Saturday made a working day
    assert (tmp_path / "2031.toml").exists()


def test_r19_update_round_trips_through_toml():
    s = parse_schedule(FAKE_2031)
    again = parse_schedule(schedule_to_toml(s))
    assert again == s


@pytest.mark.parametrize("change, field", [
    ({"year": 1800}, "节假日数据年份"),
    ({"status": "maybe"}, "节假日数据状态"),
    ({"source": ""}, "节假日数据来源"),
    ({"holidays": []}, "2031年放假日期"),
    ({"holidays": ["2031-13-01"]}, "2031年放假日期"),
    ({"holidays": ["2033-05-01"]}, "2031年节假日数据"),
    ({"workdays": ["2031-01-22"]}, "2031年节假日数据"),  # both rest and work
    ({"workdays": ["2031-02-05"]}, "2031年调休上班日期"),  # a Wednesday needs no 调休
])
def test_r19_bad_holiday_data_is_refused_with_the_field_named(tmp_path, change, field):
    payload = {**FAKE_2031, **change}
    with pytest.raises(ValidationError) as exc:
        store_schedule_update(tmp_path, payload)
    assert exc.value.field == field
    assert not list(tmp_path.glob("*.toml"))  # nothing half-written


def test_r19_bad_toml_text_is_refused():
    with pytest.raises(ValidationError):
        parse_schedule("year = [")
