"""身份证 (resident ID) and 统一社会信用代码 (unified social credit code) validation via python-stdnum."""

from __future__ import annotations

import functools
import re
from datetime import date

from stdnum import exceptions as stdnum_exc
from stdnum.cn import ric, uscc

from execdesk.rules.errors import ValidationError

# an 18-character number of plain ASCII letters and digits: stdnum's compact() (which maps Unicode dashes and
# removes separators, char by char — the costliest step for a number that has none) would return it unchanged
_PLAIN = re.compile(r"[0-9A-Za-z]{18}")


def _compact(module, text: str) -> str:
    return text.upper() if _PLAIN.fullmatch(text) else module.compact(text).upper()


def validate_resident_id(text: str, field: str = "身份证号码") -> str:
    """Return the compact 18-character ID (upper-case X) or raise a Chinese ValidationError."""
    if text is None or not str(text).strip():
        raise ValidationError("不能为空", field)
    compact = _compact(ric, str(text))
    if len(compact) != 18:
        raise ValidationError(f"应为18位，实际为{len(compact)}位", field)
    if not compact[:17].isdigit() or not (compact[17].isdigit() or compact[17] == "X"):
        raise ValidationError("前17位应为数字，最后一位为数字或X", field)
    # ric.validate's checks in its order (check digit, birth date, birth place), with the birth-place lookup —
    # a scan of stdnum's region database, most of the cost — cached per region code and year (static data;
    # a 100,000-row 补录 list has a few hundred of them)
    if compact[17] != ric.calc_check_digit(compact):
        raise ValidationError("校验位不正确，请核对号码", field)
    try:
        year = birth_date_from_resident_id(compact).year
    except ValueError:
        raise ValidationError("出生日期或地区码不正确", field) from None
    if not _birth_place_known(compact[:6], year):
        raise ValidationError("出生日期或地区码不正确", field)
    return compact


@functools.lru_cache(maxsize=8192)
def _birth_place_known(region: str, year: int) -> bool:
    """Whether python-stdnum knows the region code as a county in that year (only the region code and the
    birth year of a number are read by ``ric.get_birth_place``)."""
    try:
        ric.get_birth_place(f"{region}{year:04d}01010000")
    except stdnum_exc.ValidationError:
        return False
    return True


def birth_date_from_resident_id(compact: str) -> date:
    """Digits 7–14 of a compact ID (as ``ric.get_birth_date``, without compacting the number again);
    ValueError when they are not a date."""
    return date(int(compact[6:10]), int(compact[10:12]), int(compact[12:14]))


def sex_from_resident_id(compact: str) -> str:
    return "男" if int(compact[16]) % 2 == 1 else "女"


def validate_credit_code(text: str, field: str = "统一社会信用代码") -> str:
    if text is None or not str(text).strip():
        raise ValidationError("不能为空", field)
    compact = _compact(uscc, str(text))
    if len(compact) != 18:
        raise ValidationError(f"应为18位，实际为{len(compact)}位", field)
    try:
        uscc.validate(compact)
    except stdnum_exc.InvalidChecksum:
        raise ValidationError("校验位不正确，请核对代码", field) from None
    except stdnum_exc.ValidationError:
        raise ValidationError("含有不允许的字符或登记管理部门代码不正确", field) from None
    return compact


def make_resident_id(region: str, born: date, sequence: int) -> str:
    """Build a valid-checksum ID (for demo data and tests)."""
    body = f"{region}{born:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum drops the last character


def make_credit_code(body17: str) -> str:
    return body17 + uscc.calc_check_digit(body17)
