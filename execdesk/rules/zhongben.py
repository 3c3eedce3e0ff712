"""终本 readiness: is a case ready for a 终结本次执行程序 ruling on a given date? (DOMAIN.md §1, R1–R10)

Pure Python over plain facts (no SQL, no Qt). The service layer gathers ``CaseFacts`` from the database;
this module evaluates the five cumulative conditions of 终本规定 art 1, the meaning of "责令报告财产" in
art 2, the informing of the applicant (art 5 / R8) and the practical checks of §1.9. Thresholds, scope
lists and each item's wording live in ``resources/rules/zhongben.toml``.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from execdesk.resources import load_toml
from execdesk.rules import disposal
from execdesk.rules.dates import chinese_date
from execdesk.rules.disposal import AssetEvent, AssetFacts
from execdesk.rules.money import format_yuan

__all__ = ["AssetEvent", "AssetFacts"]


class Status(StrEnum):
    MET = "已满足"
    MISSING = "未满足"
    NOT_APPLICABLE = "不适用"
    WAIVED = "已豁免"  # an authorised approver waived it with a written reason (audited)


@dataclass(frozen=True)
class DebtorFacts:
    party_id: str
    name: str
    kind: str  # 自然人 / 法人 / 非法人组织
    deceased: bool = False


@dataclass(frozen=True)
class InquiryFact:
    method: str  # 网络查控 / 传统查控
    queried_on: date
    scopes: tuple[str, ...] = ()
    party_id: str | None = None  # None: the query covered every debtor


@dataclass(frozen=True)
class LeadFact:
    content: str
    given_on: date
    verified_on: date | None = None


@dataclass(frozen=True)
class MeasureFact:
    kind: str  # 限制消费 / 失信 / 罚款 / 拘留 / 查找 / 搜查 / 悬赏 / 审计 / …
    started_on: date
    party_id: str | None = None
    released_on: date | None = None
    not_applicable_reason: str | None = None  # 失信: "不符合条件" and why


@dataclass(frozen=True)
class InterviewFact:
    """约谈申请执行人 (node N22)."""

    on: date
    method: str | None = None
    agreed: str | None = None  # 是否同意终本: 是 / 否 / free text; None = not filled in


@dataclass(frozen=True)
class CaseFacts:
    case_number: str
    filed_on: date
    ruling_date: date
    amount_claimed_fen: int
    realised_fen: int = 0
    notice_on: date | None = None  # 执行通知书 (N04)
    report_order_on: date | None = None  # 报告财产令
    money_claim: bool = True
    report_checked: bool = False  # N08 核查 recorded
    report_status: str | None = None  # 按时 / 逾期 / 拒绝 / 虚假 / 未报告
    debtors: tuple[DebtorFacts, ...] = ()
    inquiries: tuple[InquiryFact, ...] = ()
    leads: tuple[LeadFact, ...] = ()
    assets: tuple[AssetFacts, ...] = ()
    measures: tuple[MeasureFact, ...] = ()
    interviews: tuple[InterviewFact, ...] = ()
    debtor_missing: bool = False
    obstruction: bool = False
    sanction_nodes: bool = False  # N17/N18 recorded (罚款/拘留/移送) even without a measure row
    applicant_requested_zhongben: bool = False
    waived: frozenset[str] = frozenset()  # item codes waived by an authorised approver
    # Process nodes that evidence a business fact but have no record (e.g. a 划拨 node without its amount):
    # the file is incomplete, so the case cannot be certified (one fact, one record; issue 11).
    orphan_nodes: tuple[str, ...] = ()

    @property
    def outstanding_fen(self) -> int:
        return self.amount_claimed_fen - self.realised_fen


@dataclass(frozen=True)
class CheckItem:
    code: str  # e.g. R1, R4_limit
    title: str
    status: Status
    basis: str  # the article it comes from
    remedy: str  # what to record to satisfy it (shown when missing)
    detail: str = ""  # what was found, per debtor where relevant
    overridable: bool = False
    advisory: bool = False  # shown, never blocks

    @property
    def blocking(self) -> bool:
        return self.status is Status.MISSING and not self.advisory


@dataclass(frozen=True)
class Readiness:
    ruling_date: date
    earliest_on: date
    items: tuple[CheckItem, ...] = field(default_factory=tuple)

    @property
    def ready(self) -> bool:
        return not any(i.blocking for i in self.items)

    @property
    def unmet(self) -> list[CheckItem]:
        return [i for i in self.items if i.blocking]

    def item(self, code: str) -> CheckItem:
        for i in self.items:
            if i.code == code:
                return i
        raise KeyError(code)


def config() -> dict:
    return load_toml("rules", "zhongben.toml")


def add_months(d: date, months: int) -> date:
    """The corresponding day N months later (or earlier), else that month's last day (民法典 art 202, R20)."""
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def earliest_ruling_date(filed_on: date, floor_months: int | None = None) -> date:
    """R1: the ruling must be strictly later than filing + 3 months. Filed 2024-03-15 → 2024-06-16."""
    months = floor_months if floor_months is not None else config()["thresholds"]["floor_months"]
    return add_months(filed_on, months) + timedelta(days=1)


# ---------------------------------------------------------------- the evaluation


class _Builder:
    def __init__(self, facts: CaseFacts, cfg: dict):
        self.facts = facts
        self.cfg = cfg
        self.items: list[CheckItem] = []

    def add(self, code: str, status: Status, detail: str = "", **fmt: str) -> None:
        spec = self.cfg["items"][code]
        overridable = bool(spec.get("overridable", False))
        if status is Status.MISSING and overridable and code in self.facts.waived:
            status = Status.WAIVED
        self.items.append(CheckItem(code=code, title=spec["title"], status=status, basis=spec["basis"],
                                    remedy=spec["remedy"].format(**fmt) if fmt else spec["remedy"],
                                    detail=detail, overridable=overridable,
                                    advisory=bool(spec.get("advisory", False))))


def _measures(facts: CaseFacts, kinds: Iterable[str], party_id: str | None = None) -> list[MeasureFact]:
    kinds = set(kinds)
    return [m for m in facts.measures if m.kind in kinds and m.started_on <= facts.ruling_date
            and (party_id is None or m.party_id in (party_id, None))]


def _met(ok: bool) -> Status:
    return Status.MET if ok else Status.MISSING


def evaluate(facts: CaseFacts) -> Readiness:
    """Every item with met / missing / not applicable, its article and what to record."""
    cfg = config()
    th, sc, sanc = cfg["thresholds"], cfg["scopes"], cfg["sanctions"]
    b = _Builder(facts, cfg)
    ruling = facts.ruling_date
    earliest = earliest_ruling_date(facts.filed_on, th["floor_months"])
    debtors = facts.debtors

    # R1 — 立案之日起已超过三个月 (art 1(4)).
    b.add("R1", _met(ruling >= earliest),
          f"立案日期{chinese_date(facts.filed_on)}，裁定日期{chinese_date(ruling)}，最早可裁定日期{chinese_date(earliest)}",
          earliest=chinese_date(earliest))

    # R2 — 执行通知 + 报告财产令 (art 1(1), art 2(1)).
    notice_ok = facts.notice_on is not None and facts.notice_on <= ruling
    b.add("R2_notice", _met(notice_ok),
          f"执行通知书发出于{chinese_date(facts.notice_on)}" if facts.notice_on else "未记录执行通知书")
    order_ok = facts.report_order_on is not None and facts.report_order_on <= ruling
    b.add("R2_order", _met(order_ok),
          f"报告财产令发出于{chinese_date(facts.report_order_on)}" if facts.report_order_on else "未记录报告财产令")
    if not (facts.money_claim and notice_ok and order_ok):
        b.add("R2_together", Status.NOT_APPLICABLE, "非金钱给付案件或尚未发出" if not facts.money_claim else "")
    else:
        same = facts.notice_on == facts.report_order_on
        b.add("R2_together", _met(same),
              "同日发出" if same else f"执行通知{chinese_date(facts.notice_on)}，报告财产令{chinese_date(facts.report_order_on)}")

    # R3 — 核查 and sanctions for late / refused / false reports (art 2(2)(3)).
    b.add("R3_check", _met(facts.report_checked),
          f"报告情况：{facts.report_status}" if facts.report_status else ("已核查" if facts.report_checked else "未记录核查"))
    failed = facts.report_status in set(sanc["report_failure_statuses"])
    if not failed:
        b.add("R3_sanction", Status.NOT_APPLICABLE, "被执行人按时如实报告" if facts.report_status else "未记录报告违规情形")
    else:
        sanctions = _measures(facts, sanc["report_sanction_kinds"])
        b.add("R3_sanction", _met(bool(sanctions) or facts.sanction_nodes),
              f"报告情况：{facts.report_status}；处罚记录{len(sanctions)}项")

    # R4 — 限高 active for every debtor; 失信 decided per debtor (art 1(2)).
    no_limit, no_credit = [], []
    for d in debtors:
        active = [m for m in _measures(facts, ["限制消费"], d.party_id)
                  if m.released_on is None or m.released_on > ruling]
        if not active:
            no_limit.append(d.name)
        if not _measures(facts, ["失信"], d.party_id):
            no_credit.append(d.name)
    b.add("R4_limit", _met(bool(debtors) and not no_limit),
          ("缺少：" + "、".join(no_limit)) if no_limit else f"{len(debtors)}名被执行人均已限制消费")
    b.add("R4_credit", _met(bool(debtors) and not no_credit),
          ("缺少：" + "、".join(no_credit)) if no_credit else f"{len(debtors)}名被执行人均已作出失信决定")

    # R5 — 网络查控 within the window, covering every scope, per debtor (art 3(2), S28 check 2).
    window_start = add_months(ruling, -th["network_window_months"]) - timedelta(days=th["network_window_grace_days"])
    required = list(sc["network_required"])
    exempt_words = cfg["exemptions"]["network_name_keywords"]
    gaps = []
    for d in debtors:
        if any(w in d.name for w in exempt_words):
            continue
        covered = {s for q in facts.inquiries if q.method == "网络查控" and window_start <= q.queried_on <= ruling
                   and q.party_id in (d.party_id, None) for s in q.scopes}
        missing = [s for s in required if s not in covered]
        if missing:
            gaps.append(f"{d.name}缺{'、'.join(missing)}")
    network_targets = [d for d in debtors if not any(w in d.name for w in exempt_words)]
    if debtors and not network_targets:
        b.add("R5_network", Status.NOT_APPLICABLE, "被执行人不在总对总查询范围内（村居委会、分公司等）",
              scopes="、".join(required))
    else:
        b.add("R5_network", _met(bool(debtors) and not gaps),
              ("；".join(gaps) + f"（查询期间{chinese_date(window_start)}至{chinese_date(ruling)}）") if gaps
              else f"{chinese_date(window_start)}以来的网络查控已覆盖全部范围", scopes="、".join(required))

    traditional = [q for q in facts.inquiries if q.method == "传统查控" and q.queried_on <= ruling]
    other = _measures(facts, sanc["traditional_kinds"])
    b.add("R5_traditional", _met(bool(traditional or other)),
          f"传统查控{len(traditional)}次，搜查/悬赏/审计{len(other)}项")

    if not facts.leads:
        b.add("R5_leads", Status.NOT_APPLICABLE, "无财产线索")
    else:
        open_leads = [lead for lead in facts.leads if lead.verified_on is None or lead.verified_on > ruling]
        b.add("R5_leads", _met(not open_leads),
              ("未核实：" + "；".join(lead.content[:20] for lead in open_leads)) if open_leads
              else f"{len(facts.leads)}条线索均已核实")

    if not facts.assets:
        b.add("R5_assets", Status.NOT_APPLICABLE, "未查明可供执行的财产")
    else:
        statuses = [disposal.lawful_status(a, ruling, facts.amount_claimed_fen, th, cfg.get("disposal"))
                    for a in facts.assets]
        blocking = [s.detail for s in statuses if s.blocks]
        b.add("R5_assets", _met(not blocking),
              "；".join(blocking) if blocking else "；".join(s.detail for s in statuses))
    b.add("R5_records", _met(not facts.orphan_nodes),
          ("缺少业务记录：" + "；".join(facts.orphan_nodes)) if facts.orphan_nodes else "节点与业务记录一致")

    # R6 (advisory) — 公积金 / 理财 / 保险 / 股息 per debtor (S28 check 4).
    r6_gaps = []
    for d in debtors:
        wanted = list(sc["all_debtor_extra"]) + (list(sc["personal_extra"]) if d.kind == "自然人" else [])
        covered = {s for q in facts.inquiries if q.queried_on <= ruling and q.party_id in (d.party_id, None)
                   for s in q.scopes}
        missing = [s for s in wanted if s not in covered]
        if missing:
            r6_gaps.append(f"{d.name}缺{'、'.join(missing)}")
    b.add("R6_personal", _met(not r6_gaps), "；".join(r6_gaps) or "已调查",
          scopes="、".join(list(sc["personal_extra"]) + list(sc["all_debtor_extra"])))

    # R7 — 下落不明 → 查找; 妨碍执行 → 罚款/拘留/移送 (art 1(5)).
    if not facts.debtor_missing:
        b.add("R7_search", Status.NOT_APPLICABLE, "被执行人下落明确")
    else:
        found = _measures(facts, sanc["search_kinds"])
        b.add("R7_search", _met(bool(found)), f"查找记录{len(found)}项")
    if not facts.obstruction:
        b.add("R7_obstruction", Status.NOT_APPLICABLE, "未记录妨碍执行行为")
    else:
        sanctions = _measures(facts, sanc["obstruction_sanction_kinds"])
        b.add("R7_obstruction", _met(bool(sanctions) or facts.sanction_nodes), f"处罚记录{len(sanctions)}项")

    # R8 — 约谈 on or before the ruling date with 是否同意终本 filled in (art 5; S28 check 8).
    if facts.applicant_requested_zhongben:
        b.add("R8_interview", Status.NOT_APPLICABLE, "申请执行人申请终结本次执行程序")
    else:
        done = [i for i in facts.interviews if i.on <= ruling and (i.agreed or "").strip()]
        latest = max(done, key=lambda i: i.on) if done else None
        b.add("R8_interview", _met(latest is not None),
              f"{chinese_date(latest.on)}约谈，是否同意终本：{latest.agreed}" if latest
              else "未记录约谈或未填写是否同意终本")

    # R10 — something still outstanding; at least one debtor who can still owe (S28 checks 9, 11).
    b.add("R10_outstanding", _met(facts.outstanding_fen > 0),
          f"申请执行标的{format_yuan(facts.amount_claimed_fen)}元，已到位{format_yuan(facts.realised_fen)}元，"
          f"尚未到位{format_yuan(max(facts.outstanding_fen, 0))}元")
    alive = [d for d in debtors if d.kind != "自然人" or not d.deceased]
    b.add("R10_subject", _met(bool(alive)), f"{len(alive)}/{len(debtors)}名被执行人可继续承担义务")

    return Readiness(ruling_date=ruling, earliest_on=earliest, items=tuple(b.items))


def small_balance_exempt(asset: AssetFacts, amount_claimed_fen: int, thresholds: dict | None = None) -> bool:
    """R5: a bank or online-finance balance < 1,000 yuan and ≤ 5 % of the amount to execute needs no reason."""
    return disposal.small_balance(asset, amount_claimed_fen, thresholds or config()["thresholds"])


def overridable_codes() -> list[str]:
    return [code for code, spec in config()["items"].items() if spec.get("overridable")]


def describe_unmet(readiness: Readiness) -> list[str]:
    """One Chinese line per blocking item: what is missing, where it comes from, and what to record."""
    return [f"【{i.title}】{i.detail}。依据：{i.basis}。需要：{i.remedy}" for i in readiness.unmet]
