"""Words for people (issue 17 item 6): what the 操作记录 and the node details say, in Chinese labels with
formatted values and people's names — never column names, fen, ``None``, user names or hashes.

Pure functions over plain values (the audit rows' JSON snapshots); ``display_names`` reads the profiles.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from execdesk.models.database import dbapi_connection
from execdesk.rules.money import format_yuan

ENTITY_LABELS = {
    "case": "案件", "party": "当事人", "execution_basis": "执行依据", "node": "流程节点", "property_lead": "财产线索",
    "property_inquiry": "财产查控", "found_asset": "已查明财产", "measure": "执行措施", "payment": "执行款",
    "deduction": "扣除期间", "extension": "延长期限", "approval": "审批", "explanation": "书面说明",
    "issued_document": "文书", "users": "账号", "courts": "法院", "supervision_item": "督办",
}

# Column → label, shared by every entity (a column means the same wherever it appears).
FIELD_LABELS = {
    "case_number": "案号", "former_numbers": "曾用案号", "year": "年度", "court_code": "法院代字", "type_code": "类型代字",
    "serial": "序号", "received_on": "收案日期", "filed_on": "立案日期", "assigned_on": "分案日期",
    "handler_id": "承办人", "clerk_id": "书记员", "cause": "案由", "amount_claimed_fen": "申请执行标的",
    "is_livelihood": "涉民生", "is_non_litigation": "非诉执行", "debtor_missing": "被执行人下落不明",
    "obstruction": "妨碍执行", "applicant_requested_zhongben": "申请执行人同意终本", "origin_case_id": "原案",
    "status": "状态", "closure_method": "结案方式", "closed_on": "结案日期", "notes": "备注",
    "role": "身份", "kind": "类型", "name": "名称", "id_number": "证件号码", "sex": "性别", "birth_date": "出生日期",
    "ethnicity": "民族", "address": "住所", "phone": "联系电话", "legal_rep": "法定代表人",
    "legal_rep_title": "法定代表人职务", "represents_party_id": "被代理人", "deceased": "已死亡/注销", "seq": "序号",
    "issuing_body": "作出机构", "document_type": "文书名称", "document_number": "文号", "effective_on": "生效日期",
    "content": "内容", "applied_on": "申请日期", "code": "节点", "started_on": "开始日期", "due_on": "届满日期",
    "ended_on": "完成日期", "handler_name": "处理人", "limit_days": "期限（天）", "actual_days": "实际天数",
    "description": "说明", "data": "节点信息", "corrects_id": "更正的记录", "linked_entity": "对应业务",
    "linked_id": "对应记录", "source": "来源", "given_on": "提供日期", "urgent": "紧急", "verified_on": "核实日期",
    "result": "结果", "party_id": "被执行人", "method": "方式", "scopes": "查询范围", "queried_on": "查询日期",
    "feedback_on": "反馈日期", "found_property": "发现财产", "value_fen": "价值", "not_executable_reason": "不能执行的原因",
    "disposed": "已处置", "asset_kind": "财产类别", "expires_on": "届满日期", "released_on": "解除日期",
    "amount_fen": "金额", "not_applicable_reason": "不适用原因", "paid_on": "日期", "route": "方式", "reason": "原因",
    "approver": "批准人", "approving_body": "批准机关", "approved_on": "批准日期", "months": "延长（月）",
    "high_court_filed": "已层报高院备案", "subject": "审批事项", "step": "审批步骤", "approver_id": "审批人",
    "approver_name": "审批人", "decision": "意见", "opinion": "审批意见", "decided_at": "审批时间",
    "reasons": "超期原因", "reason_text": "原因说明", "next_steps": "下一步措施", "planned_close_on": "计划结案日期",
    "planned_method": "计划结案方式", "director_opinion": "局长意见", "version_no": "版本", "document_date": "文书日期",
    "issued_by": "出具人",
}
# Never shown to a person: keys, counters, derived columns, fingerprints.
HIDDEN = frozenset({
    "id", "version", "created_at", "updated_at", "case_id", "court_id", "search_text", "limit_due_on", "next_due_on",
    "warning_level", "overdue_days", "explanation_owed", "zhongben_earliest_on", "zhongben_ready",
    "deadlines_provisional", "draft_sha256", "sha256", "password_hash", "year", "court_code", "type_code", "serial",
})
# What a new row is named by in the log (the first of these it has).
HEADLINE = ("case_number", "name", "kind", "code", "step", "amount_fen", "started_on", "paid_on", "content")
# Node form data written by the services (not typed in the catalogue form): their labels, hashes hidden.
NODE_DATA_LABELS = {"panel": "合议庭成员", "ruling_date": "裁定日期", "draft_sha256": None, "approval_id": None}


def format_value(key: str, value: Any, names: dict[str, str] | None = None) -> str:
    """One value as a person reads it: 元 for money, 2026年3月5日 for dates, 是/否, （空） for nothing, and the
    person's name for a profile id."""
    if value is None or value == "" or value == []:
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if key.endswith("_fen") and isinstance(value, int):
        return f"{format_yuan(value)}元"
    if key.endswith("_id") and names and isinstance(value, str) and value in names:
        return names[value]
    if key.endswith(("_on", "_date")) and isinstance(value, str) and len(value) >= 10:
        try:
            d = date.fromisoformat(value[:10])
            return f"{d.year}年{d.month}月{d.day}日"
        except ValueError:
            return value
    if key.endswith("_at") and isinstance(value, str):
        try:
            return datetime.fromisoformat(value).astimezone().strftime("%Y-%m-%d %H:%M")
        except ValueError:
            return value
    if isinstance(value, list):
        return "、".join(map(str, value))
    if isinstance(value, dict):
        return node_data_text(value)
    return str(value)


def field_label(key: str) -> str:
    return FIELD_LABELS.get(key, key)


def change_text(before: dict | None, after: dict | None, names: dict[str, str] | None = None) -> str:
    """What an audit entry changed: '新建：名称 李强' or '住所：济南市历下区 → 济南市历城区；联系电话：（空） → 0531…'."""
    if not after:
        return ""
    if before is None:
        shown = [f"{field_label(k)} {format_value(k, after[k], names)}" for k in HEADLINE
                 if after.get(k) not in (None, "", [])][:2]
        return "新建：" + "，".join(shown) if shown else "新建"
    diffs = [f"{field_label(k)}：{format_value(k, before.get(k), names)} → {format_value(k, after.get(k), names)}"
             for k in after if k not in HIDDEN and before.get(k) != after.get(k)]
    return "；".join(diffs) or "（无可见变化）"


def node_data_text(data: dict | None, labels: dict[str, str] | None = None) -> str:
    """A node's form data with labels (catalogue labels first, then the services' own keys); hashes hidden."""
    out = []
    for k, v in (data or {}).items():
        label = (labels or {}).get(k) or NODE_DATA_LABELS.get(k, FIELD_LABELS.get(k, k))
        if label is None or k in HIDDEN:
            continue
        out.append(f"{label}：{format_value(k, v)}")
    return "；".join(out)


def display_names(db: Any) -> dict[str, str]:
    """user name and profile id → the person's name (inactive profiles too: history still names them)."""
    out: dict[str, str] = {}
    for uid, username, name in dbapi_connection(db).execute("SELECT id, username, display_name FROM users"):
        out[uid] = name
        out[username] = name
    return out


def actor_text(actor: str, names: dict[str, str]) -> str:
    """The audit log's actor as a person: 张伟; the command line's os:NAME as 命令行（NAME）."""
    if actor in names:
        return names[actor]
    if actor.startswith("os:"):
        return f"命令行（{actor[3:]}）"
    return {"system": "系统", "sync": "省平台同步"}.get(actor, actor)
