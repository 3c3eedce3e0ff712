"""The deadline engine: case facts in, every deadline with its legal basis out. Pure (no SQL, no Qt).

What it computes (DOMAIN.md §3, §6):
- the execution limit (R16: 6 months, 3 for 非诉, counted from the day after filing) net of deducted periods as
  a union of intervals (R17), plus approved extensions (R18: 3-month cap unless 高院备案), rolled past rest days
  (R19) with month arithmetic by the corresponding-day rule (R20); overdue days and whether a written
  explanation is owed (R36);
- the earliest lawful 终本 date, strictly after filing + 3 months (R1);
- every node time limit of the catalogue and the provincial preset (R21–R25, the 山东 1-month 查控 and 评估
  limits, 协同执行 reply, 首查封 10 days), lead verification (R24), seal/freeze expiries warned at T−30/T−7
  (R26), 执行款 payouts (R28), and after 终本 the 终本库 entry (R13) and the 6-monthly re-queries (R14);
- warnings at T−10 and T−5 (R37).

Rules are data (resources/rules/*.toml) loaded into a ``RuleSet``; the holiday calendar is passed in.
Bulk recompute calls ``compute_case`` 100,000 times, so the inner loop avoids needless objects and memoises
month arithmetic and holiday roll-overs.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from execdesk.resources import load_toml
from execdesk.rules.holidays import HolidayCalendar
from execdesk.rules.periods import (
    ONE_DAY,
    CountedDeduction,
    Limit,
    Roller,
    UncountedDeduction,
    add_months,
    apply_deductions,
    merge_intervals,
    parse_limit,
)

EXECUTION_LIMIT = "执行期限"
ZHONGBEN_FLOOR = "终本最早日"
ZHONGBEN_METHOD = "终结本次执行程序"

# Deadline statuses (deadlines.status, String(8)).
NOT_DUE = "未到期"
WARNING = "预警"
OVERDUE = "已超期"
DONE = "已完成"
DONE_LATE = "逾期完成"
INFO = "提示"
PAUSED = "暂停计时"
OPEN_STATUSES = (NOT_DUE, WARNING, OVERDUE, PAUSED)

# Case warning levels (cases.warning_level).
LEVEL_NONE, LEVEL_T10, LEVEL_T5, LEVEL_OVERDUE = 0, 10, 5, -1
_MONTHS_TEXT = {m: f"{m}个月" for m in range(1, 13)}


# ---------------------------------------------------------------- rules as data


@dataclass(frozen=True)
class LimitRule:
    node: str
    id: str
    label: str
    limit: Limit
    start: str  # received | filed | assigned | served | start:<code>
    done_any: tuple[str, ...]
    done_all: tuple[str, ...]
    basis: str
    after_closure: bool = False
    soft: bool = False  # an internal target: overdue shows as 已超期 but raises the case only to the T−5 level
    when: str = ""  # the limit applies only once this event exists (e.g. "start:N31": the case is entrusted)
    citation: str = ""  # key of rules/citations.toml: the basis starts with that article, by edition


@dataclass(frozen=True)
class ReviewRule:
    """The statutory review period of a 审查 type (case_types.toml ``review``; R29): a day limit from receipt,
    cited by the article of the edition in force on the start day."""

    label: str
    limit: Limit
    start: str  # received | filed
    citation: str  # key of rules/citations.toml
    text: str  # what the article requires
    when_cause: str = ""  # applies only when the 案由 contains this


@dataclass(frozen=True, eq=False)  # identity hash: a loaded rule set is a cache key
class RuleSet:
    name: str
    warn_days: tuple[int, int]
    months_default: int
    months_non_litigation: int
    type_months: dict[str, int]
    type_class: dict[str, str]
    type_names: dict[str, str]
    limit_basis: str
    limit_basis_non_litigation: str
    deduction_basis: str
    extension_cap_months: int
    extension_basis: str
    extension_apply_days_before: int
    extension_apply_basis: str
    extension_approval_basis: str
    rollover_basis: str
    explanation_basis: str
    stay_kinds: tuple[str, ...]
    stay_max_months: int
    stay_extension_months: int
    stay_basis: str
    zhongben_floor_months: int
    zhongben_basis: str
    requery_every_months: int
    requery_times: int
    requery_node: str
    requery_basis: str
    seal_kinds: tuple[str, ...]
    seal_max_months: dict[str, int]
    seal_warn_days: tuple[int, int]
    seal_basis: str
    payout_limit: Limit
    payout_basis: str
    lead_limit: Limit
    lead_limit_urgent: Limit
    lead_basis: str
    small_amount_fen: int
    priority_basis: str
    auction_rules: dict  # R27: [auctions] of the preset
    node_limits: tuple[LimitRule, ...]
    deduct_codes: dict[str, str]  # node code → deduction kind
    closing_codes: tuple[str, ...]  # nodes that end the execution limit
    node_names: dict[str, str] = field(default_factory=dict)
    type_review: dict[str, tuple[ReviewRule, ...]] = field(default_factory=dict)
    limit_basis_review_general: str = ""
    higher_court: dict = field(default_factory=dict)  # [higher_court] of the preset (民诉法 237)
    property_report: dict = field(default_factory=dict)  # [property_report] of the preset

    def review_rule(self, type_code: str, cause: str) -> ReviewRule | None:
        for rule in self.type_review.get(type_code, ()):
            if not rule.when_cause or rule.when_cause in (cause or ""):
                return rule
        return None

    def months_for(self, type_code: str, non_litigation: bool) -> int:
        if non_litigation:
            return self.months_non_litigation
        return self.type_months.get(type_code, self.months_default)

    def is_enforcement(self, type_code: str) -> bool:
        """执行实施类 cases carry the node limits; 审查类 cases (执异, 执复 …) only their own limit."""
        return self.type_class.get(type_code, "实施") == "实施"


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


def _limit_rule(node: str, raw: dict) -> LimitRule:
    done_all = tuple(raw.get("done_all", ()))
    done_any = tuple(raw.get("done", ())) or (() if done_all else (node,))
    return LimitRule(node=node, id=raw["id"], label=raw.get("label", raw["id"]), limit=parse_limit(raw["limit"]),
                     start=raw["from"], done_any=done_any, done_all=done_all, basis=raw["basis"],
                     after_closure=bool(raw.get("after_closure", False)), soft=bool(raw.get("soft", False)),
                     when=raw.get("when", ""), citation=raw.get("citation", ""))


def build_rules(preset_raw: dict, nodes_raw: dict, case_types_raw: dict) -> RuleSet:
    """Assemble a RuleSet from parsed TOML (a preset already merged over its parent)."""
    catalogue = nodes_raw["nodes"]
    limits: dict[str, LimitRule] = {}
    for code, entry in catalogue.items():
        for raw in entry.get("limits", ()):
            limits[raw["id"]] = _limit_rule(code, raw)
    for raw in preset_raw.get("limits", ()):
        limits[raw["id"]] = _limit_rule(raw["node"], raw)
    el, zb, rq, sl = (preset_raw["execution_limit"], preset_raw["zhongben"], preset_raw["requery"],
                      preset_raw["seals"])
    types = case_types_raw.get("types", {})
    warn = tuple(preset_raw["warn_days"])
    return RuleSet(
        name=preset_raw.get("name", ""),
        warn_days=(max(warn), min(warn)),
        months_default=int(el["months_default"]),
        months_non_litigation=int(el["months_non_litigation"]),
        type_months={k: int(v.get("limit_months", el["months_default"])) for k, v in types.items()},
        type_class={k: v.get("class", "实施") for k, v in types.items()},
        type_names={k: v.get("name", k) for k, v in types.items()},
        limit_basis=el["basis"], limit_basis_non_litigation=el["basis_non_litigation"],
        deduction_basis=el["deduction_basis"], extension_cap_months=int(el["extension_cap_months"]),
        extension_basis=el["extension_basis"], extension_apply_days_before=int(el["extension_apply_days_before"]),
        extension_apply_basis=el["extension_apply_basis"], extension_approval_basis=el["extension_approval_basis"],
        rollover_basis=el["rollover_basis"], explanation_basis=el["explanation_basis"],
        stay_kinds=tuple(preset_raw["stays"]["kinds"]), stay_max_months=int(preset_raw["stays"]["max_months"]),
        stay_extension_months=int(preset_raw["stays"]["extension_months"]), stay_basis=preset_raw["stays"]["basis"],
        zhongben_floor_months=int(zb["floor_months"]), zhongben_basis=zb["basis"],
        requery_every_months=int(rq["every_months"]), requery_times=int(rq["times"]), requery_node=rq["node"],
        requery_basis=rq["basis"],
        seal_kinds=tuple(sl["kinds"]), seal_max_months={k: int(v) for k, v in sl["max_months"].items()},
        seal_warn_days=(max(sl["warn_days"]), min(sl["warn_days"])), seal_basis=sl["basis"],
        payout_limit=parse_limit(preset_raw["payouts"]["limit"]), payout_basis=preset_raw["payouts"]["basis"],
        lead_limit=parse_limit(preset_raw["leads"]["limit"]),
        lead_limit_urgent=parse_limit(preset_raw["leads"]["limit_urgent"]), lead_basis=preset_raw["leads"]["basis"],
        small_amount_fen=int(preset_raw["priority"]["small_amount_fen"]),
        priority_basis=preset_raw["priority"]["basis"], auction_rules=dict(preset_raw.get("auctions", {})),
        node_limits=tuple(limits.values()),
        deduct_codes={c: e["deducts"] for c, e in catalogue.items() if e.get("deducts")},
        closing_codes=tuple(c for c, e in catalogue.items() if e.get("ends") == EXECUTION_LIMIT),
        node_names={c: e["name"] for c, e in catalogue.items()},
        type_review={k: tuple(ReviewRule(label=x["label"], limit=parse_limit(x["limit"]), start=x["from"],
                                         citation=x["citation"], text=x["text"], when_cause=x.get("when_cause", ""))
                              for x in v["review"]) for k, v in types.items() if v.get("review")},
        limit_basis_review_general=el["basis_review_general"],
        higher_court=dict(preset_raw.get("higher_court", {})), property_report=dict(preset_raw.get("property_report", {})),
    )


PRESETS = {"national": "limits_national.toml", "shandong": "limits_shandong.toml"}


def _load_preset(name: str) -> dict:
    if name not in PRESETS:
        raise ValueError(f"未知的期限规则预设“{name}”，可选：{'、'.join(PRESETS)}")
    raw = load_toml("rules", PRESETS[name])
    parent = raw.get("extends")
    if parent:
        return _merge(_load_preset(parent), {k: v for k, v in raw.items() if k != "extends"})
    return raw


@functools.cache
def load_rules(preset: str = "shandong") -> RuleSet:
    """The rules of a preset (cached; presets are shipped data)."""
    return build_rules(_load_preset(preset), load_toml("rules", "nodes.toml"), load_toml("case_types.toml"))


# ---------------------------------------------------------------- facts


@dataclass(slots=True)
class CaseFacts:
    """What the engine needs to know about one case. Built by services from the database.

    The sequences default to an empty tuple (100,000 cases in a bulk recompute: no empty lists to allocate);
    whoever fills them assigns a list first."""

    case_number: str
    type_code: str
    filed_on: date
    received_on: date | None = None
    cause: str = ""  # 案由: tells 案外人异议 from 执行行为异议 (R29)
    assigned_on: date | None = None
    non_litigation: bool = False
    closed_on: date | None = None  # None while the case is open
    closure_method: str | None = None
    served_on: date | None = None  # 终本 ruling served on the applicant (N24)
    first_start: dict[str, date] = field(default_factory=dict)  # node code → earliest 启动日期 (not 已更正)
    first_done: dict[str, date] = field(default_factory=dict)  # node code → earliest completion date
    node_periods: Sequence[tuple[str, date, date | None]] = ()  # deducting nodes
    deductions: Sequence[tuple] = ()  # (kind, start, end) or (kind, start, end, 文号)
    extensions: Sequence[tuple[int, date, date, bool]] = ()  # months, approved, applied, 高院备案
    seals: Sequence[tuple[str, str, str | None, date, date | None]] = ()  # id, kind, asset, start, expiry
    leads: Sequence[tuple[str, date, bool, date | None]] = ()  # id, given, urgent, verified
    payments: Sequence[tuple[str, int, date]] = ()  # 到账/发放, fen, date
    requery_dates: Sequence[date] = ()  # completed N26 nodes after 终本
    explanation_issued: bool = False
    # R27: completed 拍卖/变卖 nodes (N13) of an open case: (seq, done day, node data) in record order.
    auctions: Sequence[tuple[int, date, dict]] = ()
    # 报告财产令 (N04 with data: report_order_on, report_deadline) of an open case: (seq, node day, data), and the
    # completion days of 财产报告核查 (N08) that answer them.
    report_orders: Sequence[tuple] = ()
    report_checks: Sequence[date] = ()


# ---------------------------------------------------------------- results


@dataclass(slots=True)
class DeadlineItem:
    kind: str  # 执行期限 / a limit id / 终本最早日 / 终本后查询:3 / 查封届满:… / 线索核实:… / 执行款发放:2
    label: str
    due_on: date
    status: str
    basis: str
    warn_on: date | None = None
    provisional: bool = False
    rolled_from: date | None = None
    done_on: date | None = None
    overdue_days: int = 0
    level: int = LEVEL_NONE
    persist: bool = True  # kept in the deadlines table (open deadlines and the execution limit)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@dataclass(frozen=True)
class DeductionLine:
    kinds: tuple[str, ...]
    start: date
    end: date
    days: int  # counted days after the union
    running: bool  # still open: counted up to today


@dataclass(frozen=True)
class UncountedLine:
    """A deduction that was recorded but not counted, with the reason (issue 12 item 8): it stays visible in the
    JSON, the deadline view and the 书面说明 (which must not then say that nothing was recorded)."""

    kinds: tuple[str, ...]
    start: date
    end: date
    reason: str


@dataclass(frozen=True)
class ExtensionLine:
    months: int  # months approved
    counted_months: int  # months that count (R18 cap)
    approved_on: date
    applied_on: date
    high_court_filed: bool
    note: str


@dataclass(frozen=True)
class LimitExplanation:
    """Everything the 书面说明 needs to show how the execution limit was computed (DOMAIN.md §2.6)."""

    statutory_months: int
    basis: str
    filed_on: date
    start_day: date  # counting starts the day after filing (审限规定 art 8)
    nominal_end: date  # filing + statutory months (corresponding-day rule)
    extensions: tuple[ExtensionLine, ...]
    extended_end: date  # nominal end + counted extension months
    deductions: tuple[DeductionLine, ...]  # after the union; only those inside the running period
    deducted_days: int
    due_before_roll: date
    due_on: date  # final last day
    rolled_from: date | None
    provisional: bool
    provisional_note: str
    closed_on: date | None
    overdue_days: int  # days past the due date (today for open cases, the closing day for closed ones)
    paused: bool  # a deduction is still running: the clock is stopped
    explanation_owed: bool
    deduction_basis: str
    extension_basis: str
    rollover_basis: str
    notes: tuple[str, ...]
    filed_floor: date  # earliest lawful 终本 ruling date (R1): strictly after filing + 3 months
    uncounted: tuple[UncountedLine, ...] = ()  # recorded deductions that do not move the last day, with reasons
    statutory_limit: str = ""  # "6个月", or a review period "15日" (then statutory_months is 0)
    title: str = EXECUTION_LIMIT  # 执行期限, or the review period's name (执行异议审查期限 …)


@dataclass(slots=True)
class CaseDeadlines:
    limit: LimitExplanation
    items: list[DeadlineItem]
    next_due_on: date | None
    warning_level: int
    overdue_days: int
    explanation_owed: bool
    zhongben_earliest_on: date
    provisional: bool
    notes: list[str] = field(default_factory=list)  # problems found that are not deadlines (R27 checks)


# ---------------------------------------------------------------- engine


class Engine:
    """Compute deadlines for many cases with one rule set, one calendar and one ``today`` (memoised)."""

    def __init__(self, rules: RuleSet, calendar: HolidayCalendar, today: date):
        self.rules = rules
        self.calendar = calendar
        self.today = today
        self.roller = Roller(calendar)
        self._full = False
        self._simple_limits: dict[tuple, tuple[LimitExplanation, tuple[DeadlineItem, ...]]] = {}
        self._requery_memo: dict[tuple, list[DeadlineItem]] = {}
        self._after_closure_rules = tuple(rule for rule in rules.node_limits if rule.after_closure)
        self._compiled_rules: dict[int, list[tuple]] = {}
        self._citations: dict[tuple[str, date], str] = {}
        self._higher_memo: dict[tuple, DeadlineItem] = {}
        self._higher_kinds = frozenset(rules.higher_court.get("deduct_kinds", ()))
        w1, w2 = rules.warn_days
        self._w1, self._w2 = timedelta(days=w1), timedelta(days=w2)
        s1, s2 = rules.seal_warn_days
        self._s1, self._s2 = timedelta(days=s1), timedelta(days=s2)

    # -- helpers

    def _status(self, due: date, done_on: date | None, w1: timedelta, w2: timedelta) -> tuple[str, int, int]:
        if done_on is not None:
            if done_on <= due:
                return DONE, LEVEL_NONE, 0
            return DONE_LATE, LEVEL_NONE, (done_on - due).days
        today = self.today
        if today > due:
            return OVERDUE, LEVEL_OVERDUE, (today - due).days
        if today >= due - w2:
            return WARNING, LEVEL_T5, 0
        if today >= due - w1:
            return WARNING, LEVEL_T10, 0
        return NOT_DUE, LEVEL_NONE, 0

    def _item(self, kind: str, label: str, nominal: date, basis: str, done_on: date | None,
              *, roll: bool = True, seal: bool = False, soft: bool = False) -> DeadlineItem:
        if roll:
            pe = self.roller.roll(nominal)
            due, provisional = pe.due, pe.provisional
        else:
            due, provisional = nominal, not self.calendar.is_known(nominal.year)
        w1, w2 = (self._s1, self._s2) if seal else (self._w1, self._w2)
        status, level, overdue = self._status(due, done_on, w1, w2)
        if soft and level == LEVEL_OVERDUE:
            level = LEVEL_T5  # R23: warn on the stricter internal limit, escalate only on the legal one
        return DeadlineItem(kind=kind, label=label, due_on=due, status=status, basis=basis, warn_on=due - w1,
                            provisional=provisional and done_on is None,
                            rolled_from=nominal if due != nominal else None, done_on=done_on,
                            overdue_days=overdue, level=level, persist=done_on is None)

    # -- the execution limit (R16–R20, R36)

    def closing_day(self, f: CaseFacts) -> date | None:
        """The day the execution limit stopped: the case's 结案日期, else the first closing node (终本裁定送达
        申请执行人 — R12 — or 结案) recorded on a case whose status has not been updated yet."""
        if f.closed_on is not None:
            return f.closed_on
        best = None
        for code in self.rules.closing_codes:
            d = f.served_on if code == "N24" else f.first_done.get(code)
            if d is not None and (best is None or d < best):
                best = d
        return best

    def _rolled_day(self, nominal: date) -> date:
        return self.roller.roll(nominal).due

    def explain_limit(self, f: CaseFacts) -> LimitExplanation:
        return self._explain_limit(f, self.closing_day(f))

    def _explain_limit(self, f: CaseFacts, closed_on: date | None) -> LimitExplanation:
        r = self.rules
        today = self.today
        notes: list[str] = []
        review = r.review_rule(f.type_code, f.cause) if not r.is_enforcement(f.type_code) else None
        event = f.filed_on
        if review is not None:
            # R29: a statutory review period in days from receipt (民诉法 236/238, 执行程序解释 8, 行诉解释 160).
            event = (f.received_on or f.filed_on) if review.start == "received" else f.filed_on
            months = review.limit.amount if review.limit.unit == "m" else 0
            statutory = str(review.limit)
            basis = f"{self._cite(review.citation, event)}：{review.text}"
            nominal = review.limit.last_day(event)
            title = f"{review.label}期限"
        else:
            months = r.months_for(f.type_code, f.non_litigation)
            statutory = _MONTHS_TEXT.get(months) or f"{months}个月"
            title = EXECUTION_LIMIT
            if not r.is_enforcement(f.type_code):
                basis = r.limit_basis_review_general
            elif f.non_litigation or months == r.months_non_litigation:
                basis = r.limit_basis_non_litigation
            else:
                basis = r.limit_basis
            nominal = add_months(f.filed_on, months)
        # R17: union of deducted intervals (扣除记录 and deducting nodes); a running one counts up to today.
        end_of_clock = closed_on or today
        raw: list[tuple[date, date, str]] = []
        running = False
        pre_uncounted: list[UncountedLine] = []
        deductions = f.deductions
        if deductions and r.stay_kinds and any(d[0] in r.stay_kinds for d in deductions):
            deductions = self._cap_stays(deductions, end_of_clock, pre_uncounted, notes)
        for kind, start, end, *_ in deductions:
            if end is None:
                running = closed_on is None
                end = end_of_clock
            raw.append((start, end, kind))
        for code, start, end in f.node_periods:
            if end is None:
                running = running or closed_on is None
                end = end_of_clock
            raw.append((start, end, r.deduct_codes.get(code, code)))
        merged = merge_intervals(raw) if raw else []
        running_on = today if running else None

        # R18: extensions in approval order; beyond the cap only with 层报高院备案. Each one is compared with the
        # due date *without* it (and with the earlier ones): applied for after that day → flagged (法发〔2006〕35号
        # art 1: applied for before expiry); approved after it → not counted (审限规定 art 14 ¶2: the 院长 approves
        # before the limit expires; an expired limit is not revived, as with deductions).
        ext_lines: list[ExtensionLine] = []
        counted_total = 0
        for months_ext, approved, applied, high in sorted(f.extensions, key=lambda e: (e[1], e[2])):
            if review is not None:  # 延长执行期限 (R18) is for the execution limit, not a review period in days
                note = f"延长执行期限{months_ext}个月不适用于{review.label}期限，不予计入"
                notes.append(note)
                ext_lines.append(ExtensionLine(months_ext, 0, approved, applied, high, note))
                continue
            base_end = add_months(nominal, counted_total) if counted_total else nominal
            if merged:  # the rolled last day without this extension, net of deductions
                base_end = apply_deductions(event, base_end, merged, running_on=running_on, roll=self._rolled_day)[0]
            due_without = self._rolled_day(base_end)
            parts = []
            allowed = months_ext if high else max(0, min(months_ext, r.extension_cap_months - counted_total))
            if applied > due_without:
                parts.append(f"延长申请日期{applied.isoformat()}晚于未计本次延长的期限届满日{due_without.isoformat()}"
                             f"（{r.extension_apply_basis}）")
            if approved > due_without:
                allowed = 0
                parts.append(f"批准日期{approved.isoformat()}在期限届满日{due_without.isoformat()}之后"
                             f"（{r.extension_approval_basis}），本次延长{months_ext}个月不予计入")
            elif allowed < months_ext:
                parts.append(f"超过院长批准延长上限{r.extension_cap_months}个月且未层报高院备案，"
                             f"{months_ext - allowed}个月不予计入")
            note = "；".join(parts)
            if note:
                notes.append(note)
            counted_total += allowed
            ext_lines.append(ExtensionLine(months_ext, allowed, approved, applied, high, note))
        extended = add_months(nominal, counted_total) if counted_total else nominal
        uncounted: list[UncountedDeduction] = []
        if merged:
            moved, counted = apply_deductions(event, extended, merged, running_on=running_on,
                                              roll=self._rolled_day, uncounted=uncounted)
        else:
            moved, counted = extended, []
        pe = self.roller.roll(moved)
        due = pe.due
        paused = any(c.open for c in counted)
        if closed_on is not None:
            overdue = max(0, (closed_on - due).days)
        elif paused:
            overdue = 0
        else:
            overdue = max(0, (today - due).days)
        prov_note = self.calendar.source(due.year) if pe.provisional else ""
        return LimitExplanation(
            statutory_months=months, basis=basis, filed_on=f.filed_on,
            start_day=event + ONE_DAY, nominal_end=nominal, extensions=tuple(ext_lines), extended_end=extended,
            deductions=tuple(_line(c) for c in counted), deducted_days=sum(c.days for c in counted),
            due_before_roll=moved, due_on=due, rolled_from=pe.rolled_from, provisional=pe.provisional,
            provisional_note=prov_note, closed_on=closed_on, overdue_days=overdue, paused=paused,
            explanation_owed=overdue > 0 and not f.explanation_issued, deduction_basis=r.deduction_basis,
            extension_basis=r.extension_basis, rollover_basis=r.rollover_basis, notes=tuple(notes),
            filed_floor=add_months(f.filed_on, r.zhongben_floor_months) + ONE_DAY,
            uncounted=(*pre_uncounted, *(UncountedLine(u.kinds, u.start, u.end, u.reason) for u in uncounted))
            if (pre_uncounted or uncounted) else (),
            statutory_limit=statutory, title=title)

    def _cite(self, key: str, on: date) -> str:
        """The article of ``key`` in force on ``on``, with its edition (R11); memoised per engine."""
        hit = self._citations.get((key, on))
        if hit is None:
            from execdesk.rules.citations import citation, earliest_citation
            from execdesk.rules.errors import ValidationError

            try:
                c = citation(key, on)
                hit = f"{c.text}（{c.edition}）"
            except ValidationError:  # before the earliest edition on record: cite it and say so
                c = earliest_citation(key)
                hit = f"{c.text}（{c.edition}；该日期早于收录的最早版本）"
            self._citations[(key, on)] = hit
        return hit

    def _cap_stays(self, deductions, end_of_clock: date, uncounted: list[UncountedLine],
                   notes: list[str]) -> list[tuple]:
        """R30 (暂缓规定 art 10; 审限规定 art 9 (10)(11)): a 暂缓执行 is deducted for at most 3 months from its
        start; a follow-on 暂缓 record (starting by the day after the previous one ends) is its extension and
        counts for at most 3 more months, and only with the approving decision's 文号 recorded. What goes beyond
        is not deducted and is listed with the reason. Other deductions pass through unchanged."""
        r = self.rules
        out: list[tuple] = []
        stays = sorted((d for d in deductions if d[0] in r.stay_kinds), key=lambda d: d[1])
        out.extend(d for d in deductions if d[0] not in r.stay_kinds)
        chain_end: date | None = None  # last day of the current 暂缓 chain as recorded
        cap: date | None = None  # last day that may be deducted in this chain
        extended = False
        for d in stays:
            kind, start, end = d[0], d[1], d[2]
            doc = d[3] if len(d) > 3 else None
            shown_end = end or end_of_clock
            if chain_end is None or start > chain_end + ONE_DAY:
                # A new 暂缓 decision: 3 months from its start (start day inclusive, as every deduction here).
                chain_end, extended = shown_end, False
                cap = add_months(start, r.stay_max_months)
                why = f"暂缓执行超过{r.stay_max_months}个月（{start.isoformat()}起至{cap.isoformat()}）"
            elif not extended:
                # Its extension: up to 3 more months, only with the approval recorded.
                extended = True
                chain_end = max(chain_end, shown_end)
                if doc:
                    cap = add_months(start, r.stay_extension_months)
                    why = f"暂缓执行延长后超过{r.stay_extension_months}个月（计至{cap.isoformat()}）"
                else:
                    why = "延长暂缓执行未记录批准决定（文号），延长部分"
            else:
                chain_end = max(chain_end, shown_end)
                why = f"暂缓执行只能延长一次，最长{r.stay_max_months}+{r.stay_extension_months}个月"
            if start > cap:
                uncounted.append(UncountedLine((kind,), start, shown_end, f"{why}，不予扣除（{r.stay_basis}）"))
                notes.append(f"{kind}{start.isoformat()}至{shown_end.isoformat()}：{why}，不予扣除")
                continue
            if shown_end > cap:
                uncounted.append(UncountedLine((kind,), cap + ONE_DAY, shown_end,
                                               f"{why}，超出部分不予扣除（{r.stay_basis}）"))
                notes.append(f"{kind}{(cap + ONE_DAY).isoformat()}至{shown_end.isoformat()}：{why}，超出部分不予扣除")
                out.append((kind, start, cap))  # a capped stay is no longer open: the clock runs again
            else:
                out.append((kind, start, end))
        return out

    def _limit_item(self, lim: LimitExplanation, f: CaseFacts) -> DeadlineItem:
        counted_ext = sum(e.counted_months for e in lim.extensions)
        label = f"{lim.title}届满（{lim.statutory_limit or f'{lim.statutory_months}个月'}" + \
            (f"，扣除{lim.deducted_days}日" if lim.deducted_days else "") + \
            (f"，延长{counted_ext}个月" if counted_ext else "") + "）"
        basis = lim.basis
        if lim.deducted_days:
            basis += "；" + lim.deduction_basis
        if lim.extensions:
            basis += "；" + lim.extension_basis
        if lim.rolled_from:
            basis += "；" + lim.rollover_basis
        if lim.paused:
            status, level, overdue = PAUSED, LEVEL_NONE, 0
        else:
            status, level, overdue = self._status(lim.due_on, lim.closed_on, self._w1, self._w2)
        # Kept in the table while open, and after closure only when it closed late (R36 needs it).
        return DeadlineItem(kind=EXECUTION_LIMIT, label=label, due_on=lim.due_on, status=status, basis=basis,
                            warn_on=lim.due_on - self._w1, provisional=lim.provisional and lim.closed_on is None,
                            rolled_from=lim.rolled_from, done_on=lim.closed_on, overdue_days=overdue, level=level,
                            persist=status != DONE)

    # -- everything

    def compute_case(self, f: CaseFacts, *, full: bool = False) -> CaseDeadlines:
        """All deadlines of a case. ``full=False`` leaves out completed items nobody needs in the table
        (they are computed anyway; ``full=True`` keeps them, for the detail view).

        Items that depend on a handful of dates only (the execution limit of a case without deductions or
        extensions, the 终本 floor, the after-closure tasks) are memoised per Engine and shared between cases:
        they are never modified after they are built."""
        r = self.rules
        self._full = full
        closed_on = self.closing_day(f)
        if f.deductions or f.node_periods or f.extensions:
            lim = self._explain_limit(f, closed_on)
            head = self._head_items(lim, f)
        else:
            key = (f.filed_on, f.type_code, f.non_litigation, closed_on, f.explanation_issued)
            if f.type_code in r.type_review:  # a review period runs from receipt and depends on the 案由
                key = (*key, f.received_on, f.cause)
            hit = self._simple_limits.get(key)
            if hit is None:
                lim = self._explain_limit(f, closed_on)
                hit = self._simple_limits[key] = (lim, self._head_items(lim, f))
            lim, head = hit
        items: list[DeadlineItem] = list(head)
        closed = closed_on is not None
        notes: list[str] = []
        if closed:
            if self._after_closure_rules:
                self._node_items(f, self._after_closure_rules, items)
        elif r.is_enforcement(f.type_code):
            self._node_items(f, r.node_limits, items)
        if r.higher_court and (full or not closed) and r.is_enforcement(f.type_code):
            hc = self._higher_court_item(f, closed_on)  # closed: met or not, nothing is owed any more
            if full or hc.persist:
                items.append(hc)
        if f.report_orders and not closed:
            self._report_items(f, items, notes)
        if f.leads and r.is_enforcement(f.type_code):
            self._lead_items(f, closed, items)
        if f.seals:
            self._seal_items(f, items)
        if f.payments:
            self._payout_items(f, items)
        if f.auctions and not closed:
            self._auction_items(f, items, notes)
        if closed and (f.closure_method == ZHONGBEN_METHOD or (f.closure_method is None and f.served_on)):
            served = f.served_on or closed_on
            rkey = (served, tuple(f.requery_dates), full)
            tasks = self._requery_memo.get(rkey)
            if tasks is None:
                tasks = self._requery_memo[rkey] = self._requery_items(served, f.requery_dates)
            items.extend(tasks)
        if not full:
            items = [it for it in items if it.persist]
        next_due = None
        level = LEVEL_NONE
        provisional = False
        for it in items:
            if it.status in OPEN_STATUSES:
                if next_due is None or it.due_on < next_due:
                    next_due = it.due_on
                provisional = provisional or it.provisional
                if it.level == LEVEL_OVERDUE:
                    level = LEVEL_OVERDUE
                elif level != LEVEL_OVERDUE and it.level and (level == LEVEL_NONE or it.level < level):
                    level = it.level
        provisional = provisional or (lim.provisional and not closed)
        return CaseDeadlines(limit=lim, items=items, next_due_on=next_due, warning_level=level,
                             overdue_days=lim.overdue_days, explanation_owed=lim.explanation_owed,
                             zhongben_earliest_on=lim.filed_floor, provisional=provisional, notes=notes)

    def _head_items(self, lim: LimitExplanation, f: CaseFacts) -> tuple[DeadlineItem, ...]:
        """The execution limit, and while the case is open the earliest lawful 终本 date (R1)."""
        r = self.rules
        limit_item = self._limit_item(lim, f)
        if lim.closed_on is not None or not r.is_enforcement(f.type_code):
            return (limit_item,)  # 终本 only ends 执行实施 cases
        floor = DeadlineItem(kind=ZHONGBEN_FLOOR, label=f"终本裁定最早可作出日（立案超过{r.zhongben_floor_months}个月）",
                             due_on=lim.filed_floor, status=INFO, basis=r.zhongben_basis, persist=True)
        return (limit_item, floor)

    _SPECIAL = {"filed": 0, "received": 1, "assigned": 2, "served": 3}

    @classmethod
    def _compile_token(cls, token: str) -> tuple[int, object]:
        """An event name → (source, key): 0 = the case's own dates (index), 1 = first start, 2 = first done."""
        if token in cls._SPECIAL:
            return 0, cls._SPECIAL[token]
        if token.startswith("start:"):
            return 1, token[6:]
        return 2, token

    def _compiled(self, rules: tuple[LimitRule, ...]) -> list[tuple]:
        hit = self._compiled_rules.get(id(rules))
        if hit is None:
            hit = [(rule, self._compile_token(rule.start), tuple(self._compile_token(t) for t in rule.done_any),
                    tuple(self._compile_token(t) for t in rule.done_all),
                    self._compile_token(rule.when) if rule.when else None) for rule in rules]
            self._compiled_rules[id(rules)] = hit
        return hit

    def _node_items(self, f: CaseFacts, rules: tuple[LimitRule, ...], items: list[DeadlineItem]) -> None:
        own = (f.filed_on, f.received_on or f.filed_on, f.assigned_on or f.first_done.get("N02"), f.served_on)
        first_start, first_done = f.first_start, f.first_done
        for rule, (ssrc, skey), done_any, done_all, when in self._compiled(rules):
            if when is not None:
                wsrc, wkey = when
                if (own[wkey] if wsrc == 0 else (first_start if wsrc == 1 else first_done).get(wkey)) is None:
                    continue
            start = own[skey] if ssrc == 0 else (first_start if ssrc == 1 else first_done).get(skey)
            if start is None:
                continue
            done = None
            if done_all:
                for src, key in done_all:
                    d = own[key] if src == 0 else (first_start if src == 1 else first_done).get(key)
                    if d is None:
                        done = None
                        break
                    if done is None or d > done:
                        done = d
            else:
                for src, key in done_any:
                    d = own[key] if src == 0 else (first_start if src == 1 else first_done).get(key)
                    if d is not None and (done is None or d < done):
                        done = d
            if done is not None:
                if not self._full:
                    continue  # completed: not kept in the table
                if done < start:
                    done = start  # already done before the clock started: on time
            basis = f"{self._cite(rule.citation, start)}：{rule.basis}" if rule.citation else rule.basis
            items.append(self._item(rule.id, rule.label, rule.limit.last_day(start), basis, done, soft=rule.soft))

    def _lead_items(self, f: CaseFacts, closed: bool, items: list[DeadlineItem]) -> None:
        r = self.rules
        for lead_id, given, urgent, verified in f.leads:
            if closed and verified is None:
                continue
            if verified is not None and not self._full:
                continue
            lim = r.lead_limit_urgent if urgent else r.lead_limit
            label = f"核实财产线索（{'紧急，' if urgent else ''}{given.isoformat()}提供）"
            items.append(self._item(f"线索核实:{lead_id[-12:]}", label, lim.last_day(given), r.lead_basis, verified))

    def _seal_items(self, f: CaseFacts, items: list[DeadlineItem]) -> None:
        """R26: seal/freeze expiry, warned T−30 and T−7; still running after 终本. Not rolled: a renewal must be
        made before expiry, and moving the date later would be the unsafe direction."""
        r = self.rules
        for seal_id, kind, asset, start, expiry in f.seals:
            unknown = ""
            if expiry is None:
                months = r.seal_max_months.get(asset or "")
                if months is None:
                    # An asset kind outside the closed list (legacy data) is never skipped: warn on the shortest
                    # maximum (deposits, 1 year) so the renewal cannot be missed (issue 11).
                    months = min(r.seal_max_months.values())
                    unknown = "，财产类别未知，按最短期限计算"
                expiry = add_months(start, months)
            label = f"{kind}届满（{asset or '财产'}，{start.isoformat()}起{unknown}），须在届满前办理续行{kind}"
            items.append(self._item(f"{kind}届满:{seal_id[-12:]}", label, expiry, r.seal_basis, None, roll=False,
                                    seal=True))

    def _payout_items(self, f: CaseFacts, items: list[DeadlineItem]) -> None:
        """R28: each arrival is paid out within the limit; payouts are matched to arrivals first-in first-out."""
        if not f.payments:
            return
        r = self.rules
        arrivals = sorted((d, amt) for kind, amt, d in f.payments if kind == "到账")
        payouts = sorted((d, amt) for kind, amt, d in f.payments if kind == "发放")
        paid_cum = 0
        p_iter = iter(payouts)
        paid_date: date | None = None
        need = 0
        for n, (arrived, amount) in enumerate(arrivals, 1):
            need += amount
            while paid_cum < need:
                nxt = next(p_iter, None)
                if nxt is None:
                    paid_date = None
                    break
                paid_date, amt = nxt
                paid_cum += amt
            done = paid_date if paid_cum >= need else None
            if done is not None:
                if not self._full:
                    continue
                if done < arrived:
                    done = arrived
            label = f"发放执行款（{arrived.isoformat()}到账{amount / 100:.2f}元）"
            items.append(self._item(f"执行款发放:{n}", label, r.payout_limit.last_day(arrived), r.payout_basis, done))

    def _requery_items(self, served: date, requery_dates: list[date]) -> list[DeadlineItem]:
        """R14: every 6 months for 5 years after 终本; each query satisfies the earliest task still owed."""
        r = self.rules
        out: list[DeadlineItem] = []
        queries = sorted(d for d in requery_dates if d > served)
        qi = 0
        shown_next = False
        window_start = served
        for k in range(1, r.requery_times + 1):
            nominal = add_months(served, r.requery_every_months * k)
            done = None
            if qi < len(queries) and queries[qi] > window_start:
                done = queries[qi]
                qi += 1
            window_start = nominal
            if done is not None and not self._full:
                continue
            if shown_next and not self._full:
                break  # later tasks are neither due nor the next one: not kept in the table
            item = self._item(f"终本后查询:{k}", f"终本后第{k}次定期查询财产并告知申请执行人", nominal,
                              r.requery_basis, done)
            # Keep in the table: owed tasks that are due or overdue, and the next one ahead.
            if done is None and item.status == NOT_DUE:
                item.persist = not shown_next
                shown_next = True
            out.append(item)
        return out


    # -- 民诉法 237: six months without execution → the applicant may apply to the higher court

    def _higher_court_item(self, f: CaseFacts, closed_on: date | None) -> DeadlineItem | None:
        """6 months from receipt of the application (民诉法 art 237, by edition), net of the periods 执行程序解释
        art 13 does not count (公告, 鉴定评估, 管辖争议, 执行争议协调, 暂缓, 中止 — not 拍卖, not extensions).
        Met when the case is closed by then. Not rolled: it is the point after which the applicant's right
        arises, not a last day for an act, and an earlier warning is the safe direction. Soft: when passed it
        shows 已超期, but the case's warning rises only to the T−5 level (the execution limit decides 超期)."""
        hc = self.rules.higher_court
        event = f.received_on or f.filed_on
        kinds = self._higher_kinds
        spans = ()
        if f.deductions or f.node_periods:
            deduct_codes = self.rules.deduct_codes
            spans = tuple([(s, e, k) for k, s, e, *_ in f.deductions if k in kinds]
                          + [(s, e, deduct_codes.get(c, c)) for c, s, e in f.node_periods
                             if deduct_codes.get(c, c) in kinds])
        key = (event, closed_on, spans)
        hit = self._higher_memo.get(key)
        if hit is not None:
            return hit  # shared between cases: never modified once built
        end_of_clock = closed_on or self.today
        nominal = add_months(event, int(hc["months"]))
        running = False
        counted: list[CountedDeduction] = []
        if spans:
            raw = []
            for s, e, k in spans:
                if e is None:
                    running = running or closed_on is None
                    e = end_of_clock
                raw.append((s, e, k))
            nominal, counted = apply_deductions(event, nominal, merge_intervals(raw),
                                                running_on=self.today if running else None)
        basis = f"{self._cite(hc['citation'], event)}：{hc['text']}"
        if counted:
            basis += "；" + hc["deduction_basis"]
        label = f"收到申请执行书后{hc['months']}个月（超过的，申请执行人可以向上一级人民法院申请执行）"
        it = self._item("上级法院申请执行", label, nominal, basis, closed_on, roll=False, soft=True)
        it.provisional = False  # not rolled: the holiday schedule does not move it
        if any(c.open for c in counted) and closed_on is None:
            it.status, it.level, it.overdue_days = PAUSED, LEVEL_NONE, 0
        self._higher_memo[key] = it
        return it

    # -- 财产报告 (财产调查规定 arts 4, 5; 民诉法 252)

    def _report_items(self, f: CaseFacts, items: list[DeadlineItem], notes: list[str]) -> None:
        """The debtor reports property within the period the 报告财产令 states (财产调查规定 art 4 (1), art 5):
        N04 data ``report_deadline`` — a date, or a number of days from ``report_order_on``. Met by a 财产报告核查
        (N08) recorded on or after the order; when it passes unanswered the court checks and sanctions (R3)."""
        pr = self.rules.property_report
        if not pr:
            return
        checks = sorted(f.report_checks)
        for seq, day, data in f.report_orders:
            order = _parse_day(data.get("report_order_on")) or day
            raw = data.get("report_deadline")
            due = _parse_day(raw)
            if due is None and raw not in (None, ""):
                digits = "".join(ch for ch in str(raw) if ch.isdigit())
                due = order + timedelta(days=int(digits)) if digits else None
            if due is None:
                notes.append(f"{order.isoformat()}发出的报告财产令未载明报告期限（{pr['basis_missing']}）")
                continue
            done = next((c for c in checks if c >= order), None)
            if done is not None and not self._full:
                continue
            basis = f"{pr['basis']}；{self._cite(pr['citation'], order)}"
            items.append(self._item(f"财产报告:{seq}", f"被执行人报告财产（{order.isoformat()}报告财产令，报告期限届满）",
                                    due, basis, done))

    # -- R27: auctions and sales

    def _auction_items(self, f: CaseFacts, items: list[DeadlineItem], notes: list[str]) -> None:
        """After a failed auction (流拍): the next auction within 30 days online (网拍规定 art 26) or 60 days
        otherwise (拍变规定 art 23); after the third failed auction of real estate, a 变卖公告 within 7 days
        (拍变规定 art 25). Checks notice lead times — first online auction 15 / 30 days before (网拍规定 art 12),
        a re-auction 7 / 15 days before (art 26) — and price cuts (≤ 20 %). A 变卖 is not an auction: its
        failure (变卖失败 / 变卖不成) has its own result value, counts as no failed auction and demands no further
        变卖公告 (the property goes to 抵债 or is released, 拍变规定 arts 25, 32)."""
        ar = self.rules.auction_rules
        if not ar:
            return
        failed = set(ar.get("failed_results", ("流拍",)))
        sale_method = str(ar.get("sale_method", "变卖"))
        sale_results = set(ar.get("sale_results", ()))

        def is_sale(d: dict) -> bool:  # a 变卖, by its method or by a result only a 变卖 has (变卖成交/变卖不成)
            return str(d.get("method") or "") == sale_method or str(d.get("result") or "") in sale_results
        rows = []
        for seq, done, data in f.auctions:
            day = _parse_day(data.get("auction_on")) or done
            notice = _parse_day(data.get("notice_on"))
            rows.append((day, seq, notice, data))
        rows.sort()
        failed_real_estate = 0
        failed_before: dict[str, int] = {}  # asset kind → failed online auctions so far
        for i, (day, seq, notice, data) in enumerate(rows):
            method = str(data.get("method") or "")
            asset = str(data.get("asset") or "")
            result = str(data.get("result") or "")
            if is_sale(data):
                continue  # a 变卖 (sold or not) is no auction round and starts no further limit
            online = method == "网络司法拍卖"
            if online and notice is not None:
                try:
                    round_no = int(str(data.get("round") or "0"))
                except ValueError:
                    round_no = 0
                again = round_no >= 2 or failed_before.get(asset, 0) > 0
                table = ar["renotice_lead_days"] if again else ar["notice_lead_days"]
                lead = int(table.get(asset, table.get("动产")))
                if (day - notice).days < lead:
                    what = "再次拍卖" if again else "网络司法拍卖"
                    notes.append(f"{day.isoformat()}{what}的公告期不足{lead}日（{notice.isoformat()}公告）"
                                 f"——{ar['basis_renotice' if again else 'basis_online']}")
            start_price, prev = _money(data.get("start_price")), _money(data.get("prev_start_price"))
            if start_price and prev and start_price < prev * (1 - float(ar["max_price_cut"])):
                notes.append(f"{day.isoformat()}拍卖起拍价较上次降价超过{float(ar['max_price_cut']):.0%}"
                             f"——{ar['basis_online']}")
            if result not in failed:
                continue
            if online:
                failed_before[asset] = failed_before.get(asset, 0) + 1
            later = [(n or d) for d, _, n, dd in rows[i + 1:] if (n or d) > day]
            if asset == "不动产":
                failed_real_estate += 1
            if asset == "不动产" and failed_real_estate >= 3:
                sales = [(n or d) for d, _, n, dd in rows[i + 1:] if is_sale(dd) and (n or d) > day]
                done = min(sales) if sales else None
                item = self._item(f"变卖公告:{seq}", f"不动产第三次拍卖流拍（{day.isoformat()}）后发布变卖公告",
                                  parse_limit(ar["sale_notice"]).last_day(day), ar["basis_offline"], done)
            else:
                limit = ar["reauction_online"] if online else ar["reauction_offline"]
                done = min(later) if later else None
                item = self._item(f"再次拍卖:{seq}", f"{day.isoformat()}流拍后再次拍卖（{'网络司法拍卖' if online else method or '拍卖'}）",
                                  parse_limit(limit).last_day(day), ar["basis_online" if online else "basis_offline"],
                                  done)
            if done is None or self._full:
                items.append(item)


def _parse_day(value) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _money(value) -> float | None:
    try:
        return float(str(value).replace(",", "")) if value not in (None, "") else None
    except ValueError:
        return None


def _line(c: CountedDeduction) -> DeductionLine:
    return DeductionLine(kinds=c.kinds, start=c.start, end=c.end, days=c.days, running=c.open)


def priority_flags(is_livelihood: bool, amount_claimed_fen: int, rules: RuleSet) -> list[str]:
    """百日会战 priority (seed 一.2(1)): 涉民生, and 标的 under the preset's amount (10万元)."""
    flags = []
    if is_livelihood:
        flags.append("涉民生")
    if 0 < amount_claimed_fen < rules.small_amount_fen:
        flags.append(f"标的{rules.small_amount_fen // 1_000_000}万元以下")
    return flags
