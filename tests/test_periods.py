"""Period arithmetic (DOMAIN.md §3.3; R16–R21). Each test names the article it checks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from execdesk.rules.holidays import load_calendar
from execdesk.rules.periods import (
    Interval,
    add_months,
    apply_deductions,
    merge_intervals,
    parse_limit,
    period_end,
    zhongben_floor,
)

CAL = load_calendar()


# ---------------------------------------------------------------- R20: 民法典 art 202, corresponding day


def test_r20_minfadian_202_corresponding_day():
    assert add_months(date(2024, 1, 15), 6) == date(2024, 7, 15)
    assert add_months(date(2024, 8, 20), 6) == date(2025, 2, 20)


def test_r20_minfadian_202_jan31_plus_one_month_is_last_day_of_february():
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)  # leap year
    assert add_months(date(2024, 3, 31), 1) == date(2024, 4, 30)
    assert add_months(date(2024, 8, 31), 6) == date(2025, 2, 28)


def test_r20_minfadian_202_leap_day_plus_a_year():
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2024, 2, 29), 48) == date(2028, 2, 29)


def test_r16_minsufa_85_start_day_not_counted_days_and_months():
    # 民诉法 art 85 / 解释 art 125: counting starts the next day, so N days after day D ends on D + N.
    assert parse_limit("10d").last_day(date(2024, 3, 1)) == date(2024, 3, 11)
    assert parse_limit("1m").last_day(date(2024, 3, 1)) == date(2024, 4, 1)
    assert parse_limit("5y").last_day(date(2024, 2, 29)) == date(2029, 2, 28)
    with pytest.raises(ValueError):
        parse_limit("3 weeks")


# ---------------------------------------------------------------- R19: 民诉法 art 85, 民法典 art 203, holidays


def test_r19_minsufa_85_weekend_rolls_to_monday():
    pe = period_end(date(2024, 1, 15), "6m", CAL)
    assert (pe.nominal, pe.due, pe.rolled_from, pe.provisional) == (date(2024, 7, 15), date(2024, 7, 15), None, False)
    pe = period_end(date(2024, 10, 3), "10d", CAL)  # 2024-10-13 is a Sunday
    assert pe.due == date(2024, 10, 14) and pe.rolled_from == date(2024, 10, 13)


def test_r19_spring_festival_2024_rolls_to_the_tiaoxiu_working_sunday():
    # 2024 春节: 2月10日至17日放假调休, 2月18日（周日）上班 (国务院办公厅通知, via chinese-calendar).
    pe = period_end(date(2024, 2, 2), "10d", CAL)  # last day 2024-02-12, inside the holiday
    assert pe.due == date(2024, 2, 18)
    assert pe.due.weekday() == 6  # a Sunday that is a working day (调休)
    assert pe.rolled_from == date(2024, 2, 12)


def test_r19_national_day_2025_with_tiaoxiu():
    # 2025 国庆、中秋: 10月1日至8日放假调休, 10月11日（周六）上班.
    assert period_end(date(2025, 9, 3), "1m", CAL).due == date(2025, 10, 9)
    sat = period_end(date(2025, 9, 11), "1m", CAL)  # last day 2025-10-11, a Saturday that is a working day
    assert sat.due == date(2025, 10, 11) and sat.rolled_from is None


def test_r19_only_the_last_day_rolls_and_only_forward():
    # A period running through a holiday is not lengthened unless its last day is a rest day.
    pe = period_end(date(2025, 9, 25), "15d", CAL)  # 2025-10-10, Friday after the National Day week
    assert pe.due == date(2025, 10, 10) and pe.rolled_from is None
    for start in (date(2024, 1, 1) + timedelta(days=i) for i in range(0, 366, 7)):
        pe = period_end(start, "1m", CAL)
        assert pe.due >= pe.nominal


def test_r19_2027_unknown_schedule_is_weekends_only_and_provisional():
    assert not CAL.is_known(2027)
    sat = period_end(date(2026, 8, 6), "6m", CAL)  # 2027-02-06 is a Saturday
    assert (sat.due, sat.provisional) == (date(2027, 2, 8), True)
    weekday = period_end(date(2026, 9, 3), "6m", CAL)  # 2027-03-03, a Wednesday: unchanged, but provisional
    assert (weekday.due, weekday.rolled_from, weekday.provisional) == (date(2027, 3, 3), None, True)
    # We never guess: 2027-01-01 is not treated as a holiday until the official schedule is delivered.
    assert period_end(date(2026, 12, 1), "31d", CAL).due == date(2027, 1, 1)


def test_r19_known_year_dates_are_not_provisional_even_next_to_an_unknown_year():
    pe = period_end(date(2026, 12, 1), "30d", CAL)  # 2026-12-31, a Thursday
    assert (pe.due, pe.provisional) == (date(2026, 12, 31), False)
    rolled = period_end(date(2026, 12, 1), "26d", CAL)  # 2026-12-27 Sunday → 12-28 Monday
    assert (rolled.due, rolled.provisional) == (date(2026, 12, 28), False)


# ---------------------------------------------------------------- R1: 终本规定 art 1(4), 民法典 art 1259


def test_r1_zhongben_art1_4_strictly_after_three_months():
    assert zhongben_floor(date(2024, 3, 15)) == date(2024, 6, 16)
    assert zhongben_floor(date(2023, 11, 30)) == date(2024, 3, 1)  # 2024-02-29 is the boundary itself
    assert zhongben_floor(date(2024, 11, 30)) == date(2025, 3, 1)


@settings(deadline=None)
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)))
def test_r1_property_floor_always_after_filing_plus_three_months(filed):
    floor = zhongben_floor(filed)
    assert floor > add_months(filed, 3)
    assert floor > filed + timedelta(days=88)  # three months are at least 89 days
    assert floor == add_months(filed, 3) + timedelta(days=1)


# ---------------------------------------------------------------- R17: 审限规定 art 9, union of deductions


def test_r17_shenxian_9_overlapping_deductions_count_once():
    merged = merge_intervals([(date(2024, 2, 1), date(2024, 3, 11), "评估"),
                              (date(2024, 3, 1), date(2024, 3, 20), "中止")])
    assert merged == [Interval(date(2024, 2, 1), date(2024, 3, 20), ("评估", "中止"))]
    assert merged[0].days == 49


def test_r17_touching_intervals_merge_and_gaps_stay():
    merged = merge_intervals([(date(2024, 1, 1), date(2024, 1, 10)), (date(2024, 1, 11), date(2024, 1, 12)),
                              (date(2024, 1, 20), date(2024, 1, 20))])
    assert [(m.start, m.end, m.days) for m in merged] == [(date(2024, 1, 1), date(2024, 1, 12), 12),
                                                        (date(2024, 1, 20), date(2024, 1, 20), 1)]


def test_r17_domain_worked_example_2024_01_15_to_2024_10_14():
    """DOMAIN.md §3.3: filed 2024-01-15, 6 months → 07-15; 评估 40 d + 拍卖 50 d → 10-13 (Sunday) → 10-14."""
    filed = date(2024, 1, 15)
    nominal = add_months(filed, 6)
    merged = merge_intervals([(date(2024, 2, 1), date(2024, 3, 11), "评估"),  # 40 days
                              (date(2024, 4, 1), date(2024, 5, 20), "拍卖")])  # 50 days
    end, counted = apply_deductions(filed, nominal, merged)
    assert [c.days for c in counted] == [40, 50]
    assert end == date(2024, 10, 13)
    pe = period_end(end, "0d", CAL)
    assert (pe.due, pe.rolled_from) == (date(2024, 10, 14), date(2024, 10, 13))


def test_r17_deduction_after_expiry_does_not_revive_and_before_filing_is_not_counted():
    filed, nominal = date(2024, 1, 15), date(2024, 7, 15)
    late = merge_intervals([(date(2024, 8, 1), date(2024, 8, 31))])
    assert apply_deductions(filed, nominal, late)[0] == nominal
    early = merge_intervals([(date(2024, 1, 10), date(2024, 1, 20))])  # only 01-16..01-20 count
    end, counted = apply_deductions(filed, nominal, early)
    assert counted[0].days == 5 and end == date(2024, 7, 20)
    # A deduction that starts on the last day itself still stops the clock.
    edge = merge_intervals([(date(2024, 7, 15), date(2024, 7, 24))])
    assert apply_deductions(filed, nominal, edge)[0] == date(2024, 7, 25)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 400), st.integers(0, 120)), max_size=6),
       st.tuples(st.integers(0, 400), st.integers(0, 120)))
def test_r17_property_adding_a_deduction_never_makes_the_end_earlier(existing, extra):
    filed = date(2024, 1, 15)
    nominal = add_months(filed, 6)

    def end(spans):
        ivs = [(filed + timedelta(days=a), filed + timedelta(days=a + n)) for a, n in spans]
        return apply_deductions(filed, nominal, merge_intervals(ivs))[0]

    before = end(existing)
    after = end([*existing, extra])
    assert after >= before >= nominal


def _roll(d: date) -> date:
    return period_end(d, "0d", CAL).due


def test_minsufa_85_deduction_starting_on_the_rolled_last_day_stops_the_clock():
    """民诉法 art 85 (§3.3): filed 2024-01-13; nominal last day 2024-07-13 is a Saturday, so the limit runs until
    Monday 07-15. A 中止 from 07-15 to 07-24 (10 days) finds it still running: 07-15 + 10 = 07-25 (Thursday).
    Compared with the nominal day (07-13) it was dropped and the case was 超期 from 07-16."""
    filed, nominal = date(2024, 1, 13), date(2024, 7, 13)
    merged = merge_intervals([(date(2024, 7, 15), date(2024, 7, 24), "中止")])
    end, counted = apply_deductions(filed, nominal, merged, roll=_roll)
    assert end == date(2024, 7, 25) and [c.days for c in counted] == [10]
    # One day later (07-16) the limit had expired on 07-15: not revived, and the reason is kept (issue 12 item 8).
    uncounted = []
    late = merge_intervals([(date(2024, 7, 16), date(2024, 7, 24), "中止")])
    assert apply_deductions(filed, nominal, late, roll=_roll, uncounted=uncounted) == (nominal, [])
    assert [(u.start, u.kinds) for u in uncounted] == [(date(2024, 7, 16), ("中止",))]
    assert "2024-07-15届满" in uncounted[0].reason and "不予扣除" in uncounted[0].reason


def test_shenxian_8_days_before_counting_starts_are_reported_as_not_deducted():
    # 审限规定 art 8: counting starts the day after filing (2024-01-16); of 01-10..01-20 only 01-16..01-20 count.
    uncounted = []
    end, counted = apply_deductions(date(2024, 1, 15), date(2024, 7, 15),
                                    merge_intervals([(date(2024, 1, 10), date(2024, 1, 20), "公告")]),
                                    uncounted=uncounted)
    assert counted[0].days == 5 and end == date(2024, 7, 20)
    assert [(u.start, u.end) for u in uncounted] == [(date(2024, 1, 10), date(2024, 1, 15))]
