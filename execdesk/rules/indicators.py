"""执行质效指标 (DOMAIN.md §5.2, R38): measures counted per case, formulas from resources/rules/indicators.toml.

Pure: the service passes plain ``CaseStat`` rows; this module counts the measures per group and evaluates the
configured formulas (sums of measures, a leading "-" subtracts).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from execdesk.resources import load_toml

MEASURES = ("closed", "closed_actual", "closed_actual_in_time", "closed_zhongben", "closed_late", "open_overdue",
            "amount_closed_fen", "amount_actual_fen", "days_to_close")


@dataclass(frozen=True)
class IndicatorDef:
    id: str
    name: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    kind: str  # rate / average / count
    basis: str
    target: float | None = None
    target_rule: str | None = None  # "≥" or "<"
    compare_to: str | None = None  # a table of reference values, e.g. national_average


@dataclass(frozen=True)
class IndicatorConfig:
    actual_methods: tuple[str, ...]
    zhongben_method: str
    indicators: tuple[IndicatorDef, ...]
    references: dict[str, dict[str, float]]


def _terms(raw) -> tuple[str, ...]:
    terms = tuple(raw or ())
    for t in terms:
        if t.lstrip("-") not in MEASURES:
            raise ValueError(f"indicators.toml: unknown measure {t!r}; known: {', '.join(MEASURES)}")
    return terms


def build_config(raw: dict) -> IndicatorConfig:
    defs = tuple(IndicatorDef(id=d["id"], name=d["name"], numerator=_terms(d["numerator"]),
                              denominator=_terms(d.get("denominator")), kind=d.get("kind", "rate"),
                              basis=d.get("basis", ""), target=d.get("target"), target_rule=d.get("target_rule"),
                              compare_to=d.get("compare_to"))
                 for d in raw["indicators"])
    refs = {k: dict(v) for k, v in raw.items() if isinstance(v, dict) and k not in ("indicators",)}
    return IndicatorConfig(actual_methods=tuple(raw.get("actual_methods", ("执行完毕",))),
                           zhongben_method=raw.get("zhongben_method", "终结本次执行程序"), indicators=defs,
                           references=refs)


@functools.cache
def load_config() -> IndicatorConfig:
    return build_config(load_toml("rules", "indicators.toml"))


@dataclass(frozen=True)
class CaseStat:
    """One case, as the indicators see it."""

    court: str
    handler: str
    filed_on: date
    closed_on: date | None
    closure_method: str | None
    limit_due_on: date | None  # execution-limit due date net of deductions and extensions
    amount_claimed_fen: int


@dataclass
class Counts:
    values: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MEASURES, 0))

    def add(self, name: str, n: int = 1) -> None:
        self.values[name] += n

    def total(self, terms: Iterable[str]) -> int:
        return sum(-self.values[t[1:]] if t.startswith("-") else self.values[t] for t in terms)


@dataclass(frozen=True)
class IndicatorRow:
    group_kind: str  # 法院 / 承办人 / 月份
    group: str
    indicator_id: str
    name: str
    value: float | None  # None when the denominator is 0
    numerator: int
    denominator: int | None
    kind: str
    target: float | None
    target_rule: str | None
    meets_target: bool | None  # None: no target or no value
    basis: str

    def display(self) -> str:
        return format_indicator(self.kind, self.value)


def count_case(c: CaseStat, counts: Counts, cfg: IndicatorConfig, start: date, end: date) -> None:
    if c.closed_on is not None and start <= c.closed_on <= end:  # closed in the period
        counts.add("closed")
        counts.add("amount_closed_fen", c.amount_claimed_fen)
        counts.add("days_to_close", (c.closed_on - c.filed_on).days)
        late = c.limit_due_on is not None and c.closed_on > c.limit_due_on
        if late:
            counts.add("closed_late")
        if c.closure_method in cfg.actual_methods:
            counts.add("closed_actual")
            counts.add("amount_actual_fen", c.amount_claimed_fen)
            if not late:
                counts.add("closed_actual_in_time")
        elif c.closure_method == cfg.zhongben_method:
            counts.add("closed_zhongben")
    elif (c.filed_on <= end and (c.closed_on is None or c.closed_on > end)
          and c.limit_due_on is not None and c.limit_due_on < end):
        counts.add("open_overdue")


def evaluate(group_kind: str, group: str, counts: Counts, cfg: IndicatorConfig) -> list[IndicatorRow]:
    rows = []
    for d in cfg.indicators:
        num = counts.total(d.numerator)
        den = counts.total(d.denominator) if d.denominator else None
        if d.kind == "count":
            value: float | None = float(num)
        else:
            value = (num / den) if den else None
        target = d.target
        if d.compare_to:
            target = cfg.references.get(d.compare_to, {}).get(d.id)
        meets = None
        if value is not None and target is not None and d.target_rule:
            meets = value >= target if d.target_rule == "≥" else value < target
        rows.append(IndicatorRow(group_kind=group_kind, group=group, indicator_id=d.id, name=d.name, value=value,
                                 numerator=num, denominator=den, kind=d.kind, target=target,
                                 target_rule=d.target_rule, meets_target=meets, basis=d.basis))
    return rows


def compute(stats: Iterable[CaseStat], start: date, end: date, cfg: IndicatorConfig | None = None,
            *, by: tuple[str, ...] = ("法院", "承办人", "月份")) -> list[IndicatorRow]:
    """Indicator rows per court, per handler and per month of closure, for closures in [start, end]."""
    cfg = cfg or load_config()
    groups: dict[tuple[str, str], Counts] = {}
    for c in stats:
        keys = []
        if "法院" in by:
            keys.append(("法院", c.court))
        if "承办人" in by:
            keys.append(("承办人", c.handler))
        if "月份" in by:
            month_day = c.closed_on if (c.closed_on and start <= c.closed_on <= end) else None
            if month_day is not None:
                keys.append(("月份", f"{month_day.year}-{month_day.month:02d}"))
        for key in keys:
            counts = groups.get(key)
            if counts is None:
                counts = groups[key] = Counts()
            count_case(c, counts, cfg, start, end)
    order = {k: i for i, k in enumerate(by)}
    rows: list[IndicatorRow] = []
    for (kind, group) in sorted(groups, key=lambda k: (order[k[0]], k[1])):
        rows.extend(evaluate(kind, group, groups[(kind, group)], cfg))
    return rows


def format_indicator(kind: str, value: float | None) -> str:
    """An indicator as people read it: a rate as a percentage, an average with one decimal, a count whole."""
    if value is None:
        return "—"
    if kind == "rate":
        return f"{value * 100:.1f}%"
    if kind == "average":
        return f"{value:.1f}"
    return f"{int(value)}"
