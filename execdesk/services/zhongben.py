"""终本 readiness from the database: gather the case's own facts, evaluate them (rules/zhongben.py), store
``cases.zhongben_ready`` for services/derived.py (its only caller), and let an authorised approver waive an overridable item with a written
reason (confirmed by the approver's password, audited, synced as an Approval row with subject 条件豁免).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from execdesk.models import Approval, Case, Node, Payment
from execdesk.models.database import Store
from execdesk.rules import zhongben as rules
from execdesk.rules.approval import APPROVE
from execdesk.rules.dates import parse_date
from execdesk.rules.errors import ValidationError
from execdesk.services import records
from execdesk.services.accounts import authenticate
from execdesk.services.context import Actor
from execdesk.services.lookup import get_case

WAIVER_SUBJECT = "条件豁免"
WAIVER_ROUTE = "终本条件豁免"


def live_nodes(session: Session, case_id: str, *codes: str) -> list[Node]:
    """Completed, uncorrected nodes of the given codes, oldest first."""
    q = select(Node).where(Node.case_id == case_id, Node.status == "已完成")
    if codes:
        q = q.where(Node.code.in_(codes))
    return list(session.scalars(q.order_by(Node.seq)))


def node_date(node: Node) -> date | None:
    return node.ended_on or node.started_on


def realised_fen(session: Session, case_id: str) -> int:
    return int(session.scalar(select(func.coalesce(func.sum(Payment.amount_fen), 0))
                              .where(Payment.case_id == case_id, Payment.kind == "到账")))


def waived_codes(session: Session, case_id: str) -> frozenset[str]:
    rows = session.execute(select(Approval.step, Approval.decision)
                           .where(Approval.case_id == case_id, Approval.subject == WAIVER_SUBJECT)
                           .order_by(Approval.decided_at))
    latest: dict[str, str] = {step: decision for step, decision in rows}  # later rows win: latest decision
    return frozenset(code for code, decision in latest.items() if decision == APPROVE)


_FACT_NODES = ("N04", "N08", "N17", "N18")
_CHUNK = 500


def _chunks(ids: list[str]) -> Iterator[list[str]]:
    for i in range(0, len(ids), _CHUNK):
        yield ids[i:i + _CHUNK]


def _d(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def gather_facts_many(session: Session, cases: list[tuple[str, str, date, int, bool, bool, bool]],
                      ruling_date: date) -> dict[str, rules.CaseFacts]:
    """The readiness facts of many cases with a few set queries per chunk of cases (the daily recompute and a
    single save use this same function, so a case evaluated alone and in bulk gets identical facts).

    ``cases``: (id, case_number, filed_on, amount_claimed_fen, debtor_missing, obstruction,
    applicant_requested_zhongben). Facts are read from the business records — inquiries, found assets with their
    evaluation/disposal events, measures, payments, interviews — never from node text."""
    session.flush()
    conn = session.connection()
    out: dict[str, rules.CaseFacts] = {}
    vocab = records.asset_classes()
    for chunk in _chunks([c[0] for c in cases]):
        marks = ", ".join("?" * len(chunk))
        args = tuple(chunk)

        def rows(sql: str, _args=args, _marks=marks):
            return conn.exec_driver_sql(sql.replace("(?)", f"({_marks})"), _args).all()

        nodes: dict[str, dict[str, list]] = {cid: {code: [] for code in _FACT_NODES} for cid in chunk}
        for cid, code, started, ended, data in rows(
                "SELECT case_id, code, started_on, ended_on, data FROM nodes WHERE case_id IN (?) AND status = '已完成' "
                f"AND code IN ({', '.join(repr(c) for c in _FACT_NODES)}) ORDER BY case_id, seq"):
            nodes[cid][code].append((_d(ended) or _d(started), _json(data)))
        debtors: dict[str, list] = {cid: [] for cid in chunk}
        for cid, pid, name, kind, dead in rows(
                "SELECT case_id, id, name, kind, deceased FROM parties WHERE case_id IN (?) AND role = '被执行人' "
                "ORDER BY case_id, seq"):
            debtors[cid].append(rules.DebtorFacts(party_id=pid, name=name, kind=kind, deceased=bool(dead)))
        inquiries: dict[str, list] = {cid: [] for cid in chunk}
        for cid, m, q, sc, pid in rows("SELECT case_id, method, queried_on, scopes, party_id FROM property_inquiries "
                                       "WHERE case_id IN (?)"):
            inquiries[cid].append(rules.InquiryFact(method=m, queried_on=_d(q), scopes=tuple(_json(sc) or ()),
                                                    party_id=pid))
        leads: dict[str, list] = {cid: [] for cid in chunk}
        for cid, c, g, v in rows("SELECT case_id, content, given_on, verified_on FROM property_leads WHERE case_id IN (?)"):
            leads[cid].append(rules.LeadFact(content=c, given_on=_d(g), verified_on=_d(v)))
        measures: dict[str, list] = {cid: [] for cid in chunk}
        seals: dict[str, tuple[str, date | None]] = {}
        for cid, mid, k, st, pid, rel, na in rows(
                "SELECT case_id, id, kind, started_on, party_id, released_on, not_applicable_reason FROM measures "
                "WHERE case_id IN (?)"):
            measures[cid].append(rules.MeasureFact(kind=k, started_on=_d(st), party_id=pid, released_on=_d(rel),
                                                   not_applicable_reason=na))
            seals[mid] = (k, _d(rel))
        events: dict[str, list] = {}
        for asset_id, code, started, ended, data in rows(
                "SELECT json_extract(data, '$.asset_id'), code, started_on, ended_on, data FROM nodes "
                "WHERE case_id IN (?) AND code IN ('N12', 'N13') AND status != '已更正' ORDER BY case_id, seq"):
            if asset_id:
                d = _json(data)
                events.setdefault(asset_id, []).append(rules.AssetEvent(
                    code=code, started_on=_d(started), ended_on=_d(ended), method=d.get("method"),
                    result=d.get("result"), notice_on=_d(d.get("notice_on"))))
        paid: dict[str, tuple[int, date | None]] = {}
        realised: dict[str, int] = {cid: 0 for cid in chunk}
        for cid, kind, amount, paid_on, asset_id in rows(
                "SELECT case_id, kind, amount_fen, paid_on, asset_id FROM payments WHERE case_id IN (?)"):
            if kind == "到账":
                realised[cid] += int(amount)
                if asset_id:
                    total, first = paid.get(asset_id, (0, None))
                    d = _d(paid_on)
                    paid[asset_id] = (total + int(amount), d if first is None or (d and d > first) else first)
        assets: dict[str, list] = {cid: [] for cid in chunk}
        for cid, aid, k, d, v, reason, text, mid in rows(
                "SELECT case_id, id, kind, description, value_fen, cannot_dispose_reason, not_executable_reason, "
                "measure_id FROM found_assets WHERE case_id IN (?)"):
            seal_kind, released = seals.get(mid, (None, None)) if mid else (None, None)
            total, paid_on = paid.get(aid, (0, None))
            assets[cid].append(rules.AssetFacts(
                asset_id=aid, kind=k, asset_class=vocab.get(k, k), description=d, value_fen=int(v or 0),
                cannot_dispose_reason=reason, reason_text=text, seal_kind=seal_kind, seal_released_on=released,
                events=tuple(events.get(aid, ())), paid_fen=total, paid_on=paid_on))
        interviews: dict[str, list] = {cid: [] for cid in chunk}
        for cid, on, method, agreed in rows("SELECT case_id, held_on, method, agreed FROM interviews WHERE case_id IN (?)"):
            interviews[cid].append(rules.InterviewFact(on=_d(on), method=method, agreed=agreed))
        waivers: dict[str, dict[str, str]] = {cid: {} for cid in chunk}
        for cid, step, decision in rows(
                f"SELECT case_id, step, decision FROM approvals WHERE case_id IN (?) AND subject = '{WAIVER_SUBJECT}' "
                "ORDER BY case_id, decided_at"):
            waivers[cid][step] = decision  # later rows win: the latest decision
        orphans = records.orphan_nodes_many(conn, chunk)
        for cid, number, filed, claimed, missing, obstruction, requested in cases:
            if cid not in nodes:
                continue
            n = nodes[cid]
            notice = n["N04"][0] if n["N04"] else None
            checks = n["N08"]
            report_status = next((d["report_status"] for _, d in reversed(checks) if d.get("report_status")), None)
            report_order_on = None
            if notice and notice[1].get("report_order_on"):
                try:
                    report_order_on = parse_date(notice[1]["report_order_on"], "报告财产令发出日期")
                except ValidationError:
                    report_order_on = None
            out[cid] = rules.CaseFacts(
                case_number=number, filed_on=_d(filed), ruling_date=ruling_date,
                amount_claimed_fen=int(claimed), realised_fen=realised[cid],
                notice_on=notice[0] if notice else None, report_order_on=report_order_on,
                money_claim=int(claimed) > 0, report_checked=bool(checks), report_status=report_status,
                debtors=tuple(debtors[cid]), inquiries=tuple(inquiries[cid]), leads=tuple(leads[cid]),
                assets=tuple(assets[cid]), measures=tuple(measures[cid]), interviews=tuple(interviews[cid]),
                debtor_missing=bool(missing), obstruction=bool(obstruction),
                sanction_nodes=bool(n["N17"] or n["N18"]), applicant_requested_zhongben=bool(requested),
                waived=frozenset(code for code, dec in waivers[cid].items() if dec == APPROVE),
                orphan_nodes=tuple(orphans.get(cid, ())))
    return out


def _json(value):
    if value is None:
        return {}
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return {}
    return value


def _case_row(case: Case) -> tuple:
    return (case.id, case.case_number, case.filed_on, case.amount_claimed_fen, case.debtor_missing, case.obstruction,
            case.applicant_requested_zhongben)


def gather_facts(session: Session, case: Case, ruling_date: date) -> rules.CaseFacts:
    """The readiness facts of one case (the same queries as the bulk path)."""
    return gather_facts_many(session, [_case_row(case)], ruling_date)[case.id]


def evaluate_case(session: Session, case: Case, ruling_date: date | None = None) -> rules.Readiness:
    """A fresh evaluation. Read-only: it never writes the cached flag (a read that wrote was issue 11's bug)."""
    return rules.evaluate(gather_facts(session, case, ruling_date or date.today()))


def store_ready(session: Session, case: Case, *, today: date) -> bool:
    """Write the cached ``zhongben_ready`` flag of one case as evaluated for a ruling today.

    Called only by services/derived.py (the write pipeline's refresh and the daily recompute). Derived data:
    written straight to the row and set as the committed value (no version bump, no outbox entry)."""
    if case.status != "未结" or today < rules.earliest_ruling_date(case.filed_on):
        ready = False  # cannot be ready before the R1 floor or once closed
    else:
        ready = evaluate_case(session, case, today).ready
    if bool(case.zhongben_ready) != ready:
        session.flush()
        session.connection().exec_driver_sql("UPDATE cases SET zhongben_ready = ? WHERE id = ?", (int(ready), case.id))
        set_committed_value(case, "zhongben_ready", ready)
    return ready


def ready_all(session: Session, today: date) -> dict[str, bool]:
    """The readiness of every case for a ruling today, evaluated with the same facts as ``store_ready``.

    Only open cases past the R1 floor that have a completed 执行通知 (N04) and a 限制消费 record can be ready:
    both are non-overridable conditions (R2, R4), so every other case is not ready without evaluation."""
    floor = rules.add_months(today, -rules.config()["thresholds"]["floor_months"])
    ready = {cid: False for (cid,) in session.execute(select(Case.id))}
    candidates = session.connection().exec_driver_sql(
        "SELECT id, case_number, filed_on, amount_claimed_fen, debtor_missing, obstruction, "
        "applicant_requested_zhongben FROM cases c WHERE status = '未结' AND filed_on < ? "
        "AND EXISTS (SELECT 1 FROM nodes n WHERE n.case_id = c.id AND n.code = 'N04' AND n.status = '已完成') "
        "AND EXISTS (SELECT 1 FROM measures m WHERE m.case_id = c.id AND m.kind = '限制消费')",
        (floor.isoformat(),)).all()
    rows = [(cid, num, _d(filed), claimed, dm, ob, rq) for cid, num, filed, claimed, dm, ob, rq in candidates]
    for cid, facts in gather_facts_many(session, rows, today).items():
        ready[cid] = rules.evaluate(facts).ready
    return ready


def check_readiness(store: Store, case_id: str, ruling_date: date | str | None = None, *,
                    today: date | None = None) -> rules.Readiness:
    """Evaluate a case for a ruling on ``ruling_date`` (default today). Read-only."""
    today = today or date.today()
    when = parse_date(ruling_date, "裁定日期") if ruling_date else today
    with store.read() as session:
        return evaluate_case(session, get_case(session, case_id), when)


def waive_item(store: Store, actor: Actor, case_id: str, code: str, *, reason: str, approver_username: str,
               approver_password: str, today: date | None = None) -> str:
    """Waive one overridable readiness item: written reason + an authorised approver's password. Audited."""
    cfg = rules.config()
    spec = cfg["items"].get(code)
    if spec is None:
        raise ValidationError(f"没有编号为“{code}”的终本条件", "终本条件")
    if not spec.get("overridable"):
        raise ValidationError(f"“{spec['title']}”是法定条件，不能豁免", "终本条件")
    if not (reason or "").strip():
        raise ValidationError("豁免必须写明理由", "豁免理由")
    approver = authenticate(store, approver_username, approver_password)
    roles = cfg["override"]["roles"]
    if approver.role not in roles:
        raise ValidationError(f"豁免须由{'、'.join(roles)}批准，{approver.display_name}的角色是{approver.role}", "批准人")
    from execdesk.services import pipeline  # pipeline → derived → zhongben: imported where used

    with pipeline.write(store, actor, today=today) as w:
        case = get_case(w.session, case_id)
        if approver.user_id and approver.user_id == case.handler_id:
            raise ValidationError("承办人不能批准豁免自己承办案件的终本条件", "批准人")
        row = Approval(case_id=case.id, subject=WAIVER_SUBJECT, route=WAIVER_ROUTE, step=code,
                       approver_id=approver.user_id, approver_name=approver.display_name, decision=APPROVE,
                       opinion=reason.strip())
        w.add(row, "豁免")
        return row.id
