"""The disposal of found property (已查明财产) and when it lawfully "cannot be disposed of" (终本规定 art 4).

Pure Python over plain facts. DOMAIN.md §1.4: property found blocks 终本 until it is disposed of, or until one of
the two cases of art 4 is shown: (1) the statutory auction and sale-off procedure ran without a buyer and the
applicant refused it in payment (movables auctioned twice, real estate and other property rights three times,
S5 reading of 立案结案意见 art 16(4); after the last failed auction of real estate a 变卖 that found no buyer,
拍卖变卖规定 art 25), or (2) a vehicle, ship or similar asset sealed at the registry could not actually be seized.
The required rounds and which classes need a 变卖 are data (resources/rules/zhongben.toml [disposal]).

``disposal_state`` is the one derived description of where an asset stands; ``lawful_status`` says whether the
asset still blocks 终本 and why. The services refresh the stored state from these functions only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from execdesk.resources import load_toml
from execdesk.rules.dates import chinese_date
from execdesk.rules.money import format_yuan

AUCTION_METHODS = ("网络司法拍卖", "委托拍卖")
SOLD = ("成交", "变卖成交")
NO_BUYER = "流拍"
SALE_FAILED = "变卖不成"
OFFER_ACCEPTED = "申请人接受抵债"
OFFER_REFUSED = "申请人拒绝抵债"
REASON_AUCTIONS = "拍卖变卖不成且申请人拒绝以物抵债"
REASON_NOT_SEIZED = "登记查封未能实际扣押"
REASON_SMALL = "小额存款无需处置"
SEIZABLE_KINDS = ("车辆", "船舶", "航空器")


@dataclass(frozen=True)
class AssetEvent:
    """An evaluation (N12) or a disposal attempt (N13) of one asset."""

    code: str  # N12 / N13
    started_on: date | None
    ended_on: date | None  # None: still running
    method: str | None = None  # disposal_methods
    result: str | None = None  # disposal_results
    notice_on: date | None = None

    @property
    def begun_on(self) -> date | None:
        return self.notice_on or self.started_on


@dataclass(frozen=True)
class AssetFacts:
    asset_id: str
    kind: str  # asset_kinds value
    asset_class: str  # 存款 / 动产 / 不动产 / 其他财产权 (vocabularies.toml asset_kinds.classes)
    description: str
    value_fen: int = 0
    cannot_dispose_reason: str | None = None
    reason_text: str | None = None
    seal_kind: str | None = None  # 查封 / 扣押 / 冻结 of its controlling measure
    seal_released_on: date | None = None
    events: tuple[AssetEvent, ...] = ()
    paid_fen: int = 0  # payments recorded as coming from this asset (划拨 of a frozen deposit, 拍卖款)
    paid_on: date | None = None


@dataclass(frozen=True)
class AssetStatus:
    state: str  # the derived disposal state shown on screen
    disposed: bool
    blocks: bool  # still blocks 终本 (art 4 not shown)
    detail: str = ""
    missing: tuple[str, ...] = field(default_factory=tuple)


def config() -> dict:
    return load_toml("rules", "zhongben.toml").get("disposal", {})


def _events_until(a: AssetFacts, on: date) -> list[AssetEvent]:
    return [e for e in a.events if (e.begun_on or e.ended_on or on) <= on]


def disposal_state(a: AssetFacts, on: date) -> tuple[str, bool]:
    """(state, disposed) of an asset as of ``on``."""
    events = _events_until(a, on)
    done = [e for e in events if e.code == "N13" and e.ended_on is not None and e.ended_on <= on]
    if any(e.result in SOLD for e in done):
        return "已变价", True
    if any(e.result == OFFER_ACCEPTED for e in done):
        return "已以物抵债", True
    if a.paid_fen > 0 and a.paid_on is not None and a.paid_on <= on:
        if a.asset_class == "存款" and a.value_fen and a.paid_fen < a.value_fen:
            return f"已划拨{format_yuan(a.paid_fen)}元", False
        return "已划拨", True
    running = [e for e in events if e.code == "N13" and (e.ended_on is None or e.ended_on > on)]
    if running:
        return "处置中", False
    if done:
        last = done[-1]
        failed = sum(1 for e in done if e.method in AUCTION_METHODS and e.result == NO_BUYER)
        if last.result == NO_BUYER:
            return f"第{failed}次流拍", False
        return str(last.result or "处置中"), False
    if any(e.code == "N12" and (e.ended_on is None or e.ended_on > on) for e in events):
        return "评估中", False
    if any(e.code == "N12" for e in events):
        return "已评估", False
    if a.seal_released_on is not None and a.seal_released_on <= on:
        return "已解除控制", False
    if a.seal_kind:
        return f"已{a.seal_kind}", False
    return "未处置", False


def small_balance(a: AssetFacts, amount_claimed_fen: int, thresholds: dict) -> bool:
    """R5: a bank or online-finance balance < 1,000 yuan and ≤ 5 % of the amount to execute (integer maths)."""
    return (a.asset_class == "存款" and a.value_fen < thresholds["small_balance_max_fen"]
            and a.value_fen * 100 <= amount_claimed_fen * thresholds["small_balance_max_percent"])


def auction_chain_gaps(a: AssetFacts, on: date, cfg: dict | None = None) -> list[str]:
    """What the statutory auction → sale-off → 以物抵债 chain of art 4(1) still lacks for this asset."""
    cfg = cfg or config()
    rounds_needed = int(cfg.get("auction_rounds", {}).get(a.asset_class, 0))
    if rounds_needed == 0:
        return [f"{a.asset_class}应直接划拨或提取，不适用拍卖变卖程序"]
    events = _events_until(a, on)
    done = [e for e in events if e.code == "N13" and e.ended_on is not None and e.ended_on <= on]
    auctions = [e for e in done if e.method in AUCTION_METHODS]
    failed = [e for e in auctions if e.result == NO_BUYER]
    gaps: list[str] = []
    if len(failed) < rounds_needed:
        gaps.append(f"{a.asset_class}须经{rounds_needed}次拍卖流拍，已记录{len(failed)}次")
    evaluations = [e for e in events if e.code == "N12" and e.ended_on is not None]
    first_auction = min((e.begun_on for e in auctions if e.begun_on), default=None)
    if cfg.get("evaluation_before_auction", True) and auctions:
        if not evaluations:
            gaps.append("拍卖前未记录评估（N12）")
        elif first_auction and min(e.ended_on for e in evaluations if e.ended_on) > first_auction:
            gaps.append(f"评估完成前已于{chinese_date(first_auction)}启动拍卖")
    if a.asset_class in cfg.get("sale_after_auctions", ()):
        last_failed = max((e.ended_on for e in failed if e.ended_on), default=None)
        sales = [e for e in done if e.method == "变卖" and e.result == SALE_FAILED
                 and (last_failed is None or (e.ended_on and e.ended_on >= last_failed))]
        if not sales:
            gaps.append("最后一次流拍后未记录变卖不成（拍卖变卖规定第二十五条）")
    refused = [e for e in done if e.result == OFFER_REFUSED]
    if not refused:
        gaps.append("未记录申请执行人拒绝以物抵债")
    return gaps


def lawful_status(a: AssetFacts, on: date, amount_claimed_fen: int, thresholds: dict,
                  cfg: dict | None = None) -> AssetStatus:
    """Does this asset still block 终本 on ``on``? (终本规定 art 1(3), art 4; R5; S28 check 6)"""
    cfg = cfg or config()
    state, disposed = disposal_state(a, on)
    label = f"{a.description}（{a.kind}，{format_yuan(a.value_fen)}元）"
    if disposed:
        return AssetStatus(state, True, False, f"{label}：{state}")
    reason = (a.cannot_dispose_reason or "").strip()
    if small_balance(a, amount_claimed_fen, thresholds) and reason in ("", REASON_SMALL):
        return AssetStatus(state, False, False, f"{label}：小额存款，无需说明")
    if not reason:
        hint = "；已填写的说明未选择法定原因" if (a.reason_text or "").strip() else ""
        gaps = auction_chain_gaps(a, on, cfg) if any(e.code == "N13" for e in a.events) else []
        more = ("；拍卖变卖程序尚缺：" + "；".join(gaps)) if gaps else ""
        return AssetStatus(state, False, True, f"{label}：{state}，尚未处置，也未记录不能处置的法定原因{hint}{more}",
                           ("处置该财产，或记录不能处置的法定原因", *gaps))
    if reason == REASON_AUCTIONS:
        gaps = auction_chain_gaps(a, on, cfg)
        if gaps:
            return AssetStatus(state, False, True, f"{label}：{state}；" + "；".join(gaps), tuple(gaps))
        return AssetStatus(state, False, False, f"{label}：拍卖、变卖均未成交，申请执行人拒绝以物抵债")
    if reason == REASON_NOT_SEIZED:
        if a.kind not in SEIZABLE_KINDS:
            gap = f"“{REASON_NOT_SEIZED}”只适用于{'、'.join(SEIZABLE_KINDS)}等登记财产（本项为{a.kind}）"
            return AssetStatus(state, False, True, f"{label}：{gap}", (gap,))
        if a.seal_kind != "查封":
            gap = "未记录在登记机关的查封"
            return AssetStatus(state, False, True, f"{label}：{gap}", (gap,))
        return AssetStatus(state, False, False, f"{label}：已登记查封，未能实际扣押")
    if reason == REASON_SMALL:
        gap = "不符合小额存款条件（不足1,000元且不超过执行标的5%）"
        return AssetStatus(state, False, True, f"{label}：{gap}", (gap,))
    if not (a.reason_text or "").strip():
        gap = f"选择“{reason}”时须写明具体情况"
        return AssetStatus(state, False, True, f"{label}：{gap}", (gap,))
    return AssetStatus(state, False, False, f"{label}：{reason}（{a.reason_text.strip()}）")
