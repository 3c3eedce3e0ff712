"""One fact, one record, two views (issue 11): a process node and the business record it evidences.

A node whose catalogue entry declares ``record`` (resources/rules/nodes.toml) is written together with its
business record, in the same pipeline transaction, and each points at the other (``node.linked_entity`` /
``linked_id`` — the data standard's 对应业务序号 — and ``record.node_id``):

    inquiry      N06 网络查控, N07 传统查控          → PropertyInquiry
    measure      N09 限消, N10 失信, N16, N17, N18   → Measure
    seal         N11 查封/扣押/冻结                  → Measure (the control) + FoundAsset (what was found)
    asset_event  N12 评估, N13 拍卖/变卖/以物抵债      → the event of the FoundAsset named by ``asset_id``
    payment      N14 划拨/提取, N15 到账/发放         → Payment
    interview    N22 约谈                            → Interview

Recording from the 财产 tab (``cases.record_inquiry`` …) builds the same node input and comes through here, so
whichever screen the clerk uses, both views show the same fact. A correction of the node updates its record in
place (a new version, audited and synced), never a second, diverging copy.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from execdesk.models import (
    ENTITY_NAMES,
    FoundAsset,
    Interview,
    Measure,
    Node,
    Payment,
    PropertyInquiry,
    new_id,
)
from execdesk.rules.deadlines import add_months
from execdesk.rules.errors import ErrorCollector, ValidationError
from execdesk.rules.fields import field_specs, parse_fields, vocabulary
from execdesk.services.deadlines import active_rules
from execdesk.services.node_catalogue import node_catalogue
from execdesk.services.writer import Write

RECORD_ENTITIES = {"inquiry": "property_inquiry", "measure": "measure", "seal": "measure", "payment": "payment",
                   "interview": "interview"}
TRANSFER_ROUTES = ("划拨", "扣划", "提取", "扣留提取")


@functools.cache
def asset_classes() -> dict[str, str]:
    """asset kind → the class the law's rules use (存款 / 动产 / 不动产 / 其他财产权)."""
    vocab = vocabulary("asset_kinds")
    return {v: vocab.class_of(v) for v in vocab.values}


@functools.cache
def measure_codes() -> dict[str, str]:
    """measure kind → the node code that records it (from the catalogue: measure_kind or its vocabulary)."""
    out: dict[str, str] = {}
    for code, entry in node_catalogue().items():
        if entry.get("record") == "measure":
            if entry.get("measure_kind"):
                out[entry["measure_kind"]] = code
            for spec in field_specs(entry):
                if spec.key == "measure_kind" and spec.vocab:
                    for value in vocabulary(spec.vocab).values:
                        out.setdefault(value, code)
        elif entry.get("record") == "seal":
            for value in vocabulary("seal_kinds").values:
                out[value] = code
    return out


def record_codes() -> tuple[str, ...]:
    """Node codes that must have a business record (inquiry, measure, seal, payment, interview)."""
    return tuple(sorted(c for c, e in node_catalogue().items() if e.get("record") in RECORD_ENTITIES))


@dataclass(frozen=True)
class FormContext:
    debtors: tuple[tuple[str, str], ...]  # (party id, name)
    assets: tuple[tuple[str, str], ...]  # (asset id, label)


def form_context(session, case_id: str) -> FormContext:
    """The case's debtors and found assets as a node form offers them (two indexed reads on the session's
    connection: this runs on every node save, where the ORM's per-query overhead was most of its cost)."""
    session.flush()  # assets added earlier in this transaction are choices too
    conn = session.connection()
    debtors = tuple((pid, name) for pid, name in conn.exec_driver_sql(
        "SELECT id, name FROM parties WHERE case_id = ? AND role = '被执行人' ORDER BY seq", (case_id,)))
    assets = tuple((aid, f"{desc}（{kind}）") for aid, desc, kind in conn.exec_driver_sql(
        "SELECT id, description, kind FROM found_assets WHERE case_id = ? ORDER BY created_at", (case_id,)))
    return FormContext(debtors=debtors, assets=assets)


def parse_node_data(session, case_id: str, code: str, data: Mapping[str, Any] | None) -> dict[str, Any]:
    """The node's typed fields parsed against the catalogue and the case's own debtors and assets."""
    entry = node_catalogue()[code]
    ctx = form_context(session, case_id)
    return parse_fields(field_specs(entry), data, parties=frozenset(p for p, _ in ctx.debtors),
                        assets=frozenset(a for a, _ in ctx.assets))


def _next_seq(session, case_id: str) -> int:
    """The next node number of the case: after the stored nodes and after nodes added in this transaction and not
    yet flushed (a 限消 for each of several debtors is several nodes in one save)."""
    stored = session.connection().exec_driver_sql("SELECT max(seq) FROM nodes WHERE case_id = ?", (case_id,)).scalar()
    pending = max((n.seq or 0 for n in session.new if isinstance(n, Node) and n.case_id == case_id), default=0)
    return max(stored or 0, pending) + 1


# The business records a node creates or links (one fact, one record).
NodeRecord = PropertyInquiry | Measure | FoundAsset | Payment | Interview


def _linked(session, node: Node) -> list[NodeRecord]:
    """The business records that point at ``node`` (its own record, or a seal's measure and asset)."""
    out: list[NodeRecord] = []
    for model in (PropertyInquiry, Measure, FoundAsset, Payment, Interview):
        out.extend(session.scalars(select(model).where(model.node_id == node.id)))
    return out


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _record_values(code: str, entry: dict, node: Node, fields: dict[str, Any], session) -> list[tuple[type[NodeRecord], dict]]:
    """What the node says about its business record(s): (model, column values) in link order."""
    kind = entry.get("record")
    on = node.started_on or node.ended_on
    if kind == "inquiry":
        method = "网络查控" if code == "N06" else "传统查控"
        return [(PropertyInquiry, dict(
            case_id=node.case_id, party_id=fields.get("party"), method=method, scopes=list(fields.get("scopes", [])),
            queried_on=on, feedback_on=_date(fields.get("feedback_on")) or node.ended_on,
            result=fields.get("result") or node.description, found_property=fields.get("found_property") == "是"))]
    if kind == "measure":
        measure_kind = entry.get("measure_kind") or fields.get("measure_kind")
        return [(Measure, dict(
            case_id=node.case_id, party_id=fields.get("party"), kind=measure_kind, started_on=on,
            document_number=node.document_number, amount_fen=int(fields.get("amount", 0)),
            description=node.description, not_applicable_reason=fields.get("not_applicable_reason")))]
    if kind == "seal":
        asset_kind = fields["asset_kind"]
        asset_class = asset_classes()[asset_kind]
        expires = _date(fields.get("expires_on"))
        if expires is None and on is not None:
            months = active_rules().seal_max_months.get(asset_class)
            expires = add_months(on, months) if months else None
        return [(Measure, dict(
            case_id=node.case_id, party_id=fields.get("party"), kind=fields["seal_kind"], asset_kind=asset_class,
            started_on=on, expires_on=expires, document_number=node.document_number,
            amount_fen=int(fields.get("amount", 0)), description=fields["asset_description"])),
                (FoundAsset, dict(
                    case_id=node.case_id, party_id=fields.get("party"), kind=asset_kind,
                    description=fields["asset_description"], value_fen=int(fields.get("value", 0))))]
    if kind == "payment":
        payment_kind = "到账" if code == "N14" else fields["payment_kind"]
        route = fields.get("route") or ("划拨" if code == "N14" else None)
        return [(Payment, dict(
            case_id=node.case_id, kind=payment_kind, amount_fen=int(fields["amount"]),
            paid_on=node.ended_on or node.started_on, route=route, description=node.description,
            asset_id=fields.get("asset_id")))]
    if kind == "interview":
        return [(Interview, dict(
            case_id=node.case_id, held_on=node.ended_on or node.started_on, method=fields["method"],
            place=fields.get("place"), attendees=fields.get("attendees"), agreed=fields.get("agreed"),
            leads_deadline_days=fields.get("leads_deadline")))]
    return []


def validate_record_values(code: str, values: list[tuple[type[NodeRecord], dict]]) -> None:
    errs = ErrorCollector()
    for model, v in values:
        if model is Payment and v["amount_fen"] <= 0:
            errs.add("金额", "必须大于零")
        if model is Payment and v["paid_on"] is None:
            errs.add("完成日期", "执行款节点必须填写日期")
        if model is Measure and not v["kind"]:
            errs.add("措施", "不能为空")
    errs.raise_if_any()


def write_node(w: Write, case, code: str, *, started_on: date | None, ended_on: date | None, status: str,
               fields: dict[str, Any], handler_name: str | None = None, description: str | None = None,
               document_number: str | None = None, corrects: Node | None = None) -> Node:
    """Insert the node and create (or, for a correction, update in place) its business record(s)."""
    entry = node_catalogue()[code]
    session = w.session
    w.hold(case)
    if entry.get("record") == "asset_event" and fields.get("asset_id"):
        # R27's deadline rules read the asset class (动产/不动产) from the node (notice lead times).
        asset = session.get(FoundAsset, fields["asset_id"])
        if asset is not None:
            fields = {**fields, "asset": asset_classes().get(asset.kind, asset.kind)}
    node = Node(case_id=case.id, code=code, seq=_next_seq(session, case.id), name=entry["name"],
                started_on=started_on, ended_on=ended_on if status == "已完成" else None, status=status,
                handler_name=handler_name, description=description, document_number=document_number,
                data=fields, corrects_id=corrects.id if corrects else None)
    if node.ended_on and node.started_on:
        node.actual_days = (node.ended_on - node.started_on).days
    values = _record_values(code, entry, node, fields, session)
    validate_record_values(code, values)
    existing = _linked(session, corrects) if corrects is not None else []
    # The records are built before anything is added, so that the node's own audit entry and outbox payload
    # carry its link (对应业务序号) and the node is inserted once, at version 1, with it (no second UPDATE).
    rows: list[tuple[NodeRecord, dict | None]] = []  # (record, values to change) — None: a new record
    node.id = new_id()
    measure_id = None
    for model, v in values:
        old = next((r for r in existing if isinstance(r, model)), None)
        v = {**v, "node_id": node.id}
        if model is FoundAsset and measure_id:
            v["measure_id"] = measure_id
        if old is not None:
            row, change = old, v
        else:
            row, change = model(id=new_id(), **v), None
        if model is Measure:
            measure_id = row.id
        rows.append((row, change))
    if rows:
        node.linked_entity = ENTITY_NAMES[type(rows[0][0])]
        node.linked_id = rows[0][0].id
    w.add(node, "更正" if corrects else "新建")
    for row, change in rows:
        if change is not None:
            w.change(row, change, action="更正")
        else:
            w.add(row)
    return node


def asset_for_event(w: Write, case, fields: dict[str, Any], description: str | None) -> str:
    """The asset an evaluation or disposal event is about when the form named none: the case's only found asset,
    or — when none was recorded yet — a found asset created from the event (its class, its description), so the
    event is never a fact without its asset. With several assets the clerk must choose."""
    assets = form_context(w.session, case.id).assets
    if len(assets) == 1:
        return assets[0][0]
    if assets:
        raise ValidationError("本案有多项已查明财产，请选择本次评估/处置的财产", "处置的财产")
    cls = fields.get("asset") or "不动产"
    kind = {"存款": "存款", "动产": "其他动产", "不动产": "不动产", "其他财产权": "其他财产权"}[cls]
    asset = FoundAsset(case_id=case.id, kind=kind, description=(description or "").strip() or f"待补充的处置财产（{cls}）",
                       value_fen=0)
    w.add(asset)
    return asset.id


def orphan_nodes_many(conn, case_ids: list[str]) -> dict[str, list[str]]:
    """Live record-bearing nodes of these cases whose business record is missing (legacy data, or a node that
    could not carry its record, e.g. a 划拨 without an amount)."""
    codes = record_codes()
    if not case_ids:
        return {}
    marks = ", ".join("?" * len(case_ids))
    sql = (f"SELECT n.case_id, n.code, n.name, coalesce(n.ended_on, n.started_on) FROM nodes n "
           f"WHERE n.case_id IN ({marks}) AND n.status != '已更正' AND n.code IN ({', '.join(repr(c) for c in codes)}) "
           "AND NOT EXISTS (SELECT 1 FROM property_inquiries r WHERE r.node_id = n.id) "
           "AND NOT EXISTS (SELECT 1 FROM measures r WHERE r.node_id = n.id) "
           "AND NOT EXISTS (SELECT 1 FROM payments r WHERE r.node_id = n.id) "
           "AND NOT EXISTS (SELECT 1 FROM interviews r WHERE r.node_id = n.id)")
    out: dict[str, list[str]] = {}
    run = conn.execute if isinstance(conn, sqlite3.Connection) else conn.exec_driver_sql  # DB-API or SQLAlchemy
    for cid, code, name, on in run(sql, tuple(case_ids)).fetchall():
        out.setdefault(cid, []).append(f"{code}{name}（{on or '无日期'}）")
    return out


def consistency_problems(session, case_id: str) -> list[str]:
    """Every way nodes and records of a case disagree (empty when consistent). Used by tests and `db check`."""
    problems = [f"节点无业务记录：{p}" for p in orphan_nodes_many(session.connection(), [case_id]).get(case_id, [])]
    live = {n.id: n for n in session.scalars(select(Node).where(Node.case_id == case_id, Node.status != "已更正"))}
    for model in (PropertyInquiry, Measure, Payment, Interview):
        for row in session.scalars(select(model).where(model.case_id == case_id)):
            if row.node_id is None:
                if model is Measure and row.kind not in measure_codes():
                    continue  # a measure kind with no node in the catalogue (e.g. 限制出境)
                problems.append(f"{model.__tablename__} {row.id} 无对应节点")
            elif row.node_id not in live:
                problems.append(f"{model.__tablename__} {row.id} 指向已更正或不存在的节点")
    for asset in session.scalars(select(FoundAsset).where(FoundAsset.case_id == case_id)):
        if asset.node_id is not None and asset.node_id not in live:
            problems.append(f"found_assets {asset.id} 指向已更正或不存在的节点")
    for node in live.values():
        if node.linked_id is None and node.code in record_codes():
            problems.append(f"节点{node.code} {node.id} 未链接业务记录")
    return problems


def require_known(value: str | None, vocab: str, field: str) -> str:
    if value is None or not str(value).strip():
        raise ValidationError("不能为空", field)
    return vocabulary(vocab).check(value, field)
