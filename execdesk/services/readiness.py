"""终本 readiness facts from the database (read-only): the case's business records gathered for the rules
(rules/zhongben.py), one case or many with the same queries. Used by services/derived.py (the cached flag) and by
services/zhongben.py (checks and waivers); it writes nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from execdesk.models import Case
from execdesk.rules import zhongben as rules
from execdesk.rules.approval import APPROVE
from execdesk.rules.dates import parse_date
from execdesk.rules.errors import ValidationError
from execdesk.services import records

WAIVER_SUBJECT = "条件豁免"
_FACT_NODES = ("N04", "N08", "N17", "N18")
_CHUNK = 500


def _chunks(ids: list[str]) -> Iterator[list[str]]:
    for i in range(0, len(ids), _CHUNK):
        yield ids[i:i + _CHUNK]


def _d(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _day(value) -> date:
    """A date of a NOT NULL column."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


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
            inquiries[cid].append(rules.InquiryFact(method=m, queried_on=_day(q), scopes=tuple(_json(sc) or ()),
                                                    party_id=pid))
        leads: dict[str, list] = {cid: [] for cid in chunk}
        for cid, c, g, v in rows("SELECT case_id, content, given_on, verified_on FROM property_leads WHERE case_id IN (?)"):
            leads[cid].append(rules.LeadFact(content=c, given_on=_day(g), verified_on=_d(v)))
        measures: dict[str, list] = {cid: [] for cid in chunk}
        seals: dict[str, tuple[str, date | None]] = {}
        for cid, mid, k, st, pid, rel, na in rows(
                "SELECT case_id, id, kind, started_on, party_id, released_on, not_applicable_reason FROM measures "
                "WHERE case_id IN (?)"):
            measures[cid].append(rules.MeasureFact(kind=k, started_on=_day(st), party_id=pid, released_on=_d(rel),
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
                "SELECT case_id, kind, amount_fen, paid_on, asset_id FROM payments WHERE case_id IN (?) AND status = '有效'"):
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
            interviews[cid].append(rules.InterviewFact(on=_day(on), method=method, agreed=agreed))
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
                case_number=number, filed_on=_day(filed), ruling_date=ruling_date,
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
    rows = [(cid, num, _day(filed), claimed, dm, ob, rq) for cid, num, filed, claimed, dm, ob, rq in candidates]
    for cid, facts in gather_facts_many(session, rows, today).items():
        ready[cid] = rules.evaluate(facts).ready
    return ready
