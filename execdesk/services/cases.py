"""Register cases and record what happens in them. One transaction per call, audit + outbox inside it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
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
from execdesk.rules.fields import check_choice, vocabulary
from execdesk.rules.identity import (
    birth_date_from_resident_id,
    sex_from_resident_id,
    validate_credit_code,
    validate_resident_id,
)
from execdesk.rules.money import parse_amount
from execdesk.services import pipeline, records
from execdesk.services.context import Actor
from execdesk.services.inputs import BasisInput, CaseInput, NodeInput, PartyInput
from execdesk.services.lookup import find_case_id, get_case
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


def default_court(session: Session) -> Court:
    court = session.scalar(select(Court).order_by(Court.created_at).limit(1))
    if court is None:
        raise ValidationError("尚未设置本院信息，请先在设置中填写法院名称和代字", "法院")
    return court


# ---------------------------------------------------------------- commands (all through the write pipeline)


def register_case(store: Store, actor: Actor, data: CaseInput, *, today: date | None = None) -> str:
    """立案/补录: create a case with its parties and 执行依据. Returns the case id."""
    today = today or date.today()
    v = validate_case(data, today)
    with pipeline.write(store, actor, today=today) as w:
        return register_in(w, data, v)


def register_validated(session: Session, actor: Actor, data: CaseInput, v: dict, today: date) -> str:
    """Register inside a transaction the caller holds (bulk imports): refreshes the case's derived values."""
    w = pipeline.in_session(session, actor, today)
    case_id = register_in(w, data, v)
    pipeline.finish(w)
    return case_id


def register_in(w: pipeline.Write, data: CaseInput, v: dict) -> str:
    session = w.session
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
    w.add(case)
    for seq, p in enumerate(v["parties"], 1):
        w.add(Party(case_id=case.id, seq=seq, **p))
    if v["basis"]:
        w.add(ExecutionBasis(case_id=case.id, **v["basis"]))
    # 立案 is itself the first node (N01), dated on the filing day.
    add_node(w, case, NodeInput(code="N01", started_on=v["received"] or v["filed"], ended_on=v["filed"],
                                description="立案"))
    if v["assigned"]:
        add_node(w, case, NodeInput(code="N02", started_on=v["filed"], ended_on=v["assigned"],
                                    handler_name=handler.display_name if handler else None, description="确定承办人"))
    return case.id


CASE_LABELS = {"cause": "案由", "amount_claimed_fen": "申请执行标的", "is_livelihood": "涉民生", "is_non_litigation": "非诉执行",
               "debtor_missing": "被执行人下落不明", "obstruction": "妨碍执行", "applicant_requested_zhongben": "申请人申请终本",
               "handler_id": "承办人", "clerk_id": "书记员", "notes": "备注", "assigned_on": "分案日期"}


def update_case(store: Store, actor: Actor, case_id: str, *, today: date | None = None,
                expected_version: int | None = None, **changes) -> None:
    """Edit case attributes (flags, cause, amount, handler). Validated; audited with before/after; a form read
    at an older version gets a ConflictError with both values instead of overwriting."""
    today = today or date.today()
    allowed = {"cause", "amount_claimed", "is_livelihood", "is_non_litigation", "debtor_missing", "obstruction",
               "applicant_requested_zhongben", "handler_username", "clerk_username", "notes", "assigned_on"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(f"不能修改字段：{'、'.join(sorted(unknown))}", "案件")
    with pipeline.write(store, actor, today=today) as w:
        case = get_case(w.session, case_id)
        values: dict = {}
        if "amount_claimed" in changes:
            values["amount_claimed_fen"] = parse_amount(changes.pop("amount_claimed"), "申请执行标的")
        if "handler_username" in changes:
            user = _user_by_username(w.session, changes.pop("handler_username"), "承办人")
            values["handler_id"] = user.id if user else None
        if "clerk_username" in changes:
            user = _user_by_username(w.session, changes.pop("clerk_username"), "书记员")
            values["clerk_id"] = user.id if user else None
        if "assigned_on" in changes:
            values["assigned_on"] = parse_date(changes.pop("assigned_on"), "分案日期", not_after=today,
                                               not_before=case.filed_on)
        if "cause" in changes:
            if not (changes["cause"] or "").strip():
                raise ValidationError("不能为空", "案由")
            changes["cause"] = changes["cause"].strip()
        values.update(changes)
        w.change(case, values, expected_version=expected_version, labels=CASE_LABELS, what=f"案件{case.case_number}")


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


def add_node(w: pipeline.Write, case: Case, data: NodeInput, corrects: Node | None = None) -> list[Node]:
    """Validate a node (dates, typed fields against the catalogue) and write it with its business record(s).

    A 限消 (N09) or 失信 (N10) node without a named debtor is one node per debtor, so that every debtor's
    measure is its own record (R4 is checked per debtor)."""
    v = validate_node(data, case, w.today)
    fields = records.parse_node_data(w.session, case.id, data.code, data.data)
    started = v["started"] or v["ended"]
    entry = node_catalogue()[data.code]
    if entry.get("record") == "asset_event" and not fields.get("asset_id"):
        fields["asset_id"] = records.asset_for_event(w, case, fields, data.description)
    targets: list[str | None] = [fields.get("party")]
    if entry.get("record") == "measure" and entry.get("measure_kind") in ("限制消费", "失信") and not fields.get("party"):
        targets = [pid for pid, _ in records.form_context(w.session, case.id).debtors] or [None]
    out = []
    for i, party in enumerate(targets):
        f = {**fields, "party": party} if party else {k: val for k, val in fields.items() if k != "party"}
        out.append(records.write_node(
            w, case, data.code, started_on=started, ended_on=v["ended"], status=data.status, fields=f,
            handler_name=data.handler_name, description=data.description, document_number=data.document_number,
            corrects=corrects if i == 0 else None))
    return out


def record_node(store: Store, actor: Actor, case_id: str, data: NodeInput, *, today: date | None = None) -> str:
    """Record a process node with its business record; derived values refreshed in the same transaction."""
    with pipeline.write(store, actor, today=today) as w:
        return add_node(w, get_case(w.session, case_id), data)[0].id


def correct_node(store: Store, actor: Actor, node_id: str, data: NodeInput, reason: str, *,
                 today: date | None = None, expected_version: int | None = None) -> str:
    """Append-only correction: the old node is marked 已更正, a new node carries the right data, and the business
    record it evidences is updated in place (new version, audited, synced)."""
    if not (reason or "").strip():
        raise ValidationError("更正节点必须说明原因", "更正原因")
    with pipeline.write(store, actor, today=today) as w:
        old = w.session.get(Node, node_id)
        if old is None:
            raise NotFoundError("要更正的节点不存在")
        w.check_version(old, expected_version, what=f"节点“{old.name}”")
        if old.status == "已更正":
            raise ValidationError("该节点已被更正过，请更正最新的记录", "节点")
        if data.code != old.code:
            raise ValidationError("更正不能改变节点类型，请另行记录新节点", "节点")
        case = get_case(w.session, old.case_id)
        w.change(old, {"status": "已更正", "description": (old.description or "") + f"［已更正：{reason.strip()}］"},
                 action="更正")
        return add_node(w, case, data, corrects=old)[0].id


def _record(store: Store, actor: Actor, case_id: str, make, today: date | None) -> str:
    with pipeline.write(store, actor, today=today) as w:
        case = get_case(w.session, case_id)
        obj = make(w.session, case, w.today)
        w.add(obj)
        return obj.id


def _party_of_case(session: Session, case: Case, party_id: str | None) -> str | None:
    if party_id is None:
        return None
    party = session.get(Party, party_id)
    if party is None or party.case_id != case.id:
        raise ValidationError("当事人不属于本案", "当事人")
    return party_id


def _record_via_node(store: Store, actor: Actor, case_id: str, node: NodeInput, model, today: date | None,
                     after=None) -> str:
    """Record a business fact from the 财产 tab: the node that evidences it is written with it (one path)."""
    with pipeline.write(store, actor, today=today) as w:
        case = get_case(w.session, case_id)
        nodes = add_node(w, case, node)
        row = w.session.scalar(select(model).where(model.node_id == nodes[0].id))
        if after is not None:
            after(w, row)
        return row.id


def _text(value) -> str | None:
    return str(value).strip() if value is not None and str(value).strip() else None


def record_inquiry(store: Store, actor: Actor, case_id: str, *, method: str, queried_on, scopes=(),
                   party_id: str | None = None, feedback_on=None, result: str | None = None,
                   found_property: bool = False, today: date | None = None) -> str:
    """财产查控 from the 财产 tab = node N06 (网络查控) or N07 (传统查控) with its inquiry record. Returns the
    inquiry id."""
    today_ = today or date.today()
    method = records.require_known(method, "inquiry_methods", "查控方式")
    q = parse_date(queried_on, "查询日期", not_after=today_)
    fb = _opt_date(feedback_on, "反馈日期", today_)
    if fb and fb < q:
        raise ValidationError("不能早于查询日期", "反馈日期")
    data = {"party": party_id, "result": result, "found_property": "是" if found_property else "否"}
    if method == "网络查控":
        data.update(scopes=list(scopes), feedback_on=fb)
    code = "N06" if method == "网络查控" else "N07"
    node = NodeInput(code=code, started_on=q, ended_on=fb or q, description=result,
                     data={k: val for k, val in data.items() if val not in (None, "", [])})
    return _record_via_node(store, actor, case_id, node, PropertyInquiry, today)


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
                today: date | None = None, expected_version: int | None = None) -> None:
    with pipeline.write(store, actor, today=today) as w:
        lead = w.session.get(PropertyLead, lead_id)
        if lead is None:
            raise NotFoundError("线索不存在")
        verified = parse_date(verified_on, "核实日期", not_after=w.today, not_before=lead.given_on)
        if not (result or "").strip():
            raise ValidationError("不能为空", "核实结果")
        w.change(lead, {"verified_on": verified, "result": result.strip()}, expected_version=expected_version,
                 labels={"verified_on": "核实日期", "result": "核实结果"}, what="财产线索")


def record_found_asset(store: Store, actor: Actor, case_id: str, *, kind: str, description: str,
                       value: str = "0", not_executable_reason: str | None = None,
                       cannot_dispose_reason: str | None = None, party_id: str | None = None,
                       today: date | None = None) -> str:
    """已查明财产 found by an inquiry but not (yet) under a 查封/扣押/冻结 (a controlled asset is recorded as N11).
    ``kind`` and ``cannot_dispose_reason`` are values of closed vocabularies."""
    def make(session, case, today):
        errs = ErrorCollector()
        k = errs.check(records.require_known, kind, "asset_kinds", "财产类别")
        reason = errs.check(check_choice, "cannot_dispose_reasons", cannot_dispose_reason, "不能处置原因",
                            required=False)
        if not (description or "").strip():
            errs.add("财产描述", "不能为空")
        value_fen = errs.check(parse_amount, value, "财产价值")
        errs.raise_if_any()
        return FoundAsset(case_id=case.id, party_id=_party_of_case(session, case, party_id), kind=k,
                          description=description.strip(), value_fen=value_fen,
                          not_executable_reason=_text(not_executable_reason), cannot_dispose_reason=reason)
    return _record(store, actor, case_id, make, today)


def set_asset_reason(store: Store, actor: Actor, asset_id: str, *, cannot_dispose_reason: str | None,
                     not_executable_reason: str | None = None, today: date | None = None,
                     expected_version: int | None = None) -> None:
    """Record (or clear) why a found asset lawfully cannot be disposed of (终本规定 art 4). Whether the reason
    holds is decided by the readiness rules from the asset's recorded events, not by this choice alone."""
    reason = check_choice("cannot_dispose_reasons", cannot_dispose_reason, "不能处置原因", required=False)
    with pipeline.write(store, actor, today=today) as w:
        asset = w.session.get(FoundAsset, asset_id)
        if asset is None:
            raise NotFoundError("财产记录不存在")
        w.change(asset, {"cannot_dispose_reason": reason, "not_executable_reason": _text(not_executable_reason)},
                 expected_version=expected_version, what=f"财产“{asset.description}”",
                 labels={"cannot_dispose_reason": "不能处置原因", "not_executable_reason": "具体情况"})


MEASURE_KINDS = vocabulary("measure_kinds").values


def record_measure(store: Store, actor: Actor, case_id: str, *, kind: str, started_on, party_id: str | None = None,
                   asset_kind: str | None = None, expires_on=None, released_on=None,
                   document_number: str | None = None, amount: str = "0", description: str | None = None,
                   not_applicable_reason: str | None = None, value: str = "0", today: date | None = None) -> str:
    """执行措施 from the 财产 tab. A kind the node catalogue records (限消 N09, 失信 N10, 查封/扣押/冻结 N11 with its
    found asset, 调查措施 N16, 强制措施 N17, 移送 N18) is written as that node with its record. Returns the
    measure id."""
    today_ = today or date.today()
    kind = records.require_known(kind, "measure_kinds", "措施类型")
    start = parse_date(started_on, "措施开始日期", not_after=today_)
    exp = parse_date(expires_on, "届满日期", not_before=start) if expires_on else None
    rel = _opt_date(released_on, "解除日期", today_)
    if rel and rel < start:
        raise ValidationError("不能早于开始日期", "解除日期")
    code = records.measure_codes().get(kind)

    def release(w, row):
        if rel:
            w.change(row, {"released_on": rel}, action="解除")

    if code is None:
        def make(session, case, today):
            return Measure(case_id=case.id, party_id=_party_of_case(session, case, party_id), kind=kind,
                           started_on=start, expires_on=exp, released_on=rel, document_number=document_number,
                           amount_fen=parse_amount(amount, "金额"), description=description,
                           not_applicable_reason=not_applicable_reason)
        return _record(store, actor, case_id, make, today)
    entry = node_catalogue()[code]
    data: dict = {"party": party_id}
    if asset_kind in ("动产", "其他财产权") and asset_kind not in vocabulary("asset_kinds").values:
        asset_kind = {"动产": "其他动产"}.get(asset_kind, asset_kind)  # a class given where a kind is asked
    if entry.get("record") == "seal":
        data.update(seal_kind=kind, asset_kind=asset_kind,
                    asset_description=description or (f"{asset_kind}（{kind}）" if asset_kind else None), value=value,
                    amount=amount if amount not in (None, "0", 0) else None, expires_on=exp)
    elif not entry.get("measure_kind"):
        data["measure_kind"] = kind
        if kind == "罚款":
            data["amount"] = amount if amount not in (None, "0", 0) else None
    if code == "N10" and not_applicable_reason:
        data["not_applicable_reason"] = not_applicable_reason
    node = NodeInput(code=code, started_on=start, ended_on=start, document_number=document_number,
                     description=description if entry.get("record") != "seal" else None,
                     data={k: val for k, val in data.items() if val not in (None, "", [])})
    return _record_via_node(store, actor, case_id, node, Measure, today, after=release)


def release_measure(store: Store, actor: Actor, measure_id: str, *, released_on, reason: str | None = None,
                    today: date | None = None, expected_version: int | None = None) -> None:
    """解除 a measure (限消、查封、冻结 …): audited and synced; the seal's expiry deadline ends with it."""
    with pipeline.write(store, actor, today=today) as w:
        m = w.session.get(Measure, measure_id)
        if m is None:
            raise NotFoundError("措施记录不存在")
        rel = parse_date(released_on, "解除日期", not_after=w.today, not_before=m.started_on)
        note = (m.description or "") + (f"［解除：{reason.strip()}］" if (reason or "").strip() else "")
        w.change(m, {"released_on": rel, "description": note}, action="解除", expected_version=expected_version,
                 labels={"released_on": "解除日期"}, what=f"{m.kind}措施")


def record_payment(store: Store, actor: Actor, case_id: str, *, kind: str, amount: str, paid_on,
                   route: str | None = None, description: str | None = None, asset_id: str | None = None,
                   today: date | None = None) -> str:
    """执行款 from the 财产 tab = node N14 (划拨/提取 into the court) or N15 (到账/发放) with its payment."""
    today_ = today or date.today()
    kind = records.require_known(kind, "payment_kinds", "执行款类型")
    paid = parse_date(paid_on, "执行款日期", not_after=today_)
    if route is not None:
        route = records.require_known(route, "payment_routes", "执行款来源")
    code = "N14" if kind == "到账" and route in records.TRANSFER_ROUTES else "N15"
    data = {"amount": amount, "route": route, "asset_id": asset_id}
    if code == "N15":
        data["payment_kind"] = kind
    node = NodeInput(code=code, started_on=paid, ended_on=paid, description=description,
                     data={k: val for k, val in data.items() if val not in (None, "")})
    return _record_via_node(store, actor, case_id, node, Payment, today)


DEDUCTION_KINDS = vocabulary("deduction_kinds").values


def record_deduction(store: Store, actor: Actor, case_id: str, *, kind: str, started_on, ended_on=None,
                     document_number: str | None = None, reason: str | None = None,
                     today: date | None = None) -> str:
    def make(session, case, today):
        k = records.require_known(kind, "deduction_kinds", "扣除类型")
        start = parse_date(started_on, "扣除开始日期", not_before=case.filed_on)
        end = parse_date(ended_on, "扣除结束日期", not_before=start) if ended_on else None
        return Deduction(case_id=case.id, kind=k, started_on=start, ended_on=end,
                         document_number=document_number, reason=reason)
    return _record(store, actor, case_id, make, today)


def close_deduction(store: Store, actor: Actor, deduction_id: str, ended_on, *, today: date | None = None,
                    expected_version: int | None = None) -> None:
    with pipeline.write(store, actor, today=today) as w:
        d = w.session.get(Deduction, deduction_id)
        if d is None:
            raise NotFoundError("扣除记录不存在")
        w.change(d, {"ended_on": parse_date(ended_on, "扣除结束日期", not_before=d.started_on)},
                 expected_version=expected_version, labels={"ended_on": "扣除结束日期"}, what="扣除期间")


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
