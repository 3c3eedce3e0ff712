"""Approval routes for a 终本 ruling (R9; seed 一.4(1) 院长审签): which steps, who may sign each, who signs
the ruling. Pure: routes are data in ``resources/rules/approval_routes.toml``; the facts are plain values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from execdesk.resources import load_toml
from execdesk.rules.errors import ValidationError

APPROVE = "同意"
REJECT = "不同意"
DECISIONS = (APPROVE, REJECT)


@dataclass(frozen=True)
class Step:
    code: str
    name: str
    roles: tuple[str, ...]
    records_panel: bool = False
    self_allowed: bool = False


@dataclass(frozen=True)
class Route:
    name: str
    label: str
    basis: str
    signers: str  # "panel" | "handler"
    steps: tuple[Step, ...]

    def step(self, code: str) -> Step:
        for s in self.steps:
            if s.code == code:
                return s
        raise ValidationError(f"审批路径“{self.name}”没有“{code}”这一步（应为{'、'.join(s.code for s in self.steps)}）",
                              "审批步骤")


@dataclass(frozen=True)
class ApprovalFact:
    """One recorded decision (a row of ``approvals``), as plain data."""

    step: str
    approver_id: str | None
    approver_name: str
    decision: str
    draft_sha256: str | None
    decided_at: datetime
    opinion: str | None = None


@dataclass(frozen=True)
class SignerLine:
    title: str  # 审判长 / 审判员 / 执行员
    name: str


def _data() -> dict:
    return load_toml("rules", "approval_routes.toml")


def default_route_name() -> str:
    return _data()["default"]


def route_names() -> list[str]:
    return list(_data()["routes"])


def route(name: str | None) -> Route:
    data = _data()
    name = name or data["default"]
    spec = data["routes"].get(name)
    if spec is None:
        raise ValidationError(f"未知的审批路径“{name}”（应为{'、'.join(data['routes'])}之一）", "审批路径")
    steps = tuple(Step(code=s["code"], name=s["name"], roles=tuple(s["roles"]),
                       records_panel=bool(s.get("records_panel", False)),
                       self_allowed=bool(s.get("self_allowed", False))) for s in spec["steps"])
    return Route(name=name, label=spec["label"], basis=spec["basis"], signers=spec["signers"], steps=steps)


def panel_titles() -> tuple[str, str, int]:
    p = _data()["panel"]
    return p["presiding_title"], p["member_title"], int(p["size"])


def check_signer(rt: Route, step_code: str, *, approver_id: str, approver_role: str,
                 handler_id: str | None) -> Step:
    """May this person sign this step? A 承办人 never approves their own ruling (only records the applicant's
    confirmation where the route allows it). Raises ValidationError with the reason."""
    step = rt.step(step_code)
    if approver_role not in step.roles:
        raise ValidationError(f"“{step.name}”须由{'、'.join(step.roles)}签署，当前账号的角色是{approver_role}", "审批人")
    if handler_id is not None and approver_id == handler_id and not step.self_allowed:
        raise ValidationError("承办人不能审批自己承办案件的裁定", "审批人")
    return step


def latest_decisions(approvals: Sequence[ApprovalFact]) -> dict[str, ApprovalFact]:
    """The latest decision per step (a later 不同意 cancels an earlier 同意, and vice versa)."""
    latest: dict[str, ApprovalFact] = {}
    for a in sorted(approvals, key=lambda a: a.decided_at):
        latest[a.step] = a
    return latest


def pending_steps(rt: Route, approvals: Sequence[ApprovalFact], draft_sha256: str) -> list[Step]:
    """Steps without a current 同意 on exactly this draft (a changed draft needs approval again)."""
    latest = latest_decisions(approvals)
    return [s for s in rt.steps
            if s.code not in latest or latest[s.code].decision != APPROVE
            or latest[s.code].draft_sha256 != draft_sha256]


def check_order(rt: Route, step_code: str, approvals: Sequence[ApprovalFact], draft_sha256: str) -> None:
    """Steps are signed in route order: every earlier step must already approve this draft."""
    pending = {s.code for s in pending_steps(rt, approvals, draft_sha256)}
    for s in rt.steps:
        if s.code == step_code:
            return
        if s.code in pending:
            raise ValidationError(f"须先完成“{s.name}”，才能进行“{rt.step(step_code).name}”", "审批步骤")


def signer_block(rt: Route, *, panel: Sequence[str] = (), handler_name: str | None = None,
                 handler_title: str | None = None) -> list[SignerLine]:
    """The ruling's signer lines per the route: the 合议庭 (审判长 first) or the single handling judge."""
    presiding, member, size = panel_titles()
    if rt.signers == "panel":
        if len(panel) != size:
            raise ValidationError(f"合议庭应由{size}人组成（审判长1人、审判员{size - 1}人），现为{len(panel)}人", "合议庭")
        return [SignerLine(presiding, panel[0])] + [SignerLine(member, n) for n in panel[1:]]
    if not handler_name:
        raise ValidationError("案件未指定承办人，无法确定署名", "承办人")
    return [SignerLine(handler_title or "审判员", handler_name)]
