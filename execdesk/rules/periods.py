"""Statutory period arithmetic (DOMAIN.md §3.3; R16–R21).

- 民诉法 art 85 / 民诉法解释 art 125: the day on which a period starts is not counted; counting starts the next
  day. So a period of N days that starts with an event on day D ends on D + N.
- 民法典 art 202 (by analogy): a period of N months ends on the corresponding day of the last month; if that month
  has no such day, on its last day (Jan 31 + 1 month → Feb 28, or Feb 29 in a leap year).
- 民诉法 art 85 / 民法典 art 203: if the last day is a rest day or holiday, the period ends on the next working day
  (调休 working weekends are working days). Only the last day rolls, and only forward.
- 审限规定 art 9: deducted periods are not counted; overlapping deductions count once (the union of intervals).
"""

from __future__ import annotations

import calendar as _cal
import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from execdesk.rules.holidays import HolidayCalendar

ONE_DAY = timedelta(days=1)


@functools.lru_cache(maxsize=65536)
def add_months(d: date, months: int) -> date:
    """The corresponding day ``months`` later, else the last day of that month (民法典 art 202)."""
    m = d.month - 1 + months
    year, month = d.year + m // 12, m % 12 + 1
    last = _cal.monthrange(year, month)[1]
    return date(year, month, min(d.day, last))


@dataclass(frozen=True)
class Limit:
    """A time limit: a number of days or of months (``"10d"``, ``"1m"``, ``"6m"``)."""

    amount: int
    unit: str  # "d" or "m"

    def __str__(self) -> str:
        return f"{self.amount}{'日' if self.unit == 'd' else '个月'}"

    def last_day(self, event_day: date) -> date:
        """Nominal last day of a period started by an event on ``event_day`` (start day not counted)."""
        if self.unit == "m":
            return add_months(event_day, self.amount)
        return event_day + timedelta(days=self.amount)


_LIMIT_RE = re.compile(r"^\s*(\d+)\s*([dmy])\s*$")


@functools.lru_cache(maxsize=256)
def parse_limit(text: str) -> Limit:
    m = _LIMIT_RE.match(str(text))
    if not m:
        raise ValueError(f"bad time limit {text!r}: expected e.g. '10d', '1m', '5y'")
    n, unit = int(m.group(1)), m.group(2)
    if unit == "y":
        return Limit(n * 12, "m")
    return Limit(n, unit)


@dataclass(frozen=True)
class PeriodEnd:
    """A period's last day: ``nominal`` before, ``due`` after the holiday roll-over."""

    nominal: date
    due: date
    provisional: bool  # the holiday schedule of a year looked at is not known (weekends only)

    @property
    def rolled_from(self) -> date | None:
        return self.nominal if self.due != self.nominal else None


class Roller:
    """Memoised roll-over on one calendar (the bulk recompute asks for the same dates over and over)."""

    def __init__(self, calendar: HolidayCalendar):
        self.calendar = calendar
        self._cache: dict[date, PeriodEnd] = {}

    def roll(self, nominal: date) -> PeriodEnd:
        hit = self._cache.get(nominal)
        if hit is None:
            due, provisional = self.calendar.roll_forward(nominal)
            hit = self._cache[nominal] = PeriodEnd(nominal, due, provisional)
        return hit


def period_end(event_day: date, limit: Limit | str, calendar: HolidayCalendar) -> PeriodEnd:
    """Last day of a period started by an event on ``event_day``, rolled past rest days (R16, R19, R20)."""
    if isinstance(limit, str):
        limit = parse_limit(limit)
    due, provisional = calendar.roll_forward(limit.last_day(event_day))
    return PeriodEnd(limit.last_day(event_day), due, provisional)


def zhongben_floor(filed_on: date) -> date:
    """Earliest lawful 终本 ruling date: strictly after filing + 3 months (终本规定 art 1(4); 民法典 art 1259:
    "超过" excludes the boundary). Not rolled: this is a floor for an act of the court, not a party's period."""
    return add_months(filed_on, 3) + ONE_DAY


# ---------------------------------------------------------------- deducted periods (R17)


@dataclass(frozen=True)
class Interval:
    """An inclusive run of calendar days [start, end] with the kinds of deduction that cover it."""

    start: date
    end: date
    kinds: tuple[str, ...] = ()

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def merge_intervals(intervals: Iterable[tuple[date, date, str] | tuple[date, date]]) -> list[Interval]:
    """Union of inclusive intervals: overlapping or touching runs merge, so no day is counted twice."""
    items = sorted((iv[0], iv[1], iv[2] if len(iv) > 2 else "") for iv in intervals)
    out: list[Interval] = []
    for start, end, kind in items:
        if end < start:
            continue
        if out and start <= out[-1].end + ONE_DAY:
            last = out[-1]
            kinds = last.kinds if (not kind or kind in last.kinds) else (*last.kinds, kind)
            out[-1] = Interval(last.start, max(last.end, end), kinds)
        else:
            out.append(Interval(start, end, (kind,) if kind else ()))
    return out


@dataclass(frozen=True)
class CountedDeduction:
    start: date
    end: date
    kinds: tuple[str, ...]
    days: int  # days that actually moved the last day
    open: bool  # still running (ended_on unknown; counted up to today)


@dataclass(frozen=True)
class UncountedDeduction:
    """A recorded deduction (after the union) that does not move the last day, and why (issue 12 item 8)."""

    start: date
    end: date
    kinds: tuple[str, ...]
    reason: str


def apply_deductions(event_day: date, nominal_end: date, merged: list[Interval],
                     running_on: date | None = None, *, roll: Callable[[date], date] | None = None,
                     uncounted: list[UncountedDeduction] | None = None) -> tuple[date, list[CountedDeduction]]:
    """Move the last day of a period by the deducted days that fall inside the running period.

    The clock counts calendar days after ``event_day`` that are not deducted; the period ends when it has
    counted as many days as the undeducted period. ``roll`` (the holiday roll-over) gives the period's real last
    day: a deduction that starts on or before it stops the clock, even when it starts after the nominal last day
    (民诉法 art 85: a period whose last day is a holiday runs until the first working day after it; a 中止 from
    that day on finds the period still running, with the days up to the rolled day still left). A deduction that
    starts after the (moved, rolled) last day does not revive an expired period; days before counting starts are
    not deducted. Those go to ``uncounted`` with the reason. ``running_on`` (today, when a deduction has no end
    yet) marks the interval that is still running (its end was set to today by the caller).
    """
    end = nominal_end
    counted: list[CountedDeduction] = []
    first_counted = event_day + ONE_DAY
    expired_on: date | None = None
    for iv in merged:
        if expired_on is not None:
            if uncounted is not None:
                uncounted.append(UncountedDeduction(iv.start, iv.end, iv.kinds, _after_expiry(iv.start, expired_on)))
            continue
        start = max(iv.start, first_counted)
        if iv.end < start:
            if uncounted is not None:
                uncounted.append(UncountedDeduction(iv.start, iv.end, iv.kinds,
                                                    f"在期间起算日{first_counted.isoformat()}之前，不予扣除"))
            continue
        if start > end:
            last = roll(end) if roll is not None else end
            if start > last:
                expired_on = last
                if uncounted is not None:
                    uncounted.append(UncountedDeduction(iv.start, iv.end, iv.kinds, _after_expiry(iv.start, last)))
                continue
            end = last  # started on a rolled-over last day: the period was still running (民诉法 art 85)
        if uncounted is not None and iv.start < start:
            uncounted.append(UncountedDeduction(iv.start, start - ONE_DAY, iv.kinds,
                                                f"在期间起算日{first_counted.isoformat()}之前的部分，不予扣除"))
        days = (iv.end - start).days + 1
        end += timedelta(days=days)
        counted.append(CountedDeduction(start, iv.end, iv.kinds, days,
                                        running_on is not None and iv.start <= running_on <= iv.end))
    return end, counted


def _after_expiry(start: date, last: date) -> str:
    return (f"{start.isoformat()}开始，期限已于{last.isoformat()}届满，"
            "已届满的期限不因此恢复计算，不予扣除")
