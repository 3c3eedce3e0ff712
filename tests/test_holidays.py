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


# ---------------------------------------------------------------- issue 12: a year is official only when complete


def _year(y):
    from chinese_calendar import constants

    from execdesk.rules.holidays import YearSchedule

    return YearSchedule(y, frozenset(d for d in constants.holidays if d.year == y),
                        frozenset(d for d in constants.workdays if d.year == y), "chinese-calendar")


@pytest.mark.parametrize("year", [2016, 2019, 2024, 2025, 2026])
def test_fangjia_banfa_2_6_every_official_schedule_on_record_is_complete(year):
    """《全国年节及纪念日放假办法》 art 2 (statutory days; 2025+: 春节 with 除夕, 劳动节 2 days) and art 6 (补假):
    the State Council's real schedules pass — e.g. 2025: 春节 01-28..02-04 has 4 statutory days, 2 weekend days and
    2 more weekdays, balanced by the working Sunday 01-26 and Saturday 02-08."""
    from execdesk.rules.holidays import check_complete

    check_complete(_year(year))


def test_fangjia_banfa_incomplete_year_is_refused_naming_what_is_missing():
    from execdesk.rules.holidays import YearSchedule, check_complete

    full = _year(2025)
    # Drop 中秋 (2025-10-06) and the 调休 working Saturday 2025-10-11.
    cut = YearSchedule(2025, full.holidays - {date(2025, 10, 6)}, full.workdays - {date(2025, 10, 11)}, "x")
    with pytest.raises(ValidationError) as exc:
        check_complete(cut)
    msg = str(exc.value)
    assert "缺少法定节假日：中秋节（2025-10-06）" in msg and "缺少调休上班日" in msg and exc.value.field == "2025年放假安排"


def test_special_rest_days_by_state_council_decision_are_declared():
    # 2020: 中秋 fell on 国庆 (10-01), one more 补假; and the 春节 break was extended to 02-02 by a special decision,
    # which added 01-31 and cancelled the working Saturday 02-01 that balanced the 调休 rest day 01-30: two weekday
    # rest days outside the 补假/调休 balance — accepted only when the file declares them.
    from execdesk.rules.holidays import parse_complete_schedule, schedule_to_toml

    text = schedule_to_toml(_year(2020))
    with pytest.raises(ValidationError, match="缺少调休上班日"):
        parse_complete_schedule(text)
    assert parse_complete_schedule(text + 'extra_rest_days = ["2020-01-30", "2020-01-31"]\n').year == 2020
