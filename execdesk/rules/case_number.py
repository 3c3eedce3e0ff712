"""案号 (case numbers): parse, validate, format (案号规定 arts 2, 3, 9, 10; DOMAIN.md §3.6, R31).

A 案号 is "（" + year + "）" + court code + type code + serial + "号", e.g. （2018）鲁0102执123号.
Input accepts half-width brackets and stray spaces; output is always full-width. The old pre-2016
style （2009）鲁0102执字第45号 is recognised and reported as old style.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from execdesk.resources import load_toml
from execdesk.rules.errors import ValidationError

FIELD = "案号"

_SHAPE = re.compile(r"^（(\d{4})）([\u4e00-\u9fa5]+?)(\d{0,4})([\u4e00-\u9fa5]{1,3}?)(字第)?(\d+)号$")

_TRANSLATE = str.maketrans({"(": "（", ")": "）", "〔": "（", "〕": "）", "[": "（", "]": "）", "［": "（", "］": "）"})
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def case_types() -> dict[str, dict]:
    return load_toml("case_types.toml")["types"]


def province_prefixes() -> list[str]:
    return load_toml("case_types.toml")["courts"]["province_prefixes"]


@dataclass(frozen=True, order=True)
class CaseNumber:
    year: int
    court_code: str  # 法院代字, e.g. 鲁0102
    type_code: str  # 类型代字, e.g. 执, 执恢
    serial: int
    old_style: bool = False

    def __str__(self) -> str:
        if self.old_style:
            return f"（{self.year}）{self.court_code}{self.type_code}字第{self.serial}号"
        return f"（{self.year}）{self.court_code}{self.type_code}{self.serial}号"

    @property
    def type_name(self) -> str:
        return case_types()[self.type_code]["name"]

    @property
    def limit_months(self) -> int:
        return int(case_types()[self.type_code]["limit_months"])

    @property
    def is_implementation(self) -> bool:
        """执行实施类 (as opposed to 审查类), 立案结案意见 art 1."""
        return case_types()[self.type_code]["class"] == "实施"


def normalize(text: str) -> str:
    return "".join(str(text).split()).translate(_TRANSLATE).translate(_FULLWIDTH_DIGITS)


def parse_case_number(text: str, *, today: date | None = None) -> CaseNumber:
    """Parse and validate; raise ValidationError with a Chinese message naming what is wrong."""
    if text is None or not str(text).strip():
        raise ValidationError("不能为空，格式如（2024）鲁0102执123号", FIELD)
    raw = normalize(text)
    m = _SHAPE.match(raw)
    if m is None:
        if not raw.startswith("（"):
            raise ValidationError(f"“{text}”应以括号中的收案年度开头，格式如（2024）鲁0102执123号", FIELD)
        if not raw.endswith("号"):
            raise ValidationError(f"“{text}”应以“号”结尾，格式如（2024）鲁0102执123号", FIELD)
        raise ValidationError(f"“{text}”格式不正确，应为（年度）法院代字+类型代字+序号+号，如（2024）鲁0102执123号", FIELD)
    year_s, prov, court_digits, type_code, old_marker, serial_s = m.groups()
    old = old_marker is not None
    year = int(year_s)
    this_year = (today or date.today()).year
    if not 1990 <= year <= this_year + 1:
        raise ValidationError(f"收案年度 {year} 不在 1990—{this_year + 1} 之间", FIELD)
    if not court_digits:
        # 高院 itself has no digits: split the Chinese run into province prefix + type code.
        run = prov + type_code
        for pre in sorted(province_prefixes(), key=len, reverse=True):
            if run.startswith(pre) and len(run) > len(pre):
                prov, type_code = pre, run[len(pre):]
                break
    if prov not in province_prefixes():
        raise ValidationError(f"法院代字的省级简称“{prov}”不在代字表中", FIELD)
    court_code = prov + court_digits
    types = case_types()
    if type_code not in types:
        known = "、".join(types)
        raise ValidationError(f"类型代字“{type_code}”不在代字表中（可用：{known}）", FIELD)
    serial = int(serial_s)
    if serial <= 0 or serial_s.startswith("0"):
        raise ValidationError(f"案件编号“{serial_s}”应为不以0开头的正整数", FIELD)
    if serial > 999_999:
        raise ValidationError(f"案件编号 {serial} 过大", FIELD)
    return CaseNumber(year, court_code, type_code, serial, old)


def format_case_number(text: str) -> str:
    """Validate and return the canonical full-width form."""
    return str(parse_case_number(text))
