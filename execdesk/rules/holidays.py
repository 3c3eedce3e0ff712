"""The rest-day calendar used for the end-day roll-over (民诉法 art 85, 民法典 art 203; DOMAIN.md §3.3, R19).

Where a year's schedule comes from, in order of precedence:

1. holiday data delivered later (sync / an administrator) and stored as ``<year>.toml`` in the updates folder
   (``execdesk/services/deadlines.py`` passes ``data_dir()/holidays``);
2. holiday data shipped in ``execdesk/resources/holidays/<year>.toml`` with ``status = "official"``;
3. the ``chinese-calendar`` package for the years it covers (2004–2026 in 1.11, PLATFORM.md);
4. nothing known: weekends only, and every date that depends on that year is marked **provisional**.

A shipped file with ``status = "unknown"`` (2027 as shipped) records that the 国务院办公厅 notice was not available
when this build was made; it does not hide a chinese-calendar year. We never guess holiday dates.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from execdesk.resources import resource_path
from execdesk.rules.errors import ValidationError

SHIPPED_DIR_PARTS = ("holidays",)


@dataclass(frozen=True)
class YearSchedule:
    """One year's official schedule: rest days (法定节假日 and 调休 rest days) and 调休 working weekends."""

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]  # weekends that are working days (调休上班)
    source: str  # e.g. 国务院办公厅关于2026年部分节假日安排的通知 / chinese-calendar 1.11.0
    official: bool = True
    note: str = ""


@dataclass
class HolidayCalendar:
    """Answers "is this a rest day?" and "is that year's schedule known?". Pure data; cheap to query."""

    schedules: dict[int, YearSchedule] = field(default_factory=dict)
    unknown_notes: dict[int, str] = field(default_factory=dict)  # year → why it is not known (shipped "unknown")
    _rest: set[date] = field(default_factory=set, repr=False)
    _work: set[date] = field(default_factory=set, repr=False)
    _known: set[int] = field(default_factory=set, repr=False)

    def __post_init__(self) -> None:
        self._reindex()

    def _reindex(self) -> None:
        self._rest = set()
        self._work = set()
        self._known = set()
        for year, s in self.schedules.items():
            if s.official:
                self._known.add(year)
            self._rest.update(s.holidays)
            self._work.update(s.workdays)

    def with_schedule(self, schedule: YearSchedule) -> HolidayCalendar:
        schedules = dict(self.schedules)
        schedules[schedule.year] = schedule
        notes = {y: n for y, n in self.unknown_notes.items() if y != schedule.year}
        return HolidayCalendar(schedules=schedules, unknown_notes=notes)

    def is_known(self, year: int) -> bool:
        return year in self._known

    def is_rest_day(self, d: date) -> bool:
        """A statutory rest day: a holiday of the schedule, or a weekend that is not a 调休 working day."""
        if d in self._work:
            return False
        if d in self._rest:
            return True
        return d.weekday() >= 5

    def source(self, year: int) -> str:
        s = self.schedules.get(year)
        if s is not None and s.official:
            return s.source
        return self.unknown_notes.get(year) or f"{year}年放假安排未知（仅按周末计算，结果为暂定）"

    def known_years(self) -> list[int]:
        return sorted(self._known)

    def roll_forward(self, d: date) -> tuple[date, bool]:
        """The first working day on or after ``d``, and whether any day looked at is in an unknown year."""
        provisional = not self.is_known(d.year)
        while self.is_rest_day(d):
            d += timedelta(days=1)
            if not self.is_known(d.year):
                provisional = True
        return d, provisional


# ---------------------------------------------------------------- sources


def _chinese_calendar_schedules() -> dict[int, YearSchedule]:
    try:
        import chinese_calendar
        from chinese_calendar import constants
    except ImportError:  # the app still works: those years become provisional, never wrong silently
        return {}
    version = getattr(chinese_calendar, "__version__", "?")
    by_year_rest: dict[int, set[date]] = {}
    by_year_work: dict[int, set[date]] = {}
    for d in constants.holidays:
        by_year_rest.setdefault(d.year, set()).add(d)
    for d in constants.workdays:
        by_year_work.setdefault(d.year, set()).add(d)
    years = set(by_year_rest) | set(by_year_work)
    return {
        y: YearSchedule(year=y, holidays=frozenset(by_year_rest.get(y, ())), workdays=frozenset(by_year_work.get(y, ())),
                        source=f"国务院办公厅{y}年部分节假日安排（chinese-calendar {version}）")
        for y in years
    }


def _parse_date(value, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError(f"“{value}”不是有效日期（应如 2027-01-01）", where) from None


def _expand(values: Iterable, where: str) -> set[date]:
    """Dates, or [first, last] pairs for a run of days."""
    out: set[date] = set()
    for v in values or ():
        if isinstance(v, list | tuple):
            if len(v) != 2:
                raise ValidationError("日期区间应为[起, 止]两项", where)
            a, b = _parse_date(v[0], where), _parse_date(v[1], where)
            if b < a:
                raise ValidationError("区间止日早于起日", where)
            while a <= b:
                out.add(a)
                a += timedelta(days=1)
        else:
            out.add(_parse_date(v, where))
    return out


def parse_schedule(payload: Mapping | str) -> YearSchedule | None:
    """Validate one year's holiday data (a dict, or TOML text). Returns None for ``status = "unknown"``.

    Shape: ``year``, ``status`` ("official" | "unknown"), ``source`` (the notice's title), ``holidays`` (dates or
    [first, last] pairs: every rest day of the holiday periods), ``workdays`` (调休 working weekends).
    Raises ``ValidationError`` with a Chinese message on anything inconsistent; nothing is stored then.
    """
    if isinstance(payload, str):
        try:
            payload = tomllib.loads(payload)
        except tomllib.TOMLDecodeError as exc:
            raise ValidationError(f"节假日数据格式错误：{exc}", "节假日数据") from None
    year = payload.get("year")
    if not isinstance(year, int) or not 1990 <= year <= 2100:
        raise ValidationError("年份应为1990至2100之间的整数", "节假日数据年份")
    status = payload.get("status", "official")
    if status not in ("official", "unknown"):
        raise ValidationError("status 应为 official 或 unknown", "节假日数据状态")
    if status == "unknown":
        return None
    source = str(payload.get("source") or "").strip()
    if not source:
        raise ValidationError("应写明数据来源（通知名称和文号）", "节假日数据来源")
    holidays = _expand(payload.get("holidays", ()), f"{year}年放假日期")
    workdays = _expand(payload.get("workdays", ()), f"{year}年调休上班日期")
    if not holidays:
        raise ValidationError("正式放假安排至少应有一天放假日期", f"{year}年放假日期")
    lo, hi = date(year - 1, 12, 1), date(year + 1, 1, 31)  # a 元旦 调休 may touch the neighbouring year
    for d in holidays | workdays:
        if not lo <= d <= hi:
            raise ValidationError(f"{d.isoformat()}不属于{year}年的放假安排", f"{year}年节假日数据")
    both = holidays & workdays
    if both:
        raise ValidationError(f"{min(both).isoformat()}同时被列为放假日和上班日", f"{year}年节假日数据")
    weekday_work = [d for d in workdays if d.weekday() < 5]
    if weekday_work:
        raise ValidationError(f"{min(weekday_work).isoformat()}是工作日，不需要列为调休上班日", f"{year}年调休上班日期")
    return YearSchedule(year=year, holidays=frozenset(holidays), workdays=frozenset(workdays), source=source,
                        official=True, note=str(payload.get("note") or ""))


def schedule_to_toml(s: YearSchedule) -> str:
    """Serialise a schedule as the TOML this module reads back (no third-party writer needed)."""

    def arr(ds: Iterable[date]) -> str:
        return "[" + ", ".join(f'"{d.isoformat()}"' for d in sorted(ds)) + "]"

    esc = s.source.replace("\\", "\\\\").replace('"', '\\"')
    note = s.note.replace("\\", "\\\\").replace('"', '\\"')
    return (f'year = {s.year}\nstatus = "official"\nsource = "{esc}"\nnote = "{note}"\n'
            f"holidays = {arr(s.holidays)}\nworkdays = {arr(s.workdays)}\n")


def store_schedule_update(directory: Path, payload: Mapping | str) -> YearSchedule:
    """Validate holiday data delivered later (sync or an administrator) and store it as ``<year>.toml``.

    Atomic (write a temp file, then replace). The caller recomputes deadlines afterwards.
    """
    schedule = parse_schedule(payload)
    if schedule is None:
        raise ValidationError("“未知”状态的数据不需要保存", "节假日数据状态")
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{schedule.year}.toml"
    tmp = target.with_suffix(".tmp")
    tmp.write_text(schedule_to_toml(schedule), encoding="utf-8")
    os.replace(tmp, target)
    return schedule


def _read_dir(directory: Path) -> tuple[dict[int, YearSchedule], dict[int, str]]:
    schedules: dict[int, YearSchedule] = {}
    unknown: dict[int, str] = {}
    if not directory.is_dir():
        return schedules, unknown
    for f in sorted(directory.glob("*.toml")):
        if not f.stem.isdigit():
            continue  # statutory.toml and the like are rules about schedules, not schedules
        with f.open("rb") as fh:
            raw = tomllib.load(fh)
        s = parse_schedule(raw)
        if s is None:
            unknown[int(raw["year"])] = str(raw.get("note") or "")
        else:
            schedules[s.year] = s
    return schedules, unknown


def load_calendar(updates_dir: Path | None = None) -> HolidayCalendar:
    """Build the calendar from chinese-calendar, shipped data and delivered updates (highest precedence)."""
    schedules = _chinese_calendar_schedules()
    shipped, unknown = _read_dir(resource_path(*SHIPPED_DIR_PARTS))
    schedules.update(shipped)
    if updates_dir is not None:
        updates, _ = _read_dir(updates_dir)
        schedules.update(updates)
    notes = {y: n for y, n in unknown.items() if y not in schedules}
    return HolidayCalendar(schedules=schedules, unknown_notes=notes)


# ---------------------------------------------------------------- completeness of an official schedule (issue 12)


@dataclass(frozen=True)
class Festival:
    name: str
    days: tuple[date, ...]  # the statutory holiday days of that year


def statutory_holidays(year: int) -> tuple[str, list[Festival]]:
    """The statutory holidays of ``year`` (《全国年节及纪念日放假办法》, edition by year; data in
    resources/holidays/statutory.toml) and the basis. Lunar dates from ``lunardate``, 清明 from chinese-calendar."""
    import warnings

    from lunardate import LunarDate

    from execdesk.resources import load_toml

    editions = [e for e in load_toml("holidays", "statutory.toml")["edition"] if e["from_year"] <= year]
    if not editions:
        raise ValidationError(f"{year}年适用的法定节假日规定未收录", f"{year}年节假日数据")
    edition = max(editions, key=lambda e: e["from_year"])

    def lunar(md: str) -> date:
        with warnings.catch_warnings():  # lunardate renamed toSolarDate; keep working with both
            warnings.simplefilter("ignore", DeprecationWarning)
            if md == "除夕":
                return LunarDate(year, 1, 1).toSolarDate() - timedelta(days=1)
            m, d = (int(x) for x in md.split("-"))
            return LunarDate(year, m, d).toSolarDate()

    out = []
    for fest in edition["festivals"]:
        days: list[date] = []
        days += [date(year, *(int(x) for x in md.split("-"))) for md in fest.get("solar", ())]
        days += [lunar(md) for md in fest.get("lunar", ())]
        if fest.get("solar_term"):
            days.append(_solar_term(year, fest["solar_term"]))
        out.append(Festival(fest["name"], tuple(sorted(days))))
    return edition["basis"], out


def _solar_term(year: int, name: str) -> date:
    from chinese_calendar import get_solar_terms

    hits = [d for d, n in get_solar_terms(date(year, 1, 1), date(year, 12, 31)) if n == name]
    if not hits:
        raise ValidationError(f"无法确定{year}年{name}的日期", f"{year}年节假日数据")
    return hits[0]


def check_complete(schedule: YearSchedule, extra_rest_days: Iterable[date] = ()) -> None:
    """Refuse a schedule that cannot be the whole official one: every statutory holiday of the year must be a
    rest day, and the weekday rest days beyond the statutory ones must be matched one for one by 补假 (a statutory
    holiday on a weekend, art 6) and 调休 working weekend days. ``extra_rest_days``: rest days the State Council
    added by a special decision (2015's 9月3日, 2020's longer 春节), outside that balance. Raises
    ``ValidationError`` naming what is missing."""
    year = schedule.year
    basis, festivals = statutory_holidays(year)
    where = f"{year}年放假安排"
    missing = []
    statutory: set[date] = set()
    for fest in festivals:
        statutory.update(fest.days)
        lacking = [d for d in fest.days if d not in schedule.holidays]
        if lacking:
            missing.append(f"{fest.name}（{'、'.join(d.isoformat() for d in lacking)}）")
    problems = []
    if missing:
        problems.append("缺少法定节假日：" + "、".join(missing))
    extra = set(extra_rest_days)
    weekday_rest = sorted(d for d in schedule.holidays if d.weekday() < 5 and d not in statutory and d not in extra)
    # 补假 owed: a statutory day on a weekend, and a day on which two festivals fall (2020: 中秋 = 国庆 10-01).
    pairs = [d for fest in festivals for d in fest.days]
    makeup = sum(1 for d in pairs if d.weekday() >= 5) + (len(pairs) - len(set(pairs)))
    workdays = sorted(d for d in schedule.workdays)
    if len(weekday_rest) > makeup + len(workdays):
        problems.append(f"工作日放假{len(weekday_rest)}天，法定节假日逢周末补假{makeup}天，"
                        f"应有调休上班日{len(weekday_rest) - makeup}天，只列了{len(workdays)}天：缺少调休上班日")
    elif len(weekday_rest) < makeup + len(workdays):
        owed = makeup + len(workdays) - len(weekday_rest)
        problems.append(f"法定节假日逢周末应补假{makeup}天、调休上班{len(workdays)}天，"
                        f"但工作日放假只有{len(weekday_rest)}天：缺少{owed}天补假或调休放假日")
    if problems:
        raise ValidationError("；".join(problems) + f"（{basis}）。未导入：只有包含当年全部法定节假日及调休上班日"
                              "的完整安排才能作为正式放假安排", where)


def parse_complete_schedule(payload: Mapping | str) -> YearSchedule:
    """``parse_schedule`` plus ``check_complete`` (what ``execdesk holidays import`` accepts as official).
    The optional key ``extra_rest_days`` lists rest days added by a special State Council decision."""
    if isinstance(payload, str):
        try:
            payload = tomllib.loads(payload)
        except tomllib.TOMLDecodeError as exc:
            raise ValidationError(f"节假日数据格式错误：{exc}", "节假日数据") from None
    schedule = parse_schedule(payload)
    if schedule is None:
        raise ValidationError("状态为“未知”（unknown）的数据不是正式放假安排，不能导入", "节假日数据状态")
    extra = _expand(payload.get("extra_rest_days", ()), f"{schedule.year}年特别放假日期")
    if not extra <= schedule.holidays:
        raise ValidationError(f"{min(extra - schedule.holidays).isoformat()}列为特别放假日，但不在放假日期中",
                              f"{schedule.year}年特别放假日期")
    check_complete(schedule, extra)
    return schedule
