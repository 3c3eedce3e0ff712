"""Approval routes (R9; seed 一.4(1) 终本裁定书一律由院长审签): who may sign each step, password confirmation,
the draft's SHA-256, and that a ruling cannot be issued without the approvals its route requires."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import TODAY
from sqlalchemy import select
from zb_fixtures import add_judge, approve_all, make_ready_case, pdf_text, squeeze

from execdesk.models import Approval, AuditEntry, Court, Node
from execdesk.rules import approval as rules
from execdesk.rules.errors import ValidationError
from execdesk.services import cases, documents
from execdesk.services.approvals import approval_status, approve_ruling


@pytest.fixture
def cid(store, actor):
    add_judge(store, actor)
    return make_ready_case(store, actor)


def test_shandong_default_route_is_panel_director_and_president():
    rt = rules.route(None)
    assert rt.name == "院长审签"
    assert [s.code for s in rt.steps] == ["合议庭", "执行局长", "院长"]
    assert rt.step("院长").roles == ("院长",)
    # The national alternatives exist as data (解释 art 517's two branches).
    assert {"合议庭院长批准", "申请执行人确认"} <= set(rules.route_names())
    with pytest.raises(ValidationError, match="未知的审批路径"):
        rules.route("口头批准")


def test_r9_ruling_cannot_be_issued_without_every_step(store, actor, cid):
    with pytest.raises(documents.ApprovalMissingError) as err:
        documents.issue_ruling(store, actor, cid, today=TODAY)
    assert err.value.pending == ["合议庭评议", "执行局长审核", "院长审签"]
    kw = dict(password="password123", today=TODAY)
    approve_ruling(store, actor, cid, step="合议庭", approver_username="zhaolei", panel=["zhangwei", "zhoumin"], **kw)
    approve_ruling(store, actor, cid, step="执行局长", approver_username="zhaolei", **kw)
    with pytest.raises(documents.ApprovalMissingError, match="院长审签"):
        documents.issue_ruling(store, actor, cid, today=TODAY)
    approve_ruling(store, actor, cid, step="院长", approver_username="sunli", opinion="同意", **kw)
    assert documents.issue_ruling(store, actor, cid, today=TODAY).version_no == 1


def test_wrong_password_is_refused_and_nothing_is_written(store, actor, cid):
    with pytest.raises(ValidationError, match="用户名或密码不正确"):
        approve_ruling(store, actor, cid, step="合议庭", approver_username="zhaolei", password="guess1234",
                       panel=["zhangwei", "zhoumin"], today=TODAY)
    with store.read() as s:
        assert s.scalar(select(Approval.id).where(Approval.subject == "终本裁定")) is None


def test_handler_cannot_approve_own_ruling(store, actor):
    add_judge(store, actor)
    add_judge(store, actor, "wuhan", "吴涵")
    # 周敏 (审判员) handles this case: she may sit on no approval step of her own ruling.
    cid = make_ready_case(store, actor, handler_username="zhoumin")
    with pytest.raises(ValidationError, match="承办人不能审批自己承办案件的裁定"):
        approve_ruling(store, actor, cid, step="合议庭", approver_username="zhoumin", password="password123",
                       panel=["zhangwei", "wuhan"], today=TODAY)


def test_each_step_only_by_its_roles_and_in_order(store, actor, cid):
    with pytest.raises(ValidationError, match="须由院长签署，当前账号的角色是书记员"):
        approve_ruling(store, actor, cid, step="院长", approver_username="liuyang", password="password123",
                       today=TODAY)
    with pytest.raises(ValidationError, match="须先完成“合议庭评议”"):
        approve_ruling(store, actor, cid, step="院长", approver_username="sunli", password="password123",
                       today=TODAY)
    with pytest.raises(ValidationError, match="合议庭应由3人组成"):
        approve_ruling(store, actor, cid, step="合议庭", approver_username="zhaolei", password="password123",
                       panel=["zhangwei"], today=TODAY)


def test_approval_records_who_when_opinion_and_the_draft_hash(store, actor, cid):
    draft = documents.draft_ruling(store, cid, today=TODAY)
    approve_all(store, actor, cid)
    with store.read() as s:
        rows = list(s.scalars(select(Approval).where(Approval.case_id == cid).order_by(Approval.decided_at)))
        panel = s.scalar(select(Node).where(Node.case_id == cid, Node.code == "N23"))
        audit = list(s.scalars(select(AuditEntry).where(AuditEntry.action == "审批", AuditEntry.case_id == cid)))
    assert [(r.step, r.approver_name, r.decision) for r in rows] == [
        ("合议庭", "赵磊", "同意"), ("执行局长", "赵磊", "同意"), ("院长", "孙立", "同意")]
    assert {r.draft_sha256 for r in rows} == {draft.content_sha256}
    assert rows[2].opinion == "同意终结本次执行程序" and rows[2].decided_at is not None
    assert panel.data["panel"] == ["赵磊", "张伟", "周敏"] and panel.linked_id == rows[0].id
    assert len(audit) == 3
    assert all(s.done for s in approval_status(store, cid, today=TODAY))


def test_a_change_after_approval_needs_approval_again(store, actor, cid):
    approve_all(store, actor, cid)
    cases.record_payment(store, actor, cid, kind="到账", amount="500.00", paid_on=date(2026, 11, 20), today=TODAY)
    with pytest.raises(documents.ApprovalMissingError):
        documents.issue_ruling(store, actor, cid, today=TODAY)
    assert all(s.stale for s in approval_status(store, cid, today=TODAY))


def test_a_later_rejection_cancels_the_approval(store, actor, cid):
    approve_all(store, actor, cid)
    with pytest.raises(ValidationError, match="不同意时必须写明理由"):
        approve_ruling(store, actor, cid, step="院长", approver_username="sunli", password="password123",
                       decision="不同意", today=TODAY)
    approve_ruling(store, actor, cid, step="院长", approver_username="sunli", password="password123",
                   decision="不同意", opinion="请再次实地调查被执行人经营场所", today=TODAY)
    with pytest.raises(documents.ApprovalMissingError, match="院长审签"):
        documents.issue_ruling(store, actor, cid, today=TODAY)


def test_not_ready_case_is_refused_with_each_condition(store, actor):
    cid = make_ready_case(store, actor, interview=False)
    with pytest.raises(documents.NotReadyError) as err:
        documents.issue_ruling(store, actor, cid, today=TODAY)
    assert len(err.value.unmet) == 1 and "约谈申请执行人" in err.value.unmet[0]


def test_signer_block_follows_the_route(store, actor, cid):
    approve_all(store, actor, cid)
    panel_pdf = documents.issue_ruling(store, actor, cid, today=TODAY).original
    assert "审判长赵磊审判员张伟审判员周敏" in squeeze(pdf_text(panel_pdf))
    # The national applicant-confirmation route: one signer, the handling judge (张伟, 审判员).
    with store.transaction() as s:
        s.scalar(select(Court)).approval_route = "申请执行人确认"
    with pytest.raises(documents.ApprovalMissingError, match="申请执行人签字确认"):
        documents.issue_ruling(store, actor, cid, today=TODAY)
    # Recording the applicant's signed confirmation is the one step the 承办人 may record.
    approve_ruling(store, actor, cid, step="申请人确认", approver_username="zhangwei", password="password123",
                   opinion="申请执行人王芳已签字确认", today=TODAY)
    single = squeeze(pdf_text(documents.issue_ruling(store, actor, cid, today=TODAY).original)).replace("（此页无正文）", "")
    assert "本裁定送达后即发生法律效力。审判员张伟（院印）" in single and "审判长" not in single
