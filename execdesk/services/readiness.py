"""终本 readiness facts from the database (read-only): the case's business records gathered for the rules
(rules/zhongben.py), one case or many with the same queries. Used by services/derived.py (the cached flag) and by
services/zhongben.py (checks and waivers); it writes nothing."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from execdesk.models import Case
from execdesk.models.database import dbapi_connection
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
    conn = dbapi_connection(session)  # read-only queries on the session's own connection and transaction
    out: dict[str, rules.CaseFacts] = {}
    for chunk in _chunks([c[0] for c in cases]):
        rows = _rows_for(conn, chunk)
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
        realised: dict[str, int] = {cid: 0 for cid in chunk}
        for cid, amount in rows("SELECT case_id, sum(amount_fen) FROM payments WHERE case_id IN (?) "
                                "AND status = '有效' AND kind = '到账' GROUP BY case_id"):
            realised[cid] = int(amount or 0)
        assets = _asset_facts(rows, seals)
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
                assets=tuple(assets.get(cid, ())), measures=tuple(measures[cid]), interviews=tuple(interviews[cid]),
                debtor_missing=bool(missing), obstruction=bool(obstruction),
                sanction_nodes=bool(n["N17"] or n["N18"]), applicant_requested_zhongben=bool(requested),
                waived=frozenset(code for code, dec in waivers[cid].items() if dec == APPROVE),
                orphan_nodes=tuple(orphans.get(cid, ())))
    return out


def _asset_facts(rows, seals: dict[str, tuple[str, date | None]] | None = None) -> dict[str, list[rules.AssetFacts]]:
    """The found assets of the cases ``rows`` runs its queries for, with their evaluation/disposal events, the
    seal that holds each one and what was paid from it. ``seals`` (measure id → (kind, released)) when the caller
    has read the cases' measures already; else the seals are read here."""
    vocab = records.asset_classes()
    found = rows("SELECT case_id, id, kind, description, value_fen, cannot_dispose_reason, not_executable_reason, "
                 "measure_id FROM found_assets WHERE case_id IN (?)")
    if not found:
        return {}  # no asset: no event, seal or payment of one to read
    if seals is None:
        seals = {mid: (k, _d(rel)) for mid, k, rel in rows(
            "SELECT id, kind, released_on FROM measures WHERE case_id IN (?) AND id IN "
            "(SELECT measure_id FROM found_assets WHERE case_id IN (?))")}
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
    for kind, amount, paid_on, asset_id in rows(
            "SELECT kind, amount_fen, paid_on, asset_id FROM payments WHERE case_id IN (?) AND status = '有效' "
            "AND asset_id IS NOT NULL"):
        if kind == "到账":
            total, first = paid.get(asset_id, (0, None))
            d = _d(paid_on)
            paid[asset_id] = (total + int(amount), d if first is None or (d and d > first) else first)
    assets: dict[str, list] = {}
    for cid, aid, k, d, v, reason, text, mid in found:
        seal_kind, released = seals.get(mid, (None, None)) if mid else (None, None)
        total, paid_on = paid.get(aid, (0, None))
        assets.setdefault(cid, []).append(rules.AssetFacts(
            asset_id=aid, kind=k, asset_class=vocab.get(k, k), description=d, value_fen=int(v or 0),
            cannot_dispose_reason=reason, reason_text=text, seal_kind=seal_kind, seal_released_on=released,
            events=tuple(events.get(aid, ())), paid_fen=total, paid_on=paid_on))
    return assets


def _rows_for(conn: sqlite3.Connection, chunk: list[str]):
    """A query runner for one chunk of case ids: each ``(?)`` becomes the chunk's id list. Runs on the DB-API
    connection (the SQLAlchemy layer's per-statement work was a third of a single case's fact-gathering)."""
    marks = ", ".join("?" * len(chunk))

    def rows(sql: str):
        n = sql.count("(?)")
        return conn.execute(sql.replace("(?)", f"({marks})"), tuple(chunk) * n).fetchall()
    return rows


def asset_facts_many(session: Session, case_ids: list[str]) -> dict[str, tuple[rules.AssetFacts, ...]]:
    """The found assets of these cases as ``gather_facts_many`` reads them (the same function), for the disposal
    states of cases that cannot be ready (``can_be_ready``) or of every case in the daily recompute, without
    gathering their other facts."""
    session.flush()
    conn = dbapi_connection(session)
    out: dict[str, tuple[rules.AssetFacts, ...]] = {}
    for chunk in _chunks(case_ids):
        out.update((cid, tuple(a)) for cid, a in _asset_facts(_rows_for(conn, chunk)).items())
    return out


def asset_facts(session: Session, case_id: str) -> tuple[rules.AssetFacts, ...]:
    return asset_facts_many(session, [case_id]).get(case_id, ())


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


# Necessary conditions of readiness that a few indexed probes can test: a case failing one is not ready whatever
# its other facts are, so it is not evaluated. Each is used only while the rule data make it necessary (the item
# neither advisory nor — unless the probe admits a waiver — overridable), so a change of zhongben.toml can turn a
# probe off, never make it wrong. ``+m.kind``: the probe must go by ix_measures_case_id; without the unary plus
# SQLite chose ix_measures_expiry (kind, …) and scanned every 限制消费 row of the database for each case (at 100,000
# cases the daily recompute's candidate query ran for more than 20 minutes).
_N04_DONE = "EXISTS (SELECT 1 FROM nodes n WHERE n.case_id = c.id AND n.code = 'N04' AND n.status = '已完成')"
_MEASURE = "EXISTS (SELECT 1 FROM measures m WHERE m.case_id = c.id AND +m.kind = '{kind}')"


def _necessary_sql(today: date) -> tuple[str, list]:
    """SQL conditions on ``cases c`` every case ready for a ruling ``today`` meets, with their parameters."""
    cfg = rules.config()
    items = cfg["items"]

    def blocking(code: str, *, waivable_ok: bool = False) -> bool:
        spec = items.get(code)
        return (spec is not None and not spec.get("advisory", False)
                and (waivable_ok or not spec.get("overridable", False)))

    conds: list[str] = []
    params: list = []
    if blocking("R2_notice"):  # 执行通知书 (the first completed N04) — R2
        conds.append(_N04_DONE)
    if blocking("R4_limit"):  # every debtor under 限制消费 — R4 (no debtor: missing too)
        conds.append(_MEASURE.format(kind="限制消费"))
    if blocking("R4_credit"):  # every debtor decided for 失信 — R4
        conds.append(_MEASURE.format(kind="失信"))
    th, sc = cfg["thresholds"], cfg["scopes"]
    if blocking("R5_network", waivable_ok=True) and sc["network_required"]:
        # R5: a 网络查控 inside the window — unless every debtor is outside its reach (村委会, 分公司 …: any debtor
        # with such a name keeps the case) or the item was waived (any waiver approval keeps the case).
        start = rules.add_months(today, -th["network_window_months"]) - timedelta(days=th["network_window_grace_days"])
        alt = ["EXISTS (SELECT 1 FROM property_inquiries q WHERE q.case_id = c.id AND q.method = '网络查控' "
               "AND q.queried_on >= ? AND q.queried_on <= ?)"]
        params += [start.isoformat(), today.isoformat()]
        words = list(cfg["exemptions"]["network_name_keywords"])
        if words:
            alt.append("EXISTS (SELECT 1 FROM parties p WHERE p.case_id = c.id AND p.role = '被执行人' AND ("
                       + " OR ".join("instr(p.name, ?) > 0" for _ in words) + "))")
            params += words
        if items["R5_network"].get("overridable", False):
            alt.append("EXISTS (SELECT 1 FROM approvals a WHERE a.case_id = c.id AND a.subject = ?)")
            params.append(WAIVER_SUBJECT)
        conds.append("(" + " OR ".join(alt) + ")")
    return " AND ".join(conds), params


def past_floor(filed_on: date, today: date) -> bool:
    """R1 as the evaluation reads it (``earliest_ruling_date``; R1 is never waivable)."""
    return today >= rules.earliest_ruling_date(filed_on)


def can_be_ready(session: Session, case: Case, today: date) -> bool:
    """False only when ``rules.evaluate`` would certainly say not ready for a ruling ``today``: a closed case, a
    case before the R1 floor, or one failing a necessary condition (``_necessary_sql``: no completed 执行通知, no
    限制消费 or 失信 record, no 网络查控 in the window). True means "evaluate it". The same test as ``ready_all``, so a
    saved case and the daily recompute agree."""
    if case.status != "未结" or not past_floor(case.filed_on, today):
        return False
    conds, params = _necessary_sql(today)
    if not conds:
        return True
    session.flush()
    return bool(dbapi_connection(session).execute(
        f"SELECT {conds} FROM cases c WHERE c.id = ?", (*params, case.id)).fetchone()[0])


def ready_all(session: Session, today: date) -> dict[str, bool]:
    """The readiness of every case for a ruling today, evaluated with the same facts as ``refresh_case``.

    Only open cases past the R1 floor that meet the necessary conditions of ``can_be_ready`` are evaluated; every
    other case is not ready."""
    months = rules.config()["thresholds"]["floor_months"]
    # A superset in SQL (every month has at least 28 days, so filing + ``months`` months is at least 28·months days
    # later), then R1 exactly: filing + 3 months read as earliest_ruling_date does at month ends too.
    bound = today - timedelta(days=28 * months)
    ready = {cid: False for (cid,) in session.execute(select(Case.id))}
    conds, params = _necessary_sql(today)
    candidates = dbapi_connection(session).execute(
        "SELECT id, case_number, filed_on, amount_claimed_fen, debtor_missing, obstruction, "
        f"applicant_requested_zhongben FROM cases c WHERE status = '未结' AND filed_on < ? "
        f"{'AND ' + conds if conds else ''}", (bound.isoformat(), *params)).fetchall()
    rows = [(cid, num, _day(filed), claimed, dm, ob, rq) for cid, num, filed, claimed, dm, ob, rq in candidates
            if past_floor(_day(filed), today)]
    for cid, facts in gather_facts_many(session, rows, today).items():
        ready[cid] = rules.evaluate(facts).ready
    return ready
