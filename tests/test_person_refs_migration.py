"""Desktop migration 0006_person_refs (issue 13 item 1): unsent schema-1 outbox payloads, which carry this PC's
local row ids of courts and people, are rewritten to schema 2 (法院代字, person refs) on upgrade — in place,
under the same change ids; none is dropped; settled history is left as it was sent."""

from __future__ import annotations

import json
import sqlite3

from sqlalchemy import select

from execdesk.models import OutboxEntry
from execdesk.models.migrate import SCHEMA_HEAD, current_revision, open_database


def _payload(entity, entity_id, case_id, fields):
    return {"schema": 1, "entity": entity, "id": entity_id, "case_id": case_id, "version": 1, "fields": fields,
            "actor": "zhangwei"}


def test_pending_schema_1_payloads_are_converted_never_dropped(tmp_path):
    path = tmp_path / "old.sqlite3"
    store = open_database(path, target="0005_corrections")
    store.close()
    # The court and its people as a 0005 database holds them (plain SQL: today's models have later columns).
    court, zhang, liu = "court-1", "user-zhang", "user-liu"
    with sqlite3.connect(path) as db:
        now = "2026-11-01 08:00:00.000000"
        db.execute("INSERT INTO courts (id, version, created_at, updated_at, code, name, province, approval_route) "
                   "VALUES (?, 1, ?, ?, '鲁0102', '济南市历下区人民法院', '鲁', '院长审签')", (court, now, now))
        for uid, username, name, role in ((zhang, "zhangwei", "张伟", "承办人"), (liu, "liuyang", "刘洋", "书记员")):
            db.execute("INSERT INTO users (id, version, created_at, updated_at, court_id, username, display_name, "
                       "role, active) VALUES (?, 1, ?, ?, ?, ?, ?, ?, 1)", (uid, now, now, court, username, name, role))
    case_fields = {"court_id": court, "court_code": "鲁0102", "case_number": "（2026）鲁0102执1号",
                   "handler_id": zhang, "clerk_id": liu, "cause": "民间借贷纠纷"}
    rows = [
        OutboxEntry(change_id="c-pending", entity="case", entity_id="case-1", case_id="case-1", op="upsert",
                    payload=_payload("case", "case-1", "case-1", case_fields), schema_version=1, state="pending"),
        OutboxEntry(change_id="c-conflict", entity="approval", entity_id="ap-1", case_id="case-1", op="upsert",
                    payload=_payload("approval", "ap-1", "case-1", {"approver_id": zhang, "approver_name": "张伟",
                                                                   "step": "院长"}),
                    schema_version=1, state="conflict"),
        OutboxEntry(change_id="c-unknown", entity="case", entity_id="case-2", case_id="case-2", op="upsert",
                    payload=_payload("case", "case-2", "case-2", dict(case_fields, handler_id="gone-user")),
                    schema_version=1, state="quarantined"),
        OutboxEntry(change_id="c-done", entity="case", entity_id="case-3", case_id="case-3", op="upsert",
                    payload=_payload("case", "case-3", "case-3", case_fields), schema_version=1, state="done"),
    ]
    with sqlite3.connect(path) as db:
        for r in rows:
            db.execute("INSERT INTO outbox (change_id, entity, entity_id, case_id, op, base_version, payload, "
                       "schema_version, created_at, state, attempts) VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, 0)",
                       (r.change_id, r.entity, r.entity_id, r.case_id, r.op, json.dumps(r.payload),
                        r.schema_version, now, r.state))

    store = open_database(path)
    assert current_revision(path) == SCHEMA_HEAD  # through 0006_person_refs
    with store.read() as s:
        got = {r.change_id: r for r in s.scalars(select(OutboxEntry))}
    assert set(got) == {"c-pending", "c-conflict", "c-unknown", "c-done"}  # nothing dropped
    pending = got["c-pending"]
    assert pending.schema_version == 2 and pending.payload["schema"] == 2
    assert pending.payload["fields"] == {"court_code": "鲁0102", "case_number": "（2026）鲁0102执1号",
                                         "handler": "鲁0102/zhangwei", "clerk": "鲁0102/liuyang",
                                         "cause": "民间借贷纠纷"}
    assert got["c-conflict"].payload["fields"]["approver"] == "鲁0102/zhangwei"
    assert "approver_id" not in got["c-conflict"].payload["fields"]
    assert got["c-unknown"].payload["fields"]["handler"] is None  # an id of no local person: no ref, no id
    assert got["c-done"].payload == rows[3].payload and got["c-done"].schema_version == 1  # history as sent
    store.close()
