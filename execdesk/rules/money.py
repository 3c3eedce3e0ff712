"""Money as integer fen (分). Never float. RMB uppercase via cn2an after exact rounding (PLATFORM.md)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from execdesk.rules.errors import ValidationError

MAX_FEN = 10**15  # 10 trillion yuan: any larger figure is a typing error


def parse_amount(value: str | int | Decimal, field: str = "金额", *, allow_zero: bool = True) -> int:
    """Parse a yuan amount typed by a person ("12,345.67", "12345.6元", "￥1,000") into integer fen.

    More than two decimals is refused rather than rounded: a clerk who typed 0.005 元 made a mistake.
    """
    if isinstance(value, bool) or isinstance(value, float):
        raise ValidationError("金额必须以文本或Decimal给出，不能是浮点数", field)
    if isinstance(value, int):
        dec = Decimal(value)
    elif isinstance(value, Decimal):
        dec = value
    else:
        text = str(value).strip().replace(",", "").replace("，", "").replace("￥", "").replace("¥", "")
        text = text.removesuffix("元").strip()
        if not text:
            raise ValidationError("不能为空", field)
        try:
            dec = Decimal(text)
        except InvalidOperation:
            raise ValidationError(f"“{value}”不是有效金额，应为数字，最多两位小数", field) from None
    if not dec.is_finite():
        raise ValidationError("不是有效金额", field)
    exponent = dec.as_tuple().exponent  # an int for a finite number ('n', 'N', 'F' only for NaN / infinity)
    if isinstance(exponent, int) and exponent < -2 and dec != dec.quantize(Decimal("0.01")):
        raise ValidationError(f"“{value}”超过两位小数（最小单位为分）", field)
    if dec < 0:
        raise ValidationError("不能为负数", field)
    if dec == 0 and not allow_zero:
        raise ValidationError("必须大于零", field)
    fen = int((dec * 100).to_integral_value(ROUND_HALF_UP))
    if fen > MAX_FEN:
        raise ValidationError("金额过大，请核对", field)
    return fen


def fen_to_decimal(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


def format_yuan(fen: int) -> str:
    """12345678 → '123,456.78'."""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100:,}.{fen % 100:02d}"


def yuan_to_fen_rounded(amount: Decimal) -> int:
    """Round a computed yuan amount (e.g. interest) half-up to whole fen."""
    return int((amount.quantize(Decimal("0.01"), ROUND_HALF_UP) * 100).to_integral_value())


def rmb_uppercase(fen: int) -> str:
    """RMB in capitals as written on court documents: 100000.50 → 人民币壹拾万元伍角."""
    if fen < 0:
        raise ValueError("negative amount")
    if fen == 0:
        return "零元整"
    import cn2an  # imported on first use: it costs ~0.2 s at start-up and only documents need it

    text = cn2an.an2cn(str(fen_to_decimal(fen)), "rmb")
    if fen % 100 == 0 and not text.endswith("整"):
        text += "整"
    return text
