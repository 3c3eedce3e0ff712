"""Issue 14, items 1-2: hostile and odd input never yields a server error, and the client never lets one bad
change block its queue. Each test reproduces one defect found by probing the platform (SQLite and
PostgreSQL via the ``platform`` fixture; the real platform process on 127.0.0.1).

Rules: docs/sync-protocol.md §3 (declared per-entity schemas, stored answers re-sendable), §6.6 (poison
changes are isolated), DOMAIN.md R39 (idempotent upload; the platform's validation result reaches the
handler, nothing is overwritten without confirmation).
"""

from __future__ import annotations

import http.client
import json
import uuid

import pytest
import requests
from conftest import TODAY, sample_case_input
from sqlalchemy import select
from sync_harness import *  # noqa: F403
from sync_harness import COURTS, PASSWORD, client_store, platform_counts, platform_db, point_at, settings_for

from execdesk.models import OutboxEntry
from execdesk.services.cases import register_case
from execdesk.services.context import Actor
from execdesk.services.sync import sign_in
from execdesk.sync.client import run_sync
from execdesk.sync.transport import RetryPolicy
from provincial.models import PChange, PEntity

HANDLER = Actor(username="zhangwei", display_name="张伟")
FAST = RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.02)
_serial = iter(range(60_000, 10**9))


def _token(platform, account: str = "lixia") -> dict[str, str]:
    r = requests.post(platform.url + "api/v1/auth/token", json={"account": account, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _case_change(case_id: str | None = None, **fields) -> dict:
    case_id = case_id or str(uuid.uuid4())
    f = {"court_code": "鲁0102", "case_number": f"（2026）鲁0102执{next(_serial)}号", "filed_on": "2026-01-05",
         "status": "未结", "id": case_id, "version": 1}
    f.update(fields)
    return {"change_id": str(uuid.uuid4()), "entity": "case", "entity_id": case_id, "case_id": case_id,
            "payload": {"schema": 2, "entity": "case", "id": case_id, "case_id": case_id, "version": 1, "fields": f}}


def _push(platform, auth, *changes, raw: bytes | None = None) -> requests.Response:
    if raw is not None:
        return requests.post(platform.url + "api/v1/changes", data=raw,
                             headers={**auth, "Content-Type": "application/json"})
    return requests.post(platform.url + "api/v1/changes", json={"changes": list(changes)}, headers=auth)


def _stored(db_url: str, change_id: str) -> PChange | None:
    with platform_db(db_url) as s:
        return s.get(PChange, change_id)


# ---------------------------------------------------------------- item 1: the 500s


def test_version_two_to_the_63_is_refused_not_a_server_error(platform):
    """Found: payload.version = 2^63 → 500 (integer overflow). Now the change is rejected naming the field,
    for any integer the column cannot hold (and beyond 64 bits, where JSON gives a float, as not an integer);
    the rest of the batch is applied."""
    auth = _token(platform)
    for version, reason in ((2**63, "version 超出范围"), (2**40, "version 超出范围"), (2**70, "version 应为整数")):
        c = _case_change()
        c["payload"]["version"] = version
        ok = _case_change()
        r = _push(platform, auth, raw=json.dumps({"changes": [c, ok]}).encode())
        assert r.status_code == 200, r.text
        answer, other = r.json()["results"]
        assert answer["status"] == "rejected" and answer["code"] == "invalid" and reason in answer["reason"]
        assert other["status"] == "accepted"
        assert _stored(platform.db_url, c["change_id"]).status == "rejected"


@pytest.mark.parametrize("value", [["（2026）鲁0102执1号"], {"x": 1}, 17, True], ids=["list", "dict", "int", "bool"])
def test_case_number_of_the_wrong_type_is_rejected_naming_the_field(platform, value):
    """Found: case_number sent as a list or a dict → 500. Declared schema: a text of at most 40 characters."""
    auth = _token(platform)
    c = _case_change(case_number=value)
    r = _push(platform, auth, c)
    assert r.status_code == 200
    (answer,) = r.json()["results"]
    assert answer["status"] == "rejected" and answer["reason"] == "字段 case_number 应为文本"
    # The stored answer and payload can be sent again (a replay is a plain duplicate).
    again = _push(platform, auth, c).json()["results"][0]
    assert again["status"] == "duplicate" and again["original"] == answer


@pytest.mark.parametrize("header", ["X-ExecDesk-Protocol", "X-ExecDesk-App"])
@pytest.mark.parametrize("value", [b"\xb2", "１".encode(), b"\xd9\xa1", "版本".encode(), b"1\xff"],
                         ids=["superscript-2", "fullwidth-1", "arabic-1", "chinese", "junk"])
def test_non_ascii_version_headers_without_authentication(platform, header, value):
    """Found: a non-ASCII X-ExecDesk-Protocol / X-ExecDesk-App header, without a token → 500. Now: such a
    version cannot be recognised, so it is answered 426 (upgrade) in Chinese, before authentication."""
    conn = http.client.HTTPConnection("127.0.0.1", platform.port, timeout=10)
    try:
        conn.putrequest("GET", "/api/v1/feed")
        conn.putheader(header, value)
        conn.endheaders()
        resp = conn.getresponse()
        body = json.loads(resp.read())
    finally:
        conn.close()
    assert resp.status in (401, 426), body
    assert isinstance(body["message"], str) and body["error"] in ("upgrade_required", "token_missing")
    if header == "X-ExecDesk-Protocol":
        assert resp.status == 426 and "无法识别" in body["message"]


def _nested(depth: int) -> dict:
    value: dict = {"leaf": 1}
    for _ in range(depth - 1):
        value = {"k": value}
    return value


def test_deep_nesting_is_refused_and_nothing_is_stored(platform):
    """Found: a field nested ~500 levels deep was accepted (and later jammed every replay, below)."""
    auth = _token(platform)
    c = _case_change(notes=None)
    c["payload"]["fields"]["extra"] = _nested(500)
    r = _push(platform, auth, c)
    assert r.status_code == 422 and "嵌套" in r.json()["message"]
    assert _stored(platform.db_url, c["change_id"]) is None
    deeper = b'{"changes": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"  # past Python's recursion limit
    r = _push(platform, auth, raw=deeper)
    assert r.status_code in (400, 422) and "message" in r.json()


def test_a_conflict_answer_at_the_depth_limit_replays(platform):
    """Found: a later conflicting change on a deeply nested row stored an answer that could not be
    serialised, so every replay of that batch returned 500 and the court's queue was stuck forever.
    Now: nesting is bounded at the edge, and the stored conflict answer (with the platform's fields) is
    sent again unchanged on every replay."""
    auth = _token(platform)
    case = _case_change()
    node_id = str(uuid.uuid4())
    case_id = case["case_id"]
    # body(1) changes(2) [i](3) payload(4) fields(5) data(6) … leaf value at the limit (12)
    node = {"change_id": str(uuid.uuid4()), "entity": "node", "entity_id": node_id, "case_id": case_id,
            "payload": {"schema": 2, "entity": "node", "id": node_id, "case_id": case_id, "version": 1,
                        "fields": {"code": "N1", "name": "立案", "seq": 1, "status": "已完成", "data": _nested(6)}}}
    assert [a["status"] for a in _push(platform, auth, case, node).json()["results"]] == ["accepted", "accepted"]
    rival = json.loads(json.dumps(node))
    rival["change_id"] = str(uuid.uuid4())  # "new" row again: a conflict carrying the platform's deep fields
    rival["payload"]["fields"]["status"] = "进行中"  # other content (identical content is accepted as the same, v2)
    first = _push(platform, auth, rival)
    assert first.status_code == 200
    (answer,) = first.json()["results"]
    assert answer["status"] == "conflict" and answer["server_fields"]["data"] == _nested(6)
    for _ in range(3):
        replay = _push(platform, auth, rival)
        assert replay.status_code == 200
        assert replay.json()["results"][0] == {"change_id": rival["change_id"], "status": "duplicate",
                                               "original": answer}


@pytest.mark.parametrize("literal", [b"NaN", b"Infinity", b"-Infinity", b"1e999"])
def test_non_finite_numbers_are_refused(platform, literal):
    """Found: NaN / Infinity were accepted, stored, and came back as null. Now refused whole (422)."""
    auth = _token(platform)
    c = _case_change()
    text = json.dumps({"changes": [c]}, ensure_ascii=False).replace('"status": "未结"', '"status": "未结", "amount": ' + literal.decode())
    assert literal.decode() in text
    r = _push(platform, auth, raw=text.encode())
    assert r.status_code == 422 and r.json()["error"] == "invalid"
    assert _stored(platform.db_url, c["change_id"]) is None


def test_every_stored_answer_can_be_sent_again(platform):
    """Every answer the platform has stored so far (all the tests above on this backend) goes out again
    through the API's response model and strict JSON (no NaN)."""
    from provincial.app import ChangeResult

    with platform_db(platform.db_url) as s:
        results = s.scalars(select(PChange.result)).all()
    assert results
    for r in results:
        json.dumps(ChangeResult(**r).model_dump(exclude_none=True), allow_nan=False)


# ---------------------------------------------------------------- item 1: the client's queue


@pytest.fixture
def desk(tmp_path, platform, memory_keyring):
    store = client_store(tmp_path / "desk.sqlite3", "鲁0102")
    settings = settings_for(platform.url, "鲁0102")
    sign_in(store, settings, COURTS["鲁0102"][1], PASSWORD)
    yield store, settings
    store.close()


def _register(store, n: int) -> None:
    for _ in range(n):
        register_case(store, HANDLER, sample_case_input(number=f"（2026）鲁0102执{next(_serial)}号"), today=TODAY)


def _rows(store):
    with store.read() as s:
        return s.execute(select(OutboxEntry.change_id, OutboxEntry.case_id, OutboxEntry.entity, OutboxEntry.state,
                                OutboxEntry.last_error).order_by(OutboxEntry.local_seq)).all()


def test_stuck_queue_scenario_syncs_through(desk, platform, proxy_factory):
    """The stuck-queue scenario: one change makes the platform answer its batch with HTTP 500 (a platform
    bug only that change triggers, injected at the network boundary). The client used to stop on the 500
    at every run, forever. Now it checks the platform is healthy (an empty push answers 200), splits the
    batch down to that change, quarantines it with the reason, and everything else is synced."""
    store, settings = desk
    _register(store, 4)
    rows = _rows(store)
    poison = next(r for r in rows if r.entity == "party" and r.case_id == rows[-1].case_id)
    proxy = proxy_factory()
    proxy.body_fault = lambda body: ("status", 500, None) if poison.change_id.encode() in body else None
    point_at(settings, proxy.url)
    report = run_sync(store, settings, retry=FAST)
    assert report.status == "ok" and report.rejected == 1 and report.splits >= 1
    after = {r.change_id: r for r in _rows(store)}
    assert after[poison.change_id].state == "quarantined" and "HTTP 500" in after[poison.change_id].last_error
    others = [r for r in after.values() if r.case_id != poison.case_id]
    assert others and {r.state for r in others} == {"done"}
    # The poisoned case's later changes wait for a person (causal order), nothing else does.
    assert {r.state for r in after.values() if r.case_id == poison.case_id} <= {"done", "pending", "quarantined"}
    assert platform_counts(platform.db_url, [poison.change_id]) == {}
    done = [r.change_id for r in after.values() if r.state == "done"]
    assert set(platform_counts(platform.db_url, done).values()) == {1}
    # And the next run is not stuck either.
    _register(store, 1)
    assert run_sync(store, settings, retry=FAST).status == "ok"


def test_a_500_while_the_platform_is_down_still_stops_the_run(desk, platform, proxy_factory):
    """The split only happens when the platform answers an empty push: a platform that fails everything is
    systemic, the run stops with one message and the queue is untouched (no change quarantined)."""
    store, settings = desk
    _register(store, 2)
    proxy = proxy_factory(lambda n, m, p: ("status", 500, None) if p.startswith("/api/v1/changes") else None)
    point_at(settings, proxy.url)
    from execdesk.sync.errors import ServerError

    with pytest.raises(ServerError):
        run_sync(store, settings, retry=FAST)
    assert {r.state for r in _rows(store)} == {"pending"}


def test_deeply_nested_change_in_the_outbox_is_quarantined_and_the_rest_syncs(desk, platform):
    """The original jam from the client's side: a change with a 500-deep field (a corrupted outbox row)
    is refused by the platform (422), isolated by splitting, quarantined locally; the rest goes."""
    store, settings = desk
    _register(store, 3)
    with store.transaction() as s:
        victim = s.scalars(select(OutboxEntry).where(OutboxEntry.entity == "node").limit(1)).one()
        payload = dict(victim.payload)
        payload["fields"] = dict(payload["fields"], data=_nested(500))
        victim.payload = payload
        victim_id, victim_case = victim.change_id, victim.case_id
    report = run_sync(store, settings, retry=FAST)
    assert report.status == "ok" and report.rejected == 1
    rows = {r.change_id: r for r in _rows(store)}
    assert rows[victim_id].state == "quarantined" and "嵌套" in rows[victim_id].last_error
    assert {r.state for r in rows.values() if r.case_id != victim_case} == {"done"}


# ---------------------------------------------------------------- item 2


def test_change_id_reused_with_another_payload_gets_its_own_answer_and_a_log_line(platform):
    """Found: the same change id re-sent with a different payload was answered as a plain duplicate. Now it
    is answered change_id_reused (not recorded; the first answer stays final) and the platform logs it."""
    auth = _token(platform)
    c = _case_change()
    assert _push(platform, auth, c).json()["results"][0]["status"] == "accepted"
    same = _push(platform, auth, c).json()["results"][0]
    assert same["status"] == "duplicate" and same["original"]["status"] == "accepted"
    changed = json.loads(json.dumps(c))
    changed["payload"]["fields"]["notes"] = "悄悄改了内容"
    reused = _push(platform, auth, changed).json()["results"][0]
    assert reused["status"] == "rejected" and reused["code"] == "change_id_reused"
    with platform_db(platform.db_url) as s:
        assert s.get(PEntity, c["entity_id"]).fields.get("notes") is None
    # Twice in one batch with different content: the second is the reuse.
    d = _case_change()
    d2 = json.loads(json.dumps(d))
    d2["payload"]["fields"]["notes"] = "同批不同内容"
    statuses = [(a["status"], a.get("code")) for a in _push(platform, auth, d, d2).json()["results"]]
    assert statuses == [("accepted", None), ("rejected", "change_id_reused")]
    log_text = platform.log_path.read_text(encoding="utf-8", errors="replace")
    assert f"change_id_reused court=鲁0102 account=lixia change_id={c['change_id']}" in log_text
    assert f"change_id={d['change_id']}" in log_text


def test_the_pushing_account_comes_from_the_token(platform):
    """Identity-bearing data on the platform (who pushed a row, who replied) is the token's account; a body
    that names someone else changes nothing about the attribution."""
    auth = _token(platform)
    c = _case_change()
    c["payload"]["actor"] = "shizhong"
    assert _push(platform, auth, c).json()["results"][0]["status"] == "accepted"
    with platform_db(platform.db_url) as s:
        assert s.get(PEntity, c["entity_id"]).account == "lixia"
        assert s.get(PChange, c["change_id"]).account == "lixia"
