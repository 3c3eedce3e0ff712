"""Approvals of a 终本 ruling along the court's route (R9; seed 一.4(1) 院长审签).

The approver confirms with their own password (``accounts.authenticate``: scrypt, never stored plainly);
the row records who, when, the decision and opinion, and the SHA-256 of the draft's content they approved —
a later change to the case changes the draft and needs approval again. A 承办人 never approves their own
ruling. The 合议庭 step also names the panel, recorded as node N23 (合议/审批) linked to the approval: the
signer block of the ruling comes from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from execdesk.models import Approval, Court, User
from execdesk.models.database import Store
from execdesk.rules import approval as rules
from execdesk.rules.dates import parse_date
from execdesk.rules.errors import ValidationError
from execdesk.services import derived, records
from execdesk.services.accounts import authenticate
from execdesk.services.changes import record_change
from execdesk.services.context import Actor
from execdesk.services.documents import RULING_SUBJECT, approval_facts, current_route, ruling_text
from execdesk.services.lookup import get_case


@dataclass(frozen=True)
class StepStatus:
    code: str
    name: str
    roles: tuple[str, ...]
    done: bool  # a current 同意 on this draft
    approver: str | None
    decision: str | None
    opinion: str | None
    decided_at: datetime | None
    stale: bool  # approved, but an earlier draft (the case changed since)


def check_same_pc_allowed(session: Session) -> None:
    """Same-PC approval (the approver's password typed on the 承办人's PC) unless the court chose platform only
    (courts.approval_mode, issue 13 item 4; the platform relay is services/platform_approvals.py)."""
    court = session.scalar(select(Court).order_by(Court.created_at).limit(1))
    if court is not None and (court.approval_mode or "both") == "platform":
        raise ValidationError("本院设置为审批人在本人电脑上审批（经省平台流转），请提交审批请求", "审批方式")


def panel_users(session: Session, presiding: User, usernames: list[str]) -> list[str]:
    _, _, size = rules.panel_titles()
    names = [presiding.display_name]
    for username in usernames:
        u = session.scalar(select(User).where(User.username == username.strip(), User.active.is_(True)))
        if u is None:
            raise ValidationError(f"本地没有账号“{username}”", "合议庭成员")
        if u.display_name in names:
            raise ValidationError(f"{u.display_name}在合议庭中重复", "合议庭成员")
        names.append(u.display_name)
    if len(names) != size:
        raise ValidationError(f"合议庭应由{size}人组成（审判长即本步骤审批人，另需{size - 1}名审判员），现为{len(names)}人",
                              "合议庭成员")
    return names


def approve_ruling(store: Store, actor: Actor, case_id: str, *, step: str, approver_username: str, password: str,
                   decision: str = rules.APPROVE, opinion: str | None = None, ruling_date=None,
                   panel: list[str] | None = None, today: date | None = None) -> str:
    """Record one step's decision on the current draft of the ruling (dated ``ruling_date``, default today)."""
    today = today or date.today()
    when = parse_date(ruling_date, "裁定日期") if ruling_date else today
    if decision not in rules.DECISIONS:
        raise ValidationError(f"应为{'或'.join(rules.DECISIONS)}", "审批意见")
    if decision == rules.REJECT and not (opinion or "").strip():
        raise ValidationError("不同意时必须写明理由", "审批意见")
    approver = authenticate(store, approver_username, password)  # the approver's own password
    assert approver.user_id is not None  # authenticate returns a stored profile
    with store.transaction() as session:
        check_same_pc_allowed(session)  # court setting approval_mode (issue 13 item 4)
        case = get_case(session, case_id)
        rt = current_route(case)
        st = rules.check_signer(rt, step, approver_id=approver.user_id, approver_role=approver.role,
                                handler_id=case.handler_id)
        sha = ruling_text(session, case, when).content_sha256()
        if decision == rules.APPROVE:
            rules.check_order(rt, step, approval_facts(session, case.id), sha)
        names: list[str] = []
        if st.records_panel and decision == rules.APPROVE:
            names = panel_users(session, session.get_one(User, approver.user_id), list(panel or []))
        row = Approval(case_id=case.id, subject=RULING_SUBJECT, route=rt.name, step=st.code,
                       approver_id=approver.user_id, approver_name=approver.display_name, decision=decision,
                       opinion=(opinion or "").strip() or None, draft_sha256=sha)
        session.add(row)
        record_change(session, actor, row, "审批")
        if names:
            # The 合议 node is written by this authenticated path only (system data, not a form's fields).
            from execdesk.services import pipeline

            w = pipeline.in_session(session, actor, today)
            node = records.write_node(
                w, case, "N23", started_on=today, ended_on=today, status="已完成",
                fields={"panel": names, "ruling_date": when.isoformat(), "draft_sha256": sha},
                handler_name=approver.display_name,
                description=f"合议庭评议：审判长{names[0]}，审判员{'、'.join(names[1:])}，意见：{decision}")
            node.linked_entity, node.linked_id = "approval", row.id
            pipeline.finish(w)
        else:
            derived.refresh_case(session, case, today=today)
        return row.id


def approval_status(store: Store, case_id: str, *, ruling_date=None, today: date | None = None) -> list[StepStatus]:
    """Each step of the court's route for the current draft: done, pending, or approved on an older draft."""
    today = today or date.today()
    when = parse_date(ruling_date, "裁定日期") if ruling_date else today
    with store.read() as session:
        case = get_case(session, case_id)
        rt = current_route(case)
        sha = ruling_text(session, case, when).content_sha256()
        latest = rules.latest_decisions(approval_facts(session, case.id))
        out = []
        for s in rt.steps:
            a = latest.get(s.code)
            done = bool(a and a.decision == rules.APPROVE and a.draft_sha256 == sha)
            out.append(StepStatus(code=s.code, name=s.name, roles=s.roles, done=done,
                                  approver=a.approver_name if a else None, decision=a.decision if a else None,
                                  opinion=a.opinion if a else None, decided_at=a.decided_at if a else None,
                                  stale=bool(a and a.decision == rules.APPROVE and a.draft_sha256 != sha)))
        return out
