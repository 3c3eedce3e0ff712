"""公开版 (R40, seed 一.4(2) 依法上网): the same ruling with personal data masked and nothing else changed.

Masked: natural persons' ID numbers, addresses (kept to county level), phone numbers and account numbers.
Two passes: first the exact values known from the party records, then patterns as a safety net for numbers
typed into free text (a phone in a 约谈 note, an account in a freeze description). 统一社会信用代码 of
companies are public registry data and stay.
"""

from __future__ import annotations

import re
from dataclasses import replace

from execdesk.documents.ruling import RulingText

MASK = "＊"
_RESIDENT_ID = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[0-9Xx])(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})-?(\d{7,8})(?!\d)")
_ACCOUNT = re.compile(r"(?<![0-9A-Za-z])(\d{6,})(\d{4})(?![0-9A-Za-z])")  # ≥ 10 digits: card / account
_COUNTY = re.compile(r"^(.*?(?:自治县|自治旗|[区县旗]|市(?!场)))")


def mask_id(value: str) -> str:
    """370102199004121281 → 370102＊＊＊＊＊＊＊＊＊＊＊＊ (region kept: the birth date is printed anyway)."""
    return value[:6] + MASK * (len(value) - 6)


def mask_address(value: str) -> str:
    """济南市历下区经十路100号 → 济南市历下区＊＊＊＊ (the county stays; street and number go)."""
    m = _COUNTY.match(value)
    # Prefer the last county-level unit in the first 12 characters (市 then 区).
    head = ""
    for cut in re.finditer(r"(?:自治县|自治旗|[区县旗]|市(?!场))", value[:12]):
        head = value[:cut.end()]
    if not head and m:
        head = m.group(1)
    return head + MASK * 4 if head else MASK * 4


def mask_free_text(text: str) -> str:
    text = _RESIDENT_ID.sub(lambda m: m.group(1) + MASK * 12, text)
    text = _MOBILE.sub(lambda m: m.group(1) + MASK * 4 + m.group(3), text)
    text = _LANDLINE.sub(lambda m: m.group(1) + "-" + MASK * len(m.group(2)), text)
    text = _ACCOUNT.sub(lambda m: MASK * len(m.group(1)) + m.group(2), text)
    return text


def mask_text(text: str, known_private: tuple[str, ...]) -> str:
    # Longest first, so an address containing a shorter known value is replaced whole.
    for value in sorted(set(known_private), key=len, reverse=True):
        if _RESIDENT_ID.fullmatch(value):
            replacement = mask_id(value)
        elif _MOBILE.fullmatch(value) or _LANDLINE.fullmatch(value):
            replacement = mask_free_text(value)
        else:
            replacement = mask_address(value)
        text = text.replace(value, replacement)
    return mask_free_text(text)


def public_copy(text: RulingText) -> RulingText:
    """The publication copy: every paragraph passed through the mask; the structure is untouched."""
    def m(s: str) -> str:
        return mask_text(s, text.known_private)
    return replace(text, parties=tuple(m(p) for p in text.parties), body=tuple(m(p) for p in text.body),
                   operative=tuple(m(p) for p in text.operative))
