"""one fact, one record: nodes and business records linked, records derived where only one side exists (issue 11)

Revision ID: 0004_one_fact_one_record
Revises: 0003_case_list_indexes
Create Date: 2026-12-01 23:30:00

Before this revision a process node (N06 网络查控, N11 查封, N14 划拨 …) and the business record it evidences
(财产查控, 已查明财产, 执行款 …) were written by two unlinked paths, so a case could show a seized and auctioned
house as a node and no found property as a record — and be certified ready for 终本. This revision:

- adds ``node_id`` to property_inquiries, measures, payments, found_assets; ``measure_id``,
  ``cannot_dispose_reason``, ``disposal_state`` to found_assets; ``asset_id`` to payments; the ``interviews`` table;
- links every record to the node that evidences it, and derives what is missing from what exists:
  a node without its record gets the record the node states (N06/N07 → inquiry, N09/N10/N16–N18 → measure,
  N11 → seal + found asset, N14/N15 with an amount → payment, N22 → interview); a record without a node gets
  its node; an N12/N13 event names the case's found asset (one is created from the auction data if none exists);
- never invents a fact it cannot read: a 划拨 node without an amount keeps no payment and stays an orphan, which
  the 终本 readiness check reports (R5_records) until a person records the amount.

Every derived row is audited (actor ``迁移0004``); rows of cases that were ever queued for sync are queued too.
The logic is frozen here (no application imports), as migrations must be.
"""
from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0004_one_fact_one_record"
down_revision = "0003_case_list_indexes"
branch_labels = None
depends_on = None

ACTOR = "迁移0004"
ASSET_KIND_BY_CLASS = {"存款": "存款", "动产": "其他动产", "不动产": "不动产", "其他财产权": "其他财产权"}
CLASS_BY_KIND = {"存款": "存款", "互联网金融": "存款", "车辆": "动产", "船舶": "动产", "航空器": "动产", "其他动产": "动产",
                 "不动产": "不动产", "股权": "其他财产权", "其他财产权": "其他财产权", "到期债权": "其他财产权", "收入": "存款"}
MEASURE_NODE = {"限制消费": "N09", "失信": "N10", "悬赏": "N16", "审计": "N16", "搜查": "N16", "查找": "N16",
                "传唤": "N17", "拘传": "N17", "罚款": "N17", "拘留": "N17", "移送拒执罪": "N18",
                "查封": "N11", "扣押": "N11", "冻结": "N11"}
NODE_MEASURE = {"N09": "限制消费", "N10": "失信", "N18": "移送拒执罪"}
NODE_NAMES = {"N06": "网络查控", "N07": "线索核实/传统查控", "N09": "限制消费令", "N10": "纳入失信", "N11": "查封/扣押/冻结",
              "N14": "划拨/扣留提取", "N15": "执行款到账/发放", "N16": "悬赏/审计/搜查", "N17": "传唤/拘传/罚款/拘留",
              "N18": "移送拒执罪"}
TRANSFER = ("划拨", "扣划", "提取", "扣留提取")


def _asset_kind(text: str | None) -> str:
    t = text or ""
    if t in CLASS_BY_KIND:
        return t
    if t in ASSET_KIND_BY_CLASS:
        return ASSET_KIND_BY_CLASS[t]
    if "存款" in t or "账户" in t or "银行" in t:
        return "存款"
    if "房" in t or "土地" in t:
        return "不动产"
    if "车" in t:
        return "车辆"
    if "股" in t:
        return "股权"
    return "其他财产权"


def upgrade() -> None:
    for table in ("property_inquiries", "measures", "payments", "found_assets"):
        with op.batch_alter_table(table) as b:
            b.add_column(sa.Column("node_id", sa.String(36), nullable=True))
            b.create_index(f"ix_{table}_node_id", ["node_id"])
    with op.batch_alter_table("found_assets") as b:
        b.add_column(sa.Column("measure_id", sa.String(36), nullable=True))
        b.add_column(sa.Column("cannot_dispose_reason", sa.String(32), nullable=True))
        b.add_column(sa.Column("disposal_state", sa.String(16), nullable=False, server_default="未处置"))
    with op.batch_alter_table("payments") as b:
        b.add_column(sa.Column("asset_id", sa.String(36), nullable=True))
    op.create_table(
        "interviews",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
        sa.Column("case_id", sa.String(36), sa.ForeignKey("cases.id", ondelete="CASCADE",
                                                           name="fk_interviews_case_id_cases"), nullable=False),
        sa.Column("node_id", sa.String(36), nullable=True),
        sa.Column("held_on", sa.Date, nullable=False),
        sa.Column("method", sa.String(8), nullable=False),
        sa.Column("place", sa.String(128)),
        sa.Column("attendees", sa.String(256)),
        sa.Column("agreed", sa.String(4)),
        sa.Column("leads_deadline_days", sa.Integer),
        sa.PrimaryKeyConstraint("id", name="pk_interviews"),
    )
    op.create_index("ix_interviews_case_id", "interviews", ["case_id"])
    op.create_index("ix_interviews_node_id", "interviews", ["node_id"])
    _derive(op.get_bind())


class _Writer:
    def __init__(self, conn):
        self.conn = conn
        self.now = datetime.now(UTC).isoformat(timespec="microseconds")
        self.synced = {r[0] for r in conn.exec_driver_sql("SELECT DISTINCT case_id FROM outbox WHERE case_id IS NOT NULL")}
        self.seq = {cid: s or 0 for cid, s in conn.exec_driver_sql("SELECT case_id, max(seq) FROM nodes GROUP BY case_id")}

    def _log(self, entity: str, table: str, row_id: str, case_id: str, before: dict | None) -> None:
        cols = [c[1] for c in self.conn.exec_driver_sql(f"PRAGMA table_info({table})")]
        after = dict(zip(cols, self.conn.exec_driver_sql(f"SELECT * FROM {table} WHERE id = ?", (row_id,)).one(),
                         strict=True))
        change_id = str(uuid.uuid4()) if case_id in self.synced else None
        self.conn.exec_driver_sql(
            "INSERT INTO audit_entries (at, actor, action, entity, entity_id, case_id, before, after, change_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (self.now, ACTOR, "迁移补录" if before is None else "迁移链接", entity, row_id, case_id,
             json.dumps(before, ensure_ascii=False) if before else None, json.dumps(after, ensure_ascii=False), change_id))
        if change_id:
            local = {"search_text", "limit_due_on", "next_due_on", "warning_level", "overdue_days", "explanation_owed",
                     "zhongben_earliest_on", "zhongben_ready", "deadlines_provisional", "created_at", "updated_at",
                     "disposal_state", "disposed"}
            fields = {k: v for k, v in after.items() if k not in local}
            if isinstance(fields.get("data"), str):
                fields["data"] = json.loads(fields["data"])
            if isinstance(fields.get("scopes"), str):
                fields["scopes"] = json.loads(fields["scopes"])
            payload = {"schema": 1, "entity": entity, "id": row_id, "case_id": case_id, "version": after.get("version"),
                       "fields": fields, "actor": ACTOR}
            self.conn.exec_driver_sql(
                "INSERT INTO outbox (change_id, entity, entity_id, case_id, op, base_version, payload, schema_version, "
                "created_at, state, attempts) VALUES (?, ?, ?, ?, 'upsert', ?, ?, 1, ?, 'pending', 0)",
                (change_id, entity, row_id, case_id, None if before is None else before.get("version"),
                 json.dumps(payload, ensure_ascii=False), self.now))

    def insert(self, entity: str, table: str, case_id: str, values: dict) -> str:
        row_id = str(uuid.uuid4())
        values = {"id": row_id, "version": 1, "created_at": self.now, "updated_at": self.now, "case_id": case_id, **values}
        cols = ", ".join(values)
        self.conn.exec_driver_sql(f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' * len(values))})",
                                  tuple(values.values()))
        self._log(entity, table, row_id, case_id, None)
        return row_id

    def update(self, entity: str, table: str, row_id: str, case_id: str, values: dict) -> None:
        cols = [c[1] for c in self.conn.exec_driver_sql(f"PRAGMA table_info({table})")]
        before = dict(zip(cols, self.conn.exec_driver_sql(f"SELECT * FROM {table} WHERE id = ?", (row_id,)).one(),
                          strict=True))
        sets = ", ".join(f"{k} = ?" for k in values)
        self.conn.exec_driver_sql(f"UPDATE {table} SET {sets}, version = version + 1, updated_at = ? WHERE id = ?",
                                  (*values.values(), self.now, row_id))
        self._log(entity, table, row_id, case_id, before)

    def node(self, case_id: str, code: str, on: str, data: dict, description: str | None,
             linked: tuple[str, str]) -> str:
        self.seq[case_id] = self.seq.get(case_id, 0) + 1
        return self.insert("node", "nodes", case_id, {
            "code": code, "seq": self.seq[case_id], "name": NODE_NAMES.get(code, code), "started_on": on, "ended_on": on,
            "status": "已完成", "description": description, "data": json.dumps(data, ensure_ascii=False),
            "linked_entity": linked[0], "linked_id": linked[1]})

    def link(self, node_id: str, case_id: str, entity: str, record_id: str, data: dict | None = None) -> None:
        values: dict = {"linked_entity": entity, "linked_id": record_id}
        if data is not None:
            values["data"] = json.dumps(data, ensure_ascii=False)
        self.update("node", "nodes", node_id, case_id, values)


def _derive(conn) -> None:
    w = _Writer(conn)
    live = "status != '已更正'"
    nodes: dict[tuple[str, str], list[list]] = {}
    for nid, cid, code, started, ended, data, desc in conn.exec_driver_sql(
            f"SELECT id, case_id, code, started_on, ended_on, data, description FROM nodes WHERE {live} ORDER BY case_id, seq"):
        nodes.setdefault((cid, code), []).append([nid, started, ended, json.loads(data) if data else {}, desc, False])

    def take(cid: str, codes: tuple[str, ...], on: str | None) -> list | None:
        for code in codes:
            for n in nodes.get((cid, code), []):
                if not n[5] and (on is None or (n[1] or n[2]) == on or n[2] == on):
                    n[5] = True
                    return [code, *n]
        return None

    # 1. 财产查控: inquiries ↔ N06/N07.
    for iid, cid, method, queried, scopes, result in conn.exec_driver_sql(
            "SELECT id, case_id, method, queried_on, scopes, result FROM property_inquiries ORDER BY case_id, queried_on").all():
        code = "N06" if method == "网络查控" else "N07"
        n = take(cid, (code,), queried)
        if n is None:
            nid = w.node(cid, code, queried, {"scopes": json.loads(scopes or "[]")} if code == "N06" else {}, result,
                         ("property_inquiry", iid))
        else:
            nid = n[1]
        w.update("property_inquiry", "property_inquiries", iid, cid, {"node_id": nid})
        if n is not None:
            w.link(nid, cid, "property_inquiry", iid)
    # 2. Measures ↔ their nodes; seals also get their found asset.
    assets_of: dict[str, list[str]] = {}
    for aid, cid in conn.exec_driver_sql("SELECT id, case_id FROM found_assets").all():
        assets_of.setdefault(cid, []).append(aid)
    for mid, cid, kind, asset_kind, started, desc, amount in conn.exec_driver_sql(
            "SELECT id, case_id, kind, asset_kind, started_on, description, amount_fen FROM measures "
            "ORDER BY case_id, started_on").all():
        code = MEASURE_NODE.get(kind)
        if code is None:
            continue
        n = take(cid, (code,), started)
        data: dict = {}
        if code in ("N16", "N17"):
            data["measure_kind"] = kind
        if code == "N11":
            akind = _asset_kind(asset_kind or desc)
            data.update(seal_kind=kind, asset_kind=akind, asset_description=desc or f"{kind}财产（迁移补录，待核实）")
        nid = n[1] if n is not None else w.node(cid, code, started, data, desc, ("measure", mid))
        w.update("measure", "measures", mid, cid, {"node_id": nid})
        if code == "N11":
            akind = data["asset_kind"]
            if asset_kind not in CLASS_BY_KIND.values():
                w.update("measure", "measures", mid, cid, {"asset_kind": CLASS_BY_KIND[akind]})
            aid = w.insert("found_asset", "found_assets", cid, {
                "kind": akind, "description": data["asset_description"], "value_fen": int(amount or 0),
                "node_id": nid, "measure_id": mid, "disposal_state": "未处置", "disposed": 0})
            assets_of.setdefault(cid, []).append(aid)
        if n is not None:
            w.link(nid, cid, "measure", mid, {**n[4], **data} if code == "N11" else None)
    for (cid, code), lst in list(nodes.items()):
        for n in lst:
            if n[5]:
                continue
            nid, started, ended, data, desc = n[0], n[1], n[2], n[3], n[4]
            on = started or ended
            if code in ("N06", "N07"):
                n[5] = True
                iid = w.insert("property_inquiry", "property_inquiries", cid, {
                    "method": "网络查控" if code == "N06" else "传统查控",
                    "scopes": json.dumps(data.get("scopes") if isinstance(data.get("scopes"), list) else [],
                                         ensure_ascii=False),
                    "queried_on": on, "feedback_on": ended, "result": desc, "found_property": 0, "node_id": nid})
                w.link(nid, cid, "property_inquiry", iid)
            elif code in NODE_MEASURE:
                n[5] = True
                mid = w.insert("measure", "measures", cid, {"kind": NODE_MEASURE[code], "started_on": on, "amount_fen": 0,
                                                            "description": desc, "node_id": nid})
                w.link(nid, cid, "measure", mid)
            elif code == "N11":
                n[5] = True
                akind = _asset_kind(data.get("asset_kind") or desc)
                mid = w.insert("measure", "measures", cid, {
                    "kind": data.get("seal_kind") or "查封", "asset_kind": CLASS_BY_KIND[akind], "started_on": on,
                    "amount_fen": 0, "description": desc, "node_id": nid})
                aid = w.insert("found_asset", "found_assets", cid, {
                    "kind": akind, "description": desc or "查封财产（迁移补录，待核实）", "value_fen": 0, "node_id": nid,
                    "measure_id": mid, "disposal_state": "未处置", "disposed": 0})
                assets_of.setdefault(cid, []).append(aid)
                w.link(nid, cid, "measure", mid, {**data, "seal_kind": data.get("seal_kind") or "查封", "asset_kind": akind,
                                                  "asset_description": desc or "查封财产（迁移补录，待核实）"})
            elif code == "N22" and on:
                n[5] = True
                agreed = data.get("agreed") if data.get("agreed") in ("是", "否") else None
                iid = w.insert("interview", "interviews", cid, {
                    "held_on": on, "method": data.get("method") or "面谈", "place": data.get("place"),
                    "attendees": data.get("attendees"), "agreed": agreed, "node_id": nid})
                w.link(nid, cid, "interview", iid)
    # 3. Payments ↔ N14/N15 (a node without an amount keeps no payment: an orphan the readiness check reports).
    for pid, cid, kind, amount, paid, route, desc in conn.exec_driver_sql(
            "SELECT id, case_id, kind, amount_fen, paid_on, route, description FROM payments ORDER BY case_id, paid_on").all():
        code = "N14" if kind == "到账" and route in TRANSFER else "N15"
        n = take(cid, (code, "N15" if code == "N14" else "N14"), paid)
        yuan = f"{amount // 100}.{amount % 100:02d}"
        data = {"amount": int(amount), "route": route} if code == "N14" else {"payment_kind": kind, "amount": int(amount),
                                                                              "route": route}
        data = {k: v for k, v in data.items() if v is not None}
        nid = n[1] if n is not None else w.node(cid, code, paid, data, desc or f"{kind}{yuan}元", ("payment", pid))
        w.update("payment", "payments", pid, cid, {"node_id": nid})
        if n is not None:
            w.link(nid, cid, "payment", pid, {**n[4], **data})
    for (cid, code), lst in nodes.items():
        if code not in ("N14", "N15"):
            continue
        for n in lst:
            if n[5] or not isinstance(n[3].get("amount"), int | str):
                continue
            try:
                fen = int(n[3]["amount"])
            except ValueError:
                continue
            if fen > 0:
                n[5] = True
                pid = w.insert("payment", "payments", cid, {"kind": n[3].get("payment_kind") or "到账", "amount_fen": fen,
                                                            "paid_on": n[2] or n[1], "route": n[3].get("route") or "划拨",
                                                            "node_id": n[0]})
                w.link(n[0], cid, "payment", pid)
    # 4. Evaluation and disposal events name the case's found asset.
    for (cid, code), lst in nodes.items():
        if code not in ("N12", "N13"):
            continue
        for n in lst:
            if n[3].get("asset_id"):
                continue
            if not assets_of.get(cid):
                cls = n[3].get("asset") if n[3].get("asset") in ASSET_KIND_BY_CLASS else "不动产"
                aid = w.insert("found_asset", "found_assets", cid, {
                    "kind": ASSET_KIND_BY_CLASS[cls], "description": "处置财产（迁移补录，待核实）", "value_fen": 0,
                    "disposal_state": "未处置", "disposed": 0})
                assets_of[cid] = [aid]
            w.update("node", "nodes", n[0], cid, {"data": json.dumps({**n[3], "asset_id": assets_of[cid][0]},
                                                                        ensure_ascii=False)})
    # 5. Until the application recomputes (at start-up, after this upgrade), nothing is certified ready.
    conn.exec_driver_sql("UPDATE cases SET zhongben_ready = 0")


def downgrade() -> None:
    op.drop_index("ix_interviews_node_id", table_name="interviews")
    op.drop_index("ix_interviews_case_id", table_name="interviews")
    op.drop_table("interviews")
    with op.batch_alter_table("payments") as b:
        b.drop_column("asset_id")
    with op.batch_alter_table("found_assets") as b:
        b.drop_column("disposal_state")
        b.drop_column("cannot_dispose_reason")
        b.drop_column("measure_id")
    for table in ("property_inquiries", "measures", "payments", "found_assets"):
        with op.batch_alter_table(table) as b:
            b.drop_index(f"ix_{table}_node_id")
            b.drop_column("node_id")
