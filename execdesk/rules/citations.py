"""Legal citations by edition (R11, DOMAIN.md §2.5): the article valid on a given date, from data.

Article numbers move between editions (终本 basis: 解释第五百一十九条 until 2022-04-09, 第五百一十七条 from
2022-04-10), so no article number is written in code: ``resources/rules/citations.toml`` holds one row per
edition with the day it took effect.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from execdesk.resources import load_toml
from execdesk.rules.dates import chinese_date
from execdesk.rules.errors import ValidationError


@dataclass(frozen=True)
class Citation:
    key: str
    instrument: str  # 《…》 with book-title marks
    article: int
    edition: str
    effective_from: date

    @property
    def article_text(self) -> str:
        """519 → 第五百一十九条."""
        return f"第{article_numeral(self.article)}条"

    @property
    def text(self) -> str:
        return f"{self.instrument}{self.article_text}"


_DIGITS = "零一二三四五六七八九"


def article_numeral(n: int) -> str:
    """An article number in Chinese numerals as statutes write it: 8 → 八, 10 → 十, 15 → 十五, 110 → 一百一十,
    105 → 一百零五, 519 → 五百一十九, 1259 → 一千二百五十九. (No cn2an here: the deadline engine cites articles
    and its bulk recompute must not pay ~0.8 s of import for it.)"""
    if not 0 < n < 10000:
        raise ValueError(f"article number out of range: {n}")
    if 10 <= n < 20:
        return "十" + (_DIGITS[n - 10] if n > 10 else "")
    out = []
    zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, value)
        if d:
            if zero:
                out.append("零")
                zero = False
            out.append(_DIGITS[d] + unit)
        elif out and n:
            zero = True
    return "".join(out)


def _table() -> dict:
    return load_toml("rules", "citations.toml")


def citation(key: str, on: date) -> Citation:
    """The edition of ``key`` in force on ``on`` (the latest edition whose effective date is ≤ on)."""
    table = _table()
    rows = table["citation"].get(key)
    if not rows:
        raise KeyError(key)
    valid = [r for r in rows if r["effective_from"] <= on]
    if not valid:
        first = min(r["effective_from"] for r in rows)
        raise ValidationError(f"{chinese_date(on)}早于该条文最早收录版本的施行日期（{chinese_date(first)}），"
                              "无法确定应引用的条文", "裁定日期")
    row = max(valid, key=lambda r: r["effective_from"])
    return Citation(key=key, instrument=table["instruments"][row["instrument"]], article=row["article"],
                    edition=row["edition"], effective_from=row["effective_from"])


def earliest_citation(key: str) -> Citation:
    """The earliest edition of ``key`` on record (for a date before it)."""
    table = _table()
    row = min(table["citation"][key], key=lambda r: r["effective_from"])
    return Citation(key=key, instrument=table["instruments"][row["instrument"]], article=row["article"],
                    edition=row["edition"], effective_from=row["effective_from"])


def citations_text(keys: list[str], on: date) -> str:
    """Several citations joined the way rulings write them: 《A》第一条、《B》第五百一十七条."""
    return "、".join(citation(k, on).text for k in keys)
