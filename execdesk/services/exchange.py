"""Import / export of cases as JSON (docs/data-format.md). Same field shape as the sync payload.

Export keeps ids and versions, so export → import into an empty database → export gives the same document.
Import is all-or-nothing: every record is validated first; any error aborts with a Chinese message per record.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from execdesk import __version__
from execdesk.models import (
    Case,
    Court,
    Deduction,
    ExecutionBasis,
    Extension,
    FoundAsset,
    Measure,
    Node,
    Party,
    Payment,
    PropertyInquiry,
    PropertyLead,
    User,
)
from execdesk.models.database import Store
from execdesk.resources import load_toml
from execdesk.rules.case_number import parse_case_number
from execdesk.rules.errors import FieldError, ValidationError
from execdesk.rules.identity import validate_credit_code, validate_resident_id
from execdesk.services import derived
from execdesk.services.cases import build_search_text
from execdesk.services.changes import payload_fields, record_change
from execdesk.services.context import Actor

FORMAT = "execdesk-cases"
SCHEMA = 1

# key in the JSON case record → (model, list?)
CHILDREN: dict[str, type] = {
    "parties": Party,
    "nodes": Node,
    "property_leads": PropertyLead,
    "property_inquiries": PropertyInquiry,
    "found_assets": FoundAsset,
    "measures": Measure,
    "payments": Payment,
    "deductions": Deduction,
    "extensions": Extension,
}
DATE_SUFFIXES = ("_on", "birth_date")
USER_REFS = {"handler_id": "handler_username", "clerk_id": "clerk_username"}


def _case_record(session: Session, case: Case) -> dict[str, Any]:
    fields = payload_fields(case)
    users = {u.id: u.username for u in session.scalars(
        select(User).where(User.id.in_([i for i in (case.handler_id, case.clerk_id) if i])))}
    for id_key, name_key in USER_REFS.items():
        fields[name_key] = users.get(fields.pop(id_key))
    fields.pop("court_id")
    record: dict[str, Any] = {"case": fields}
    record["execution_basis"] = payload_fields(case.basis) if case.basis else None
    for key, model in CHILDREN.items():
        order = model.seq if hasattr(model, "seq") else model.id
        rows = session.scalars(select(model).where(model.case_id == case.id).order_by(order))
        record[key] = [payload_fields(r) for r in rows]
    return record


Progress = Callable[[int, int], None]  # (done, total); raising from it stops the work and writes nothing


def export_cases(store: Store, path: Path, *, case_numbers: list[str] | None = None,
                 progress: Progress | None = None) -> int:
    """Write the cases (all, or those numbered) to ``path``; the file appears whole or not at all."""
    with store.read() as session:
        q = select(Case).order_by(Case.case_number)
        if case_numbers:
            q = q.where(Case.case_number.in_([str(parse_case_number(n)) for n in case_numbers]))
        cases = list(session.scalars(q))
        courts = {c.id: c for c in session.scalars(select(Court))}
        users = sorted({u for c in cases for u in (c.handler, c.clerk) if u is not None}, key=lambda u: u.username)
        doc = {
            "format": FORMAT, "schema": SCHEMA, "app_version": __version__,
            "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "courts": [{"code": c.code, "name": c.name, "province": c.province} for c in courts.values()],
            "users": [{"username": u.username, "display_name": u.display_name, "role": u.role, "title": u.title}
                      for u in users],
            "cases": [],
        }
        for n, c in enumerate(cases, 1):
            doc["cases"].append(dict(_case_record(session, c), court_code=courts[c.court_id].code))
            if progress is not None:
                progress(n, len(cases))
    tmp = Path(path).with_name(Path(path).name + ".partial")
    tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    tmp.replace(path)
    return len(cases)


def _coerce(model: type, fields: dict[str, Any], where: str, errors: list[FieldError]) -> dict[str, Any]:
    columns = {c.key: c for c in model.__mapper__.column_attrs}
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if key not in columns:
            errors.append(FieldError(where, f"未知字段“{key}”"))
            continue
        col_type = columns[key].columns[0].type.python_type if hasattr(columns[key].columns[0].type, "python_type") else None
        if value is not None and col_type is date:
            try:
                value = date.fromisoformat(value)
            except (TypeError, ValueError):
                errors.append(FieldError(where, f"{key} 不是有效日期：{value!r}"))
                continue
        if value is not None and key.endswith("_fen") and (not isinstance(value, int) or isinstance(value, bool)):
            errors.append(FieldError(where, f"{key} 应为整数（分）：{value!r}"))
            continue
        out[key] = value
    return out


# Chinese names of required fields, for the per-record messages (docs/data-format.md).
FIELD_LABELS = {
    "case_number": "案号", "year": "收案年度", "court_code": "法院代字", "type_code": "类型代字", "serial": "案件编号",
    "filed_on": "立案日期", "cause": "案由", "role": "诉讼地位", "kind": "类型", "name": "名称", "code": "节点编号",
    "seq": "序号", "source": "线索来源", "content": "线索内容", "method": "方式", "description": "描述",
    "started_on": "开始日期", "amount_fen": "金额", "paid_on": "日期", "reason": "原因", "applied_on": "申请日期",
    "approver": "批准人", "approved_on": "批准日期", "months": "延长期间", "given_on": "提供日期",
    "issuing_body": "作出机构", "document_type": "文书名称", "document_number": "文号",
    "username": "用户名", "display_name": "姓名",
}
# Case columns that are the case number's parts (案号规定 arts 2–3): filled from it when missing.
NUMBER_PARTS = ("year", "court_code", "type_code", "serial")


def _required_missing(model: type, fields: dict[str, Any], skip: tuple[str, ...] = ()) -> list[str]:
    """Keys of NOT NULL columns without a default that ``fields`` lacks (they would end in an IntegrityError)."""
    out = []
    for col in model.__table__.columns:
        if (col.nullable or col.primary_key or col.default is not None or col.server_default is not None
                or col.key in skip):
            continue
        value = fields.get(col.key)
        if value is None or (isinstance(value, str) and not value.strip()):
            out.append(col.key)
    return out


def _missing_message(keys: list[str]) -> str:
    return "缺少必填字段：" + "、".join(f"{FIELD_LABELS.get(k, k)}（{k}）" for k in keys)


def _complete_case_fields(fields: dict[str, Any], number) -> list[str]:
    """Fill year / court code / type code / serial from the case number (a minimal record may omit them) and
    return the parts given that contradict it."""
    wrong = []
    for key in NUMBER_PARTS:
        derived = getattr(number, key)
        given = fields.get(key)
        if given is None or given == "":
            fields[key] = derived
        elif str(given) != str(derived):
            wrong.append(f"{FIELD_LABELS[key]}（{key}）“{given}”与案号不符（应为“{derived}”）")
    return wrong


def _validate_record(i: int, rec: dict[str, Any], errors: list[FieldError]) -> None:
    if not isinstance(rec, dict) or not isinstance(rec.get("case"), dict):
        errors.append(FieldError(f"第{i}件案件", "缺少案件数据（case）"))
        return
    fields = rec["case"]
    where = f"第{i}件案件"
    try:
        number = parse_case_number(fields.get("case_number", ""))
        where = f"第{i}件案件 {number}"
    except ValidationError as exc:
        errors.append(FieldError(where, str(exc)))
    else:
        errors.extend(FieldError(where, w) for w in _complete_case_fields(fields, number))
    missing = _required_missing(Case, fields, skip=("court_id", "case_number"))
    if missing:
        errors.append(FieldError(where, _missing_message(missing)))
    basis = rec.get("execution_basis")
    if basis:
        missing = _required_missing(ExecutionBasis, basis, skip=("case_id",))
        if missing:
            errors.append(FieldError(f"{where} 执行依据", _missing_message(missing)))
    for key, model in CHILDREN.items():
        for n, row in enumerate(rec.get(key) or [], 1):
            if not isinstance(row, dict):
                errors.append(FieldError(f"{where} {key}第{n}条", "应为对象"))
                continue
            missing = _required_missing(model, row, skip=("case_id", "seq", "name") if model is Node else ("case_id",))
            if missing:
                errors.append(FieldError(f"{where} {key}第{n}条", _missing_message(missing)))
    for p in rec.get("parties") or []:
        idn = p.get("id_number")
        if not idn:
            continue
        try:
            (validate_resident_id if p.get("kind") == "自然人" else validate_credit_code)(idn)
        except ValidationError as exc:
            errors.append(FieldError(f"{where} 当事人{p.get('name', '')}", str(exc)))


def import_cases(store: Store, actor: Actor, path: Path, *, today: date | None = None,
                 progress: Progress | None = None) -> int:
    """Import every case of the file in one transaction, or none (any error: a Chinese message per record;
    an exception from ``progress``, e.g. the user's 取消: nothing imported)."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(f"无法读取 {path}：{exc}", "导入文件") from exc
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ValidationError(f"{path} 不是 ExecDesk 案件导出文件（format 应为 {FORMAT}）", "导入文件")
    if doc.get("schema") != SCHEMA:
        raise ValidationError(f"文件格式版本 {doc.get('schema')} 不受支持（本程序支持 {SCHEMA}）", "导入文件")
    errors: list[FieldError] = []
    records = doc.get("cases") or []
    for n, c in enumerate(doc.get("courts") or [], 1):
        lacking = [k for k in ("code", "name") if not (isinstance(c, dict) and c.get(k))]
        if lacking:
            errors.append(FieldError(f"第{n}个法院", _missing_message(lacking)))
    for n, u in enumerate(doc.get("users") or [], 1):
        lacking = [k for k in ("username", "display_name", "role") if not (isinstance(u, dict) and u.get(k))]
        if lacking:
            errors.append(FieldError(f"第{n}个用户", _missing_message(lacking)))
    for i, rec in enumerate(records, 1):
        _validate_record(i, rec, errors)
    if errors:
        raise ValidationError(errors)
    with store.transaction() as session:
        courts = {c.code: c for c in session.scalars(select(Court))}
        for c in doc.get("courts") or []:
            if c["code"] not in courts:
                court = Court(code=c["code"], name=c["name"], province=c.get("province") or "鲁")
                session.add(court)
                courts[c["code"]] = court
        session.flush()
        users = {u.username: u for u in session.scalars(select(User))}
        any_court = next(iter(courts.values()), None)
        for u in doc.get("users") or []:
            if u["username"] not in users and any_court is not None:
                user = User(court_id=any_court.id, username=u["username"], display_name=u["display_name"],
                            role=u["role"], title=u.get("title"))
                session.add(user)
                users[u["username"]] = user
        session.flush()
        node_names = {code: entry["name"] for code, entry in load_toml("rules", "nodes.toml")["nodes"].items()}
        for i, rec in enumerate(records, 1):
            try:
                _import_record(session, actor, i, rec, courts, users, any_court, node_names, errors, today)
            except IntegrityError as exc:  # anything the checks above missed: still one message for the record
                errors.append(FieldError(f"第{i}件案件 {rec['case'].get('case_number')}",
                                         f"数据不完整或与已有数据冲突，未能导入（{_constraint(exc)}）"))
            if errors:
                break
            if progress is not None:
                progress(i, len(records))
        if errors:
            raise ValidationError(errors)  # rolls the whole import back
    return len(records)


def _constraint(exc: IntegrityError) -> str:
    text = str(exc.orig) if exc.orig is not None else str(exc)
    if "NOT NULL" in text:
        return "缺少必填字段 " + text.rsplit(".", 1)[-1]
    if "UNIQUE" in text:
        return "与已有记录重复：" + text.split(":", 1)[-1].strip()
    return text


def _import_record(session: Session, actor: Actor, i: int, rec: dict[str, Any], courts: dict, users: dict,
                   any_court, node_names: dict, errors: list[FieldError], today: date | None) -> None:
    """One case with its records, in the import's transaction; problems go to ``errors`` (Chinese, per record)."""
    fields = dict(rec["case"])
    where = f"第{i}件案件 {fields.get('case_number')}"
    number = str(parse_case_number(fields["case_number"]))
    if session.scalar(select(Case.id).where(Case.case_number == number)):
        errors.append(FieldError(where, "本地已有同一案号的案件"))
        return
    for id_key, name_key in USER_REFS.items():
        name = fields.pop(name_key, None)
        fields[id_key] = users[name].id if name in users else None
    court = courts.get(rec.get("court_code")) or courts.get(fields.get("court_code")) or any_court
    if court is None:
        errors.append(FieldError(where, "找不到所属法院：本地没有法院信息，导入文件也未列出法院（courts）"))
        return
    case = Case(**_coerce(Case, fields, where, errors), court_id=court.id)
    if errors:
        return
    case.case_number = number
    case.search_text = build_search_text(number, rec.get("parties") or [])
    session.add(case)
    record_change(session, actor, case, "导入")
    if rec.get("execution_basis"):
        basis = ExecutionBasis(**_coerce(ExecutionBasis, {"case_id": case.id, **rec["execution_basis"]}, where,
                                         errors))
        session.add(basis)
        record_change(session, actor, basis, "导入")
    for key in rec:
        if key in ("approvals", "explanations"):  # approver-only: signed by the approver in person (issue 11)
            errors.append(FieldError(where, f"审批记录和书面说明的审核意见只能由审批人本人签署，不能导入（{key}）"))
    for key, model in CHILDREN.items():
        for n, row in enumerate(rec.get(key) or [], 1):
            row = {"case_id": case.id, **row}  # a minimal record may leave out its case's id
            if model is Node:
                row.setdefault("seq", n)
                row.setdefault("name", node_names.get(row.get("code"), row.get("code")))
            obj = model(**_coerce(model, row, f"{where} {key}", errors))
            if errors:
                return
            session.add(obj)
            record_change(session, actor, obj, "导入")
    derived.refresh_case(session, case, today=today)
