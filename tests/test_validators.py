"""Validation at the edge (issue 2 §5): 案号 (DOMAIN §3.6, R31), 身份证/信用代码, money, dates.

Random and malformed input must give a clear Chinese ValidationError — never another exception.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from execdesk.rules.case_number import CaseNumber, parse_case_number
from execdesk.rules.dates import chinese_date, chinese_document_date, parse_date
from execdesk.rules.errors import ValidationError
from execdesk.rules.identity import (
    make_credit_code,
    make_resident_id,
    validate_credit_code,
    validate_resident_id,
)
from execdesk.rules.money import format_yuan, parse_amount, rmb_uppercase

CJK = re.compile(r"[\u4e00-\u9fa5]")


# ---------------------------------------------------------------- 案号 (案号规定 arts 2, 3, 9, 10)

@pytest.mark.parametrize("text, expected", [
    ("（2018）鲁0102执123号", CaseNumber(2018, "鲁0102", "执", 123)),
    ("(2018)鲁0102执123号", CaseNumber(2018, "鲁0102", "执", 123)),  # half-width brackets in
    (" （2023） 云2323执恢39号 ", CaseNumber(2023, "云2323", "执恢", 39)),
    ("（2022）新2801行审28号", CaseNumber(2022, "新2801", "行审", 28)),
    ("（2017）甘2901执162号", CaseNumber(2017, "甘2901", "执", 162)),
    ("（２０２４）鲁０１０２执５号", CaseNumber(2024, "鲁0102", "执", 5)),  # full-width digits
])
def test_case_number_parses_real_examples_domain_3_6(text, expected):
    assert parse_case_number(text, today=date(2026, 11, 25)) == expected


def test_case_number_output_is_full_width():
    assert str(parse_case_number("(2018)鲁0102执123号")) == "（2018）鲁0102执123号"


def test_old_style_case_number_is_recognised():
    n = parse_case_number("（2009）鲁0102执字第45号")
    assert n.old_style and n.serial == 45 and str(n) == "（2009）鲁0102执字第45号"


@pytest.mark.parametrize("text, fragment", [
    ("", "不能为空"),
    ("2018鲁0102执123号", "括号"),
    ("（2018）鲁0102执123", "“号”结尾"),
    ("（2018）鲁0102刑123号", "类型代字“刑”"),
    ("（2018）X0102执1号", "格式不正确"),
    ("（2018）鲁0102执0号", "不以0开头"),
    ("（1980）鲁0102执1号", "收案年度"),
])
def test_case_number_rejections_name_the_problem_in_chinese(text, fragment):
    with pytest.raises(ValidationError) as exc:
        parse_case_number(text, today=date(2026, 11, 25))
    assert exc.value.field == "案号"
    assert fragment in str(exc.value)


@settings(max_examples=400)
@given(st.text(max_size=40))
def test_case_number_random_text_never_crashes(text):
    try:
        n = parse_case_number(text)
    except ValidationError as exc:
        assert CJK.search(str(exc))
    else:
        assert parse_case_number(str(n)) == n  # canonical form round-trips


@given(st.integers(1990, 2026), st.sampled_from(["鲁0102", "甘2901", "新2801", "鲁"]),
       st.sampled_from(["执", "执恢", "执保", "执异"]), st.integers(1, 999_999))
def test_case_number_format_parse_round_trip(year, court, type_code, serial):
    n = CaseNumber(year, court, type_code, serial)
    assert parse_case_number(str(n), today=date(2026, 11, 25)) == n


# ---------------------------------------------------------------- identity numbers

def test_resident_id_accepts_valid_and_reports_checksum_errors():
    good = make_resident_id("370102", date(1990, 4, 12), 128)
    assert validate_resident_id(good.lower()) == good.upper()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ValidationError, match="校验位"):
        validate_resident_id(bad)
    with pytest.raises(ValidationError, match="18位"):
        validate_resident_id("37010219900412")
    with pytest.raises(ValidationError, match="出生日期或地区码"):
        from stdnum.cn import ric

        body = "370102" + "19901399" + "001"  # month 13, day 99, with a correct check digit
        validate_resident_id(body + ric.calc_check_digit(body + "0"))


@settings(max_examples=300)
@given(st.text(max_size=25))
def test_identity_validators_random_input_gives_chinese_error(text):
    for fn in (validate_resident_id, validate_credit_code):
        try:
            fn(text)
        except ValidationError as exc:
            assert CJK.search(str(exc))


def test_credit_code_checksum():
    good = make_credit_code("91370102MA3C1234X")
    assert validate_credit_code(good) == good
    with pytest.raises(ValidationError, match="校验位"):
        validate_credit_code(good[:-1] + ("0" if good[-1] != "0" else "1"))


# ---------------------------------------------------------------- money (integer fen, PLATFORM.md cn2an)

@pytest.mark.parametrize("text, fen", [("85000", 8_500_000), ("85,000.50", 8_500_050), ("￥1,234.56元", 123_456),
                                       ("0.01", 1), (Decimal("10.1"), 1010), (7, 700)])
def test_amount_parses_to_exact_fen(text, fen):
    assert parse_amount(text) == fen


@pytest.mark.parametrize("text, fragment", [("12.345", "两位小数"), ("-5", "负数"), ("abc", "不是有效金额"),
                                            ("", "不能为空"), ("1e30", "过大")])
def test_amount_rejections(text, fragment):
    with pytest.raises(ValidationError, match=fragment):
        parse_amount(text)


def test_amount_refuses_float():
    with pytest.raises(ValidationError, match="浮点"):
        parse_amount(0.1)  # type: ignore[arg-type]


@pytest.mark.parametrize("fen, text", [(10_000_050, "壹拾万元伍角"), (12_345, "壹佰贰拾叁元肆角伍分"), (10_000, "壹佰元整"),
                                       (1, "壹分"), (0, "零元整")])
def test_rmb_uppercase(fen, text):
    assert rmb_uppercase(fen) == text


@given(st.integers(0, 10**13))
def test_uppercase_and_figures_agree_for_any_amount(fen):
    up = rmb_uppercase(fen)
    assert CJK.search(up)
    assert format_yuan(fen).replace(",", "") == f"{fen // 100}.{fen % 100:02d}"


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_amount_round_trip_decimal(d):
    assert parse_amount(str(d)) == int(d * 100)


# ---------------------------------------------------------------- dates

def test_document_date_uses_chinese_numerals_with_ling():
    assert chinese_document_date(date(2024, 3, 5)) == "二〇二四年三月五日"
    assert chinese_document_date(date(2023, 12, 31)) == "二〇二三年十二月三十一日"
    assert chinese_document_date(date(2020, 10, 20)) == "二〇二〇年十月二十日"
    assert chinese_date(date(2024, 3, 5)) == "2024年3月5日"


@pytest.mark.parametrize("text", ["2024-03-05", "2024/3/5", "2024.3.5", "2024年3月5日", "20240305"])
def test_parse_date_accepts_what_clerks_type(text):
    assert parse_date(text) == date(2024, 3, 5)


@pytest.mark.parametrize("text, fragment", [("2024-02-30", "不是存在的日期"), ("明天", "不是有效日期"), ("", "不能为空")])
def test_parse_date_rejections(text, fragment):
    with pytest.raises(ValidationError, match=fragment):
        parse_date(text, "立案日期")


def test_parse_date_future_refused():
    with pytest.raises(ValidationError, match="不能晚于"):
        parse_date("2026-12-01", "立案日期", not_after=date(2026, 11, 25))


@given(st.text(max_size=20))
def test_parse_date_random_text(text):
    try:
        parse_date(text)
    except ValidationError as exc:
        assert CJK.search(str(exc))
