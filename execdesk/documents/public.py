"""公开版 (R40; 《最高人民法院关于人民法院在互联网公布裁判文书的规定》法释〔2016〕19号): the ruling as published.

What the rules say, and what this module does:

- art 11(1): a natural person keeps name, sex, date of birth and the county (县、区) of residence; a legal person or
  other organisation keeps its name, 住所地, code, and its 法定代表人's name and title. → The party block is
  printed from the party data with no ID number and the address cut to its county; an entity's line is as served.
- art 10(1)(2): deleted are a natural person's home address, contact numbers, ID number, bank accounts, vehicle
  plates and property-certificate numbers, and a legal person's bank accounts, plates and certificate numbers;
  art 10 ¶2: where deleting would make the text unreadable, "×" replaces part of it. → Exact values from the
  party records first, then patterns over every paragraph (numbers typed into free text): ID numbers, phones,
  account numbers (≥ 10 digits), vehicle plates and certificate numbers become ×; a natural person's address
  quoted in the text keeps its county.
- arts 8(1), 9(1): in 婚姻家庭、继承 disputes the natural persons' names are published as surname + 某.
- 统一社会信用代码 of companies stay (public registry data, art 11(1)).
Nothing else changes: same paragraphs, same order.
"""

from __future__ import annotations

import re
from dataclasses import replace

MASK = "×"
_RESIDENT_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")
_ACCOUNT = re.compile(r"(?<![0-9A-Za-z])\d{10,}(?![0-9A-Za-z])")  # card / account numbers
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领"
_PLATE = re.compile(rf"[{_PROVINCES}][A-HJ-NP-Z][·•]?[A-HJ-NP-Z0-9]{{4,5}}[A-HJ-NP-Z0-9挂学警港澳]")
_CERTIFICATE = re.compile(r"((?:不动产权|房权证|房产证|土地证|国用|产权证|登记证书)[^，。；]{0,12}?第?)(\d{5,})(号?)")
_COUNTY_END = re.compile(r"(?:自治县|自治旗|[区县旗]|市(?!场))")
_FAMILY_CAUSES = ("婚姻", "离婚", "家庭", "抚养", "扶养", "赡养", "继承", "同居", "收养", "探望")


def county_of(address: str | None) -> str:
    """The county-level part of an address: 济南市历下区经十路100号 → 济南市历下区 (art 11(1))."""
    if not address:
        return ""
    head = ""
    for cut in _COUNTY_END.finditer(address[:14]):
        head = address[:cut.end()]
    return head


def mask_address(value: str) -> str:
    """A natural person's address quoted in the text: its county stays, the rest is replaced by ×."""
    head = county_of(value)
    return head + MASK * 4 if head else MASK * 4


def mask_free_text(text: str) -> str:
    text = _RESIDENT_ID.sub(lambda m: MASK * len(m.group(0)), text)
    text = _MOBILE.sub(lambda m: MASK * len(m.group(0)), text)
    text = _LANDLINE.sub(lambda m: MASK * len(m.group(0)), text)
    text = _CERTIFICATE.sub(lambda m: m.group(1) + MASK * len(m.group(2)) + m.group(3), text)
    text = _ACCOUNT.sub(lambda m: MASK * len(m.group(0)), text)
    text = _PLATE.sub(lambda m: MASK * len(m.group(0)), text)
    return text


def mask_text(text: str, known_private: tuple[str, ...]) -> str:
    # Longest first, so an address containing a shorter known value is replaced whole.
    for value in sorted(set(known_private), key=len, reverse=True):
        if _RESIDENT_ID.fullmatch(value) or _MOBILE.fullmatch(value) or _LANDLINE.fullmatch(value):
            replacement = MASK * len(value)
        else:
            replacement = mask_address(value)
        text = text.replace(value, replacement)
    return mask_free_text(text)


def aliases_for(cause: str, parties) -> tuple[tuple[str, str], ...]:
    """Natural persons named surname + 某 in 婚姻家庭、继承 disputes (arts 8(1), 9(1)); 某甲/某乙 when two share a
    surname."""
    if not any(word in (cause or "") for word in _FAMILY_CAUSES):
        return ()
    # Art 8(1) names the 当事人 and their 法定代理人; a 委托诉讼代理人 keeps their name (art 11(2)).
    people = [p.name for p in parties if p.kind == "自然人" and p.name and p.role in ("申请执行人", "被执行人")]
    out: list[tuple[str, str]] = []
    by_surname: dict[str, list[str]] = {}
    for name in dict.fromkeys(people):
        by_surname.setdefault(name[0], []).append(name)
    for surname, names in by_surname.items():
        for n, name in enumerate(names):
            suffix = "某" if len(names) == 1 else "某" + "甲乙丙丁戊己庚辛"[n % 8]
            out.append((name, surname + suffix))
    return tuple(out)


def public_copy(text):
    """The publication copy of a ``RulingText``: the published party block, every other paragraph through the
    masks, aliases applied; the structure is untouched."""
    def m(s: str) -> str:
        s = mask_text(s, text.known_private)
        for name, alias in sorted(text.aliases, key=lambda a: len(a[0]), reverse=True):
            s = s.replace(name, alias)
        return s
    parties = text.public_parties or text.parties
    return replace(text, parties=tuple(m(p) for p in parties), body=tuple(m(p) for p in text.body),
                   operative=tuple(m(p) for p in text.operative))
