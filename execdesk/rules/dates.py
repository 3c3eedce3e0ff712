"""Dates as written in documents and accepted from people."""

from __future__ import annotations

import re
from datetime import date

from execdesk.rules.errors import ValidationError

_DIGITS = "〇一二三四五六七八九"


def _small_number(n: int) -> str:
    """1..31 in Chinese numerals as used in dates: 十, 十一, 二十, 二十一, 三十一."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + ("" if ones == 0 else _DIGITS[ones])


def chinese_document_date(d: date) -> str:
    """2024-03-05 → 二〇二四年三月五日 (the signing date of a ruling, with 〇)."""
    year = "".join(_DIGITS[int(c)] for c in f"{d.year:04d}")
    return f"{year}年{_small_number(d.month)}月{_small_number(d.day)}日"


def chinese_date(d: date) -> str:
    """2024-03-05 → 2024年3月5日 (dates inside the text of documents and in the UI)."""
    return f"{d.year}年{d.month}月{d.day}日"


_PATTERNS = [
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
# Without a year (typed in a form: the year is the current one): 3月5日, 3-5, 3.5, 3/5.
_MONTH_DAY = [
    re.compile(r"^(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{1,2})[-./](\d{1,2})$"),
]
# Full-width digits and separators a Chinese input method types: ２０２６．３．５, 2026－03－05, 2026／3／5.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．－／。", "0123456789.-/.")
FORMAT_HINT = "应如 2024-03-05、2024.3.5、20240305、2024年3月5日 或 3月5日"


def normalize_date_text(text: str) -> str:
    """Whitespace removed, full-width digits and separators made half-width."""
    return "".join(str(text or "").split()).translate(_FULL_WIDTH)


def read_date(text: str | date | None, field: str = "日期", *, today: date) -> date | None:
    """A date as a person types it into a form (issue 17 item 4). Blank is None (a blank date stays blank);
    a date without a year (3月5日) is in ``today``'s year; anything else that is not a date raises
    ValidationError naming the field. Pure: no clock is read, ``today`` is passed in."""
    if isinstance(text, date):
        return text
    t = normalize_date_text(text or "")
    if not t:
        return None
    for pat in _MONTH_DAY:
        m = pat.match(t)
        if m:
            try:
                return date(today.year, int(m.group(1)), int(m.group(2)))
            except ValueError:
                raise ValidationError(f"“{text}”不是存在的日期", field) from None
    return parse_date(t, field)


def parse_date(value: str | date, field: str = "日期", *, not_after: date | None = None,
               not_before: date | None = None) -> date:
    if isinstance(value, date):
        d = value
    else:
        text = normalize_date_text(value or "")
        if not text:
            raise ValidationError("不能为空", field)
        for pat in _PATTERNS:
            m = pat.match(text)
            if m:
                try:
                    d = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                except ValueError:
                    raise ValidationError(f"“{value}”不是存在的日期", field) from None
                break
        else:
            raise ValidationError(f"“{value}”不是有效日期，{FORMAT_HINT}", field)
    if d.year < 1990:
        raise ValidationError(f"{chinese_date(d)}早于1990年，请核对", field)
    if not_after is not None and d > not_after:
        raise ValidationError(f"{chinese_date(d)}不能晚于{chinese_date(not_after)}", field)
    if not_before is not None and d < not_before:
        raise ValidationError(f"{chinese_date(d)}不能早于{chinese_date(not_before)}", field)
    return d
