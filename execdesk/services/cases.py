"""Register cases and record what happens in them. One transaction per call, audit + outbox inside it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

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
from execdesk.rules.case_number import parse_case_number
from execdesk.rules.dates import parse_date
from execdesk.rules.errors import ErrorCollector, NotFoundError, ValidationError
from execdesk.rules.identity import (
    birth_date_from_resident_id,
    sex_from_resident_id,
    validate_credit_code,
    validate_resident_id,
)
from execdesk.rules.money import parse_amount
from execdesk.services import deadlines
from execdesk.services.changes import record_change, snapshot
from execdesk.services.context import Actor
from execdesk.services.inputs import BasisInput, CaseInput, NodeInput, PartyInput
from execdesk.services.node_catalogue import node_catalogue

PARTY_ROLES = ("申请执行人", "被执行人", "委托代理人")
PARTY_KINDS = ("自然人", "法人", "非法人组织")
NODE_STATUSES = ("进行中", "已完成")


# ---------------------------------------------------------------- validation at the edge


def _opt_date(value, field: str, today: date) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_date(value, field, not_after=today)


def validate_party(p: PartyInput, label: str, today: date) -> dict:
    errs = ErrorCollector()
    if p.role not in PARTY_ROLES:
        errs.add(f"{label}身份", f"应为{'、'.join(PARTY_ROLES)}之一")
    if p.kind not in PARTY_KINDS:
        errs.add(f"{label}类型", f"应为{'、'.join(PARTY_KINDS)}之一")
    name = (p.name or "").strip()
    if not name:
        errs.add(f"{label}名称", "不能为空")
    elif len(name) > 128:
        errs.add(f"{label}名称", "过长（最多128字）")
    id_number = None
    birth = None
    sex = p.sex
    if p.id_number and str(p.id_number).strip():
        if p.kind == "自然人":
            id_number = errs.check(validate_resident_id, p.id_number, f"{label}身份证号码")
            if id_number:
                birth = birth_date_from_resident_id(id_number)
                derived_sex = sex_from_resident_id(id_number)
                if sex and sex != derived_sex:
                    errs.add(f"{label}性别", f"与身份证号码不符（号码显示为{derived_sex}）")
                sex = derived_sex
        else:
            id_number = errs.check(validate_credit_code, p.id_number, f"{label}统一社会信用代码")
    elif p.role == "被执行人":
        errs.add(f"{label}证件号码", "被执行人必须填写身份证号码或统一社会信用代码")
    if p.birth_date and birth is None:
        birth = errs.check(_opt_date, p.birth_date, f"{label}出生日期", today)
    errs.raise_if_any()
    return dict(role=p.role, kind=p.kind, name=name, id_number=id_number, sex=sex, birth_date=birth,
                ethnicity=p.ethnicity, address=p.address, phone=p.phone, legal_rep=p.legal_rep,
                legal_rep_title=p.legal_rep_title, deceased=p.deceased)


def validate_basis(b: BasisInput, today: date) -> dict:
    errs = ErrorCollector()
    for attr, label in (("issuing_body", "作出机构"), ("document_type", "文书名称"), ("document_number", "文号")):
        if not (getattr(b, attr) or "").strip():
            errs.add(f"执行依据{label}", "不能为空")
    effective = errs.check(_opt_date, b.effective_on, "执行依据生效日期", today)
    applied = errs.check(_opt_date, b.applied_on, "申请执行日期", today)
    errs.raise_if_any()
    return dict(issuing_body=b.issuing_body.strip(), document_type=b.document_type.strip(),
                document_number=b.document_number.strip(), effective_on=effective, cause=b.cause,
                content=b.content, applied_on=applied)


def validate_case(data: CaseInput, today: date) -> dict:
    errs = ErrorCollector()
    number = errs.check(parse_case_number, data.case_number, today=today)
    filed = errs.check(parse_date, data.filed_on, "立案日期", not_after=today)
    received = errs.check(_opt_date, data.received_on, "收案日期", today)
    assigned = errs.check(_opt_date, data.assigned_on, "分案日期", today)
    amount = errs.check(parse_amount, data.amount_claimed, "申请执行标的")
    if not (data.cause or "").strip():
        errs.add("案由", "不能为空")
    if number and filed and number.year not in (filed.year, filed.year - 1) and not number.old_style:
        errs.add("立案日期", f"与案号年度（{number.year}年）不符")
    if received and filed and received > filed:
        errs.add("收案日期", "不能晚于立案日期")
    if assigned and filed and assigned < filed:
        errs.add("分案日期", "不能早于立案日期")
    parties = []
    for i, p in enumerate(data.parties, 1):
        v = errs.check(validate_party, p, f"第{i}位当事人", today)
        if v:
            parties.append(v)
    roles = {p.role for p in data.parties}
    if "申请执行人" not in roles:
        errs.add("当事人", "至少需要一名申请执行人")
    if "被执行人" not in roles:
        errs.add("当事人", "至少需要一名被执行人")
    ids = [p["id_number"] for p in parties if p["id_number"]]
    if len(ids) != len(set(ids)):
        errs.add("当事人", "同一证件号码重复出现")
    basis = errs.check(validate_basis, data.basis, today) if data.basis else None
    errs.raise_if_any()
    return dict(number=number, filed=filed, received=received, assigned=assigned, amount=amount,
                parties=parties, basis=basis)


def build_search_text(case_number: str, parties: list[Party] | list[dict]) -> str:
    parts = [case_number]
    for p in parties:
        name = p["name"] if isinstance(p, dict) else p.name
        idn = p["id_number"] if isinstance(p, dict) else p.id_number
        parts.append(name)
        if idn:
            parts.append(idn)
    return "|".join(parts).lower()


# ---------------------------------------------------------------- lookups


def _user_by_username(session: Session, username: str | None, field: str) -> User | None:
    if not username:
        return None
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise ValidationError(f"本地没有账号“{username}”", field)
    return user


def get_case(session: Session, case_id: str) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFoundError(f"案件不存在（id {case_id}）")
    return case


def find_case_id(session: Session, case_number: str) -> str:
    canonical = str(parse_case_number(case_number))
    case_id = session.scalar(select(Case.id).where(Case.case_number == canonical))
    if case_id is None:
        raise NotFoundError(f"本地没有案号为{canonical}的案件")
    return case_id


def default_court(session: Session) -> Court:
    court = session.scalar(select(Court).order_by(Court.created_at).limit(1))
    if court is None:
        raise ValidationError("尚未设置本院信息，请先在设置中填写法院名称和代字", "法院")
    return court


# ---------------------------------------------------------------- commands


def register_case(store: Store, actor: Actor, data: CaseInput, *, today: date | None = None) -> str:
    """立案/补录: create a case with its parties and 执行依据. Returns the case id."""
    today = today or date.today()
    v = validate_case(data, today)
    with store.transaction() as session:
        return register_validated(session, actor, data, v, today)


def register_validated(session: Session, actor: Actor, data: CaseInput, v: dict, today: date) -> str:
    number = v["number"]
    canonical = str(number)
    if session.scalar(select(Case.id).where(Case.case_number == canonical)):
        raise ValidationError(f"{canonical} 已存在，不能重复登记", "案号")
    court = session.scalar(select(Court).where(Court.code == number.court_code)) or default_court(session)
    origin_id = None
    if data.origin_case_number:
        origin_id = find_case_id(session, data.origin_case_number)
    handler = _user_by_username(session, data.handler_username, "承办人")
    clerk = _user_by_username(session, data.clerk_username, "书记员")
    case = Case(
        court_id=court.id, case_number=canonical, year=number.year, court_code=number.court_code,
        type_code=number.type_code, serial=number.serial, received_on=v["received"], filed_on=v["filed"],
        assigned_on=v["assigned"], handler_id=handler.id if handler else None,
        clerk_id=clerk.id if clerk else None, cause=data.cause.strip(), amount_claimed_fen=v["amount"],
        is_livelihood=data.is_livelihood, is_non_litigation=data.is_non_litigation or number.limit_months == 3,
        debtor_missing=data.debtor_missing, obstruction=data.obstruction, origin_case_id=origin_id,
        notes=data.notes, search_text=build_search_text(canonical, v["parties"]))
    session.add(case)
    record_change(session, actor, case, "新建")
    for seq, p in enumerate(v["parties"], 1):
        party = Party(case_id=case.id, seq=seq, **p)
        session.add(party)
        record_change(session, actor, party, "新建")
    if v["basis"]:
        basis = ExecutionBasis(case_id=case.id, **v["basis"])
        session.add(basis)
        record_change(session, actor, basis, "新建")
    # 立案 is itself the first node (N01), dated on the filing day.
    _add_node(session, actor, case, NodeInput(code="N01", started_on=v["received"] or v["filed"],
                                              ended_on=v["filed"], description="立案"), today)
    if v["assigned"]:
        _add_node(session, actor, case, NodeInput(code="N02", started_on=v["filed"], ended_on=v["assigned"],
                                                  handler_name=handler.display_name if handler else None,
                                                  description="确定承办人"), today)
    deadlines.recompute_case(session, case, today=today)
    return case.id


def update_case(store: Store, actor: Actor, case_id: str, *, today: date | None = None, **changes) -> None:
    """Edit case attributes (flags, cause, amount, handler). Validated; audited with before/after."""
    today = today or date.today()
    allowed = {"cause", "amount_claimed", "is_livelihood", "is_non_litigation", "debtor_missing", "obstruction",
               "applicant_requested_zhongben", "handler_username", "clerk_username", "notes", "assigned_on"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(f"不能修改字段：{'、'.join(sorted(unknown))}", "案件")
    with store.transaction() as session:
        case = get_case(session, case_id)
        before = snapshot(case)
        base = case.version
        if "amount_claimed" in changes:
            case.amount_claimed_fen = parse_amount(changes.pop("amount_claimed"), "申请执行标的")
        if "handler_username" in changes:
            user = _user_by_username(session, changes.pop("handler_username"), "承办人")
            case.handler_id = user.id if user else None
        if "clerk_username" in changes:
            user = _user_by_username(session, changes.pop("clerk_username"), "书记员")
            case.clerk_id = user.id if user else None
        if "assigned_on" in changes:
            case.assigned_on = parse_date(changes.pop("assigned_on"), "分案日期", not_after=today,
                                          not_before=case.filed_on)
        if "cause" in changes and not (changes["cause"] or "").strip():
            raise ValidationError("不能为空", "案由")
        for key, value in changes.items():
            setattr(case, key, value)
        record_change(session, actor, case, "修改", before=before, base_version=base)
        deadlines.recompute_case(session, case, today=today)


def _next_seq(session: Session, case_id: str) -> int:
    return (session.scalar(select(func.max(Node.seq)).where(Node.case_id == case_id)) or 0) + 1


def validate_node(data: NodeInput, case: Case, today: date) -> dict:
    errs = ErrorCollector()
    catalogue = node_catalogue()
    entry = catalogue.get(data.code)
    if entry is None:
        errs.add("节点", f"节点代码“{data.code}”不在节点目录中")
    elif entry.get("case_types") and case.type_code not in entry["case_types"]:
        errs.add("节点", f"“{entry['name']}”不适用于{case.type_code}字案件")
    started = errs.check(_opt_date, data.started_on, "启动日期", today)
    ended = errs.check(_opt_date, data.ended_on, "完成日期", today)
    if data.status not in NODE_STATUSES:
        errs.add("节点状态", f"应为{'、'.join(NODE_STATUSES)}之一")
    if data.status == "已完成" and ended is None and started is None:
        errs.add("完成日期", "已完成的节点必须填写日期")
    if started and ended and ended < started:
        errs.add("完成日期", "不能早于启动日期")
    first = ended or started
    if first and data.code not in ("N01",) and first < (case.received_on or case.filed_on):
        errs.add("日期", f"不能早于收案/立案日期（{case.received_on or case.filed_on}）")
    errs.raise_if_any()
    return dict(started=started, ended=ended, name=entry["name"])


def _add_node(session: Session, actor: Actor, case: Case, data: NodeInput, today: date,
              corrects: Node | None = None) -> Node:
    v = validate_node(data, case, today)
    started = v["started"] or v["ended"]
    node = Node(case_id=case.id, code=data.code, seq=_next_seq(session, case.id), name=v["name"],
                started_on=started, ended_on=v["ended"] if data.status == "已完成" else None,
                status=data.status, handler_name=data.handler_name, description=data.description,
                document_number=data.document_number, data=dict(data.data or {}),
                linked_entity=data.linked_entity, linked_id=data.linked_id,
                corrects_id=corrects.id if corrects else None)
    if node.ended_on and node.started_on:
        node.actual_days = (node.ended_on - node.started_on).days
    session.add(node)
    record_change(session, actor, node, "更正" if corrects else "新建")
    return node


def record_node(store: Store, actor: Actor, case_id: str, data: NodeInput, *, today: date | None = None) -> str:
    """Record a process node; the case's deadlines are recomputed in the same transaction."""
    today = today or date.today()
    with store.transaction() as session:
        case = get_case(session, case_id)
        node = _add_node(session, actor, case, data, today)
        deadlines.recompute_case(session, case, today=today)
        return node.id


def correct_node(store: Store, actor: Actor, node_id: str, data: NodeInput, reason: str, *,
                 today: date | None = None) -> str:
    """Append-only correction: the old node is marked 已更正 and a new node carries the right data."""
    today = today or date.today()
    if not (reason or "").strip():
        raise ValidationError("更正节点必须说明原因", "更正原因")
    with store.transaction() as session:
        old = session.get(Node, node_id)
        if old is None:
            raise NotFoundError("要更正的节点不存在")
        if old.status == "已更正":
            raise ValidationError("该节点已被更正过，请更正最新的记录", "节点")
        case = get_case(session, old.case_id)
        before, base = snapshot(old), old.version
        old.status = "已更正"
        old.description = (old.description or "") + f"［已更正：{reason.strip()}］"
        record_change(session, actor, old, "更正", before=before, base_version=base)
        new = _add_node(session, actor, case, data, today, corrects=old)
        deadlines.recompute_case(session, case, today=today)
        return new.id


def _record(store: Store, actor: Actor, case_id: str, make, today: date | None) -> str:
    today = today or date.today()
    with store.transaction() as session:
        case = get_case(session, case_id)
        obj = make(session, case, today)
        session.add(obj)
        record_change(session, actor, obj, "新建")
        deadlines.recompute_case(session, case, today=today)
        return obj.id


def _party_of_case(session: Session, case: Case, party_id: str | None) -> str | None:
    if party_id is None:
        return None
    party = session.get(Party, party_id)
    if party is None or party.case_id != case.id:
        raise ValidationError("当事人不属于本案", "当事人")
    return party_id


def record_inquiry(store: Store, actor: Actor, case_id: str, *, method: str, queried_on, scopes=(),
                   party_id: str | None = None, feedback_on=None, result: str | None = None,
                   found_property: bool = False, today: date | None = None) -> str:
    def make(session, case, today):
        if method not in ("网络查控", "传统查控"):
            raise ValidationError("应为网络查控或传统查控", "查控方式")
        q = parse_date(queried_on, "查询日期", not_after=today, not_before=case.filed_on)
        fb = _opt_date(feedback_on, "反馈日期", today)
        if fb and fb < q:
            raise ValidationError("不能早于查询日期", "反馈日期")
        return PropertyInquiry(case_id=case.id, party_id=_party_of_case(session, case, party_id), method=method,
                               scopes=list(scopes), queried_on=q, feedback_on=fb, result=result,
                               found_property=found_property)
    return _record(store, actor, case_id, make, today)


def record_lead(store: Store, actor: Actor, case_id: str, *, source: str, content: str, given_on,
                urgent: bool = False, verified_on=None, result: str | None = None,
                today: date | None = None) -> str:
    def make(session, case, today):
        if not (content or "").strip():
            raise ValidationError("不能为空", "线索内容")
        g = parse_date(given_on, "线索提供日期", not_after=today)
        ver = _opt_date(verified_on, "核实日期", today)
        if ver and ver < g:
            raise ValidationError("不能早于线索提供日期", "核实日期")
        return PropertyLead(case_id=case.id, source=source, content=content.strip(), given_on=g, urgent=urgent,
                            verified_on=ver, result=result)
    return _record(store, actor, case_id, make, today)


def verify_lead(store: Store, actor: Actor, lead_id: str, *, verified_on, result: str,
                today: date | None = None) -> None:
    today = today or date.today()
    with store.transaction() as session:
        lead = session.get(PropertyLead, lead_id)
        if lead is None:
            raise NotFoundError("线索不存在")
        before, base = snapshot(lead), lead.version
        lead.verified_on = parse_date(verified_on, "核实日期", not_after=today, not_before=lead.given_on)
        if not (result or "").strip():
            raise ValidationError("不能为空", "核实结果")
        lead.result = result.strip()
        record_change(session, actor, lead, "修改", before=before, base_version=base)
        deadlines.recompute_case(session, get_case(session, lead.case_id), today=today)


def record_found_asset(store: Store, actor: Actor, case_id: str, *, kind: str, description: str,
                       value: str = "0", not_executable_reason: str | None = None, party_id: str | None = None,
                       today: date | None = None) -> str:
    def make(session, case, today):
        if not (description or "").strip():
            raise ValidationError("不能为空", "财产描述")
        return FoundAsset(case_id=case.id, party_id=_party_of_case(session, case, party_id), kind=kind,
                          description=description.strip(), value_fen=parse_amount(value, "财产价值"),
                          not_executable_reason=not_executable_reason)
    return _record(store, actor, case_id, make, today)


MEASURE_KINDS = ("限制消费", "失信", "查封", "扣押", "冻结", "罚款", "拘留", "查找", "搜查", "悬赏", "审计",
                 "限制出境", "移送拒执罪", "传唤", "拘传")


def record_measure(store: Store, actor: Actor, case_id: str, *, kind: str, started_on, party_id: str | None = None,
                   asset_kind: str | None = None, expires_on=None, released_on=None,
                   document_number: str | None = None, amount: str = "0", description: str | None = None,
                   not_applicable_reason: str | None = None, today: date | None = None) -> str:
    def make(session, case, today):
        if kind not in MEASURE_KINDS:
            raise ValidationError(f"应为{'、'.join(MEASURE_KINDS)}之一", "措施类型")
        start = parse_date(started_on, "措施开始日期", not_after=today, not_before=case.filed_on)
        exp = parse_date(expires_on, "届满日期", not_before=start) if expires_on else None
        rel = _opt_date(released_on, "解除日期", today)
        if rel and rel < start:
            raise ValidationError("不能早于开始日期", "解除日期")
        return Measure(case_id=case.id, party_id=_party_of_case(session, case, party_id), kind=kind,
                       asset_kind=asset_kind, started_on=start, expires_on=exp, released_on=rel,
                       document_number=document_number, amount_fen=parse_amount(amount, "金额"),
                       description=description, not_applicable_reason=not_applicable_reason)
    return _record(store, actor, case_id, make, today)


def record_payment(store: Store, actor: Actor, case_id: str, *, kind: str, amount: str, paid_on,
                   route: str | None = None, description: str | None = None, today: date | None = None) -> str:
    def make(session, case, today):
        if kind not in ("到账", "发放"):
            raise ValidationError("应为到账或发放", "执行款类型")
        return Payment(case_id=case.id, kind=kind, amount_fen=parse_amount(amount, "执行款金额", allow_zero=False),
                       paid_on=parse_date(paid_on, "执行款日期", not_after=today, not_before=case.filed_on),
                       route=route, description=description)
    return _record(store, actor, case_id, make, today)


DEDUCTION_KINDS = ("公告", "鉴定", "审计", "评估", "资产清理", "中止", "暂缓", "上级通知暂缓", "拍卖", "变卖",
                   "请示", "协调")


def record_deduction(store: Store, actor: Actor, case_id: str, *, kind: str, started_on, ended_on=None,
                     document_number: str | None = None, reason: str | None = None,
                     today: date | None = None) -> str:
    def make(session, case, today):
        if kind not in DEDUCTION_KINDS:
            raise ValidationError(f"应为{'、'.join(DEDUCTION_KINDS)}之一", "扣除类型")
        start = parse_date(started_on, "扣除开始日期", not_before=case.filed_on)
        end = parse_date(ended_on, "扣除结束日期", not_before=start) if ended_on else None
        return Deduction(case_id=case.id, kind=kind, started_on=start, ended_on=end,
                         document_number=document_number, reason=reason)
    return _record(store, actor, case_id, make, today)


def close_deduction(store: Store, actor: Actor, deduction_id: str, ended_on, *, today: date | None = None) -> None:
    today = today or date.today()
    with store.transaction() as session:
        d = session.get(Deduction, deduction_id)
        if d is None:
            raise NotFoundError("扣除记录不存在")
        before, base = snapshot(d), d.version
        d.ended_on = parse_date(ended_on, "扣除结束日期", not_before=d.started_on)
        record_change(session, actor, d, "修改", before=before, base_version=base)
        deadlines.recompute_case(session, get_case(session, d.case_id), today=today)


def record_extension(store: Store, actor: Actor, case_id: str, *, reason: str, applied_on, approver: str,
                     approved_on, months: int, approving_body: str | None = None, high_court_filed: bool = False,
                     document_number: str | None = None, today: date | None = None) -> str:
    """延长执行期限 (R18): 院长 may add 3 months; more only with 高院备案."""
    def make(session, case, today):
        errs = ErrorCollector()
        if not (reason or "").strip():
            errs.add("延长原因", "不能为空")
        if not (approver or "").strip():
            errs.add("批准人", "不能为空")
        applied = errs.check(parse_date, applied_on, "申请日期", not_after=today, not_before=case.filed_on)
        approved = errs.check(parse_date, approved_on, "批准日期", not_after=today)
        if applied and approved and approved < applied:
            errs.add("批准日期", "不能早于申请日期")
        if not isinstance(months, int) or months <= 0:
            errs.add("延长期间", "应为正整数（月）")
        else:
            already = sum(e.months for e in session.scalars(select(Extension).where(Extension.case_id == case.id)))
            if already + months > 3 and not high_court_filed:
                errs.add("延长期间", f"院长批准延长累计不得超过3个月（已延长{already}个月）；超过须层报高院备案")
        errs.raise_if_any()
        return Extension(case_id=case.id, reason=reason.strip(), applied_on=applied, approver=approver.strip(),
                         approving_body=approving_body, approved_on=approved, months=months,
                         high_court_filed=high_court_filed, document_number=document_number)
    return _record(store, actor, case_id, make, today)
