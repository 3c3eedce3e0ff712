"""person refs: unsent outbox payloads move to schema 2 (protocol v2, issue 13 item 1)

Revision ID: 0006_person_refs
Revises: 0005_corrections
Create Date: 2026-12-02 02:00:00

Payload schema 1 carried this PC's local row ids of courts and people (``court_id``, ``handler_id``,
``clerk_id``, ``approver_id``); two PCs of one court disagree on every one of them. Schema 2 carries the
法院代字 and person refs "<法院代字>/<username>" (execdesk/models/wire_identity.py). Every change that has not
been settled yet — pending, in conflict or quarantined (a person may still re-send it) — is rewritten in
place under the same change id (the platform never recorded it, or answered it finally: the rewritten
payload is only sent again under a new id). None is dropped; settled (done) rows keep their history as sent.
The mapping is written out here (not read from the models) so this migration means the same thing forever.
"""
import json

import sqlalchemy as sa
from alembic import op

revision = "0006_person_refs"
down_revision = "0005_corrections"
branch_labels = None
depends_on = None

PERSON_COLUMNS = {"case": {"handler_id": "handler", "clerk_id": "clerk"}, "approval": {"approver_id": "approver"}}
COURT_COLUMNS = {"case"}


def _ref(court_code: str | None, username: str) -> str:
    return username if "/" in username else f"{court_code}/{username}"


def convert(entity: str, fields: dict, courts: dict[str, str], users: dict[str, tuple[str | None, str]]) -> dict:
    out = dict(fields)
    if entity in COURT_COLUMNS and "court_id" in out:
        court_id = out.pop("court_id")
        if not out.get("court_code"):
            out["court_code"] = courts.get(court_id)
    for column, wire in PERSON_COLUMNS.get(entity, {}).items():
        if column in out:
            uid = out.pop(column)
            out[wire] = _ref(*users[uid]) if uid in users else None
    return out


def upgrade() -> None:
    conn = op.get_bind()
    courts = {cid: code for cid, code in conn.execute(sa.text("SELECT id, code FROM courts"))}
    users = {uid: (courts.get(court_id), username) for uid, username, court_id in
             conn.execute(sa.text("SELECT id, username, court_id FROM users"))}
    rows = conn.execute(sa.text("SELECT local_seq, entity, payload FROM outbox "
                                "WHERE state != 'done' AND schema_version < 2")).all()
    for local_seq, entity, raw in rows:
        payload = json.loads(raw) if isinstance(raw, str) else dict(raw or {})
        fields = payload.get("fields")
        if isinstance(fields, dict):
            payload["fields"] = convert(entity, fields, courts, users)
        payload["schema"] = 2
        conn.execute(sa.text("UPDATE outbox SET payload = :p, schema_version = 2 WHERE local_seq = :s"),
                     {"p": json.dumps(payload, ensure_ascii=False), "s": local_seq})


def downgrade() -> None:
    """Schema 2 payloads stay (a v1 platform refuses them; nothing is lost by leaving them)."""
