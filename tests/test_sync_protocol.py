"""Sync against the real reference platform on 127.0.0.1 (DESIGN §5, ANCHORS A9, DOMAIN §5.1, R35, R39).

Every test drives the real client (execdesk.sync) against the real platform process; SQLite always,
PostgreSQL too when EXECDESK_TEST_PG_URL is set.
"""

from __future__ import annotations

import json
import shutil
from datetime import date

import pytest
import requests
from conftest import TODAY, sample_case_input
from sqlalchemy import select, text
from sync_harness import *  # noqa: F403
from sync_harness import (
    COURTS,
    PASSWORD,
    client_store,
    integrity_ok,
    platform_counts,
    platform_db,
    platform_versions,
    point_at,
    settings_for,
)

from execdesk.models import SYNCED_ENTITIES, Case, OutboxEntry, Party, SupervisionItem, SyncRun
from execdesk.services.cases import record_node, register_case, update_case
from execdesk.services.context import Actor
from execdesk.services.inputs import NodeInput
from execdesk.services.sync import list_conflicts, resolve_conflict, resolve_quarantined, sign_in, sync_status
from execdesk.sync.client import local_case_digests, run_sync
from execdesk.sync.errors import AuthRequired, SyncError, UpgradeRequired
from provincial import service as platform_service

HANDLER = Actor(username="zhangwei", display_name="张伟")


def _register(store, n: int, court: str = "鲁0102", start: int = 1) -> list[str]:
    return [register_case(store, HANDLER, sample_case_input(number=f"（2026）{court}执{start + i}号"), today=TODAY)
            for i in range(n)]


def _outbox(store) -> list[OutboxEntry]:
    with store.read() as s:
        return list(s.scalars(select(OutboxEntry).order_by(OutboxEntry.local_seq)))


def _local_versions(store) -> dict[str, int]:
    out = {}
    with store.read() as s:
        for cls in SYNCED_ENTITIES.values():
            out.update(dict(s.execute(select(cls.id, cls.version)).all()))
    return out


def assert_exactly_once(store, db_url: str) -> None:
    """Every outbox change is answered and recorded on the platform exactly once; versions agree."""
    rows = _outbox(store)
    assert rows and all(r.state == "done" for r in rows), {r.state for r in rows}
    counts = platform_counts(db_url, [r.change_id for r in rows])
    assert len(counts) == len(rows) and set(counts.values()) == {1}
    local = _local_versions(store)
    assert platform_versions(db_url, list(local)) == local
    assert integrity_ok(store.path)


@pytest.fixture
def lixia(tmp_path, platform, memory_keyring):
    """A 历下 desktop signed in to the platform (token in the keyring)."""
    store = client_store(tmp_path / "lixia.sqlite3", "鲁0102")
    settings = settings_for(platform.url, "鲁0102")
    sign_in(store, settings, COURTS["鲁0102"][1], PASSWORD)
    yield store, settings
    store.close()


def test_push_drains_outbox_exactly_once_and_records_run(lixia, platform):
    """A9-1/2/3: every change accepted once with a per-court server sequence; a SyncRun row per run (A9-15)."""
    store, settings = lixia
    _register(store, 6)
    n = len(_outbox(store))
    report = run_sync(store, settings)
    assert report.status == "ok" and report.pushed == n and report.duplicates == 0
    assert_exactly_once(store, platform.db_url)
    seqs = [r.server_seq for r in _outbox(store)]
    assert seqs == sorted(seqs) and len(set(seqs)) == n  # causal order preserved into the server sequence
    with store.read() as s:
        run = s.get(SyncRun, report.run_id)
        assert run.status == "ok" and run.pushed == n and run.bytes_sent > 0 and run.finished_at is not None
    again = run_sync(store, settings)  # nothing to send: nothing sent, nothing changed
    assert again.pushed == 0 and again.status == "ok"


def test_batches_bounded_by_count_and_bytes(lixia, platform, proxy_factory):
    """A9-4: small limits force many batches (seen on the wire); order and exactly-once still hold."""
    from execdesk.sync.client import Limits

    store, settings = lixia
    _register(store, 5, start=30)  # 案号 unique per court on the platform (issue 13)
    n = len(_outbox(store))
    proxy = proxy_factory()
    point_at(settings, proxy.url)
    report = run_sync(store, settings, limits=Limits(batch_changes=3, batch_bytes=10**6))
    assert report.pushed == n
    assert sum(1 for m, p, _ in proxy.log if p.startswith("/api/v1/changes")) == -(-n // 3)
    update_case(store, HANDLER, _outbox(store)[0].case_id, notes="长" * 3000, today=TODAY)
    update_case(store, HANDLER, _outbox(store)[0].case_id, notes="短" * 3000, today=TODAY)
    before = len(proxy.log)
    run_sync(store, settings, limits=Limits(batch_changes=500, batch_bytes=12000))  # ~9.5 KB each: one per batch
    assert sum(1 for m, p, _ in proxy.log[before:] if p.startswith("/api/v1/changes")) == 2
    assert_exactly_once(store, platform.db_url)


def test_supervision_reaches_the_owning_court_only(tmp_path, platform, memory_keyring):
    """Done-when of issue 5 / DOMAIN §5.1 督办: two courts, one platform; a 督办 reaches the right court only."""
    lx = client_store(tmp_path / "lx.sqlite3", "鲁0102")
    sz = client_store(tmp_path / "sz.sqlite3", "鲁0103")
    lx_settings, sz_settings = settings_for(platform.url, "鲁0102"), settings_for(platform.url, "鲁0103")
    assert sign_in(lx, lx_settings, "lixia", PASSWORD).court_code == "鲁0102"
    assert sign_in(sz, sz_settings, "shizhong", PASSWORD).court_code == "鲁0103"
    lx_case = _register(lx, 1, "鲁0102", start=700)[0]
    _register(sz, 1, "鲁0103", start=700)
    run_sync(lx, lx_settings)
    run_sync(sz, sz_settings)
    with platform_db(platform.db_url) as s:
        item = platform_service.issue_item(s, kind="督办", title="请于十日内报告执行进展", case_id=lx_case,
                                           body="该案已超过执行期限，请说明原因。", due_on=date(2026, 12, 5))
        title = item.title
    lx_report, sz_report = run_sync(lx, lx_settings), run_sync(sz, sz_settings)
    assert lx_report.pulled >= 1 and sz_report.pulled == 0
    with lx.read() as s:
        got = s.scalars(select(SupervisionItem).where(SupervisionItem.case_id == lx_case)).all()
        assert [(g.kind, g.title, g.due_on, g.state) for g in got] == [("督办", title, date(2026, 12, 5), "未读")]
    with sz.read() as s:
        assert s.scalars(select(SupervisionItem).where(SupervisionItem.case_id == lx_case)).all() == []
    # Pulling again returns nothing new: the cursor was committed with the items.
    assert run_sync(lx, lx_settings).pulled == 0
    lx.close()
    sz.close()


def test_cross_court_access_is_rejected(tmp_path, platform, memory_keyring):
    """A9-7: the court comes from the token; another court's cases can be neither written nor read."""
    lx = client_store(tmp_path / "lx.sqlite3", "鲁0102")
    lx_settings = settings_for(platform.url, "鲁0102")
    sign_in(lx, lx_settings, "lixia", PASSWORD)
    case_id = _register(lx, 1, "鲁0102", start=800)[0]
    run_sync(lx, lx_settings)
    token = requests.post(platform.url + "api/v1/auth/token",
                          json={"account": "shizhong", "password": PASSWORD}).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    evil = {"changes": [
        {"change_id": "evil-1", "entity": "node", "entity_id": "evil-node-1", "case_id": case_id,
         "payload": {"id": "evil-node-1", "entity": "node", "case_id": case_id, "version": 1, "fields": {}}},
        # Claiming a new case with another court's 代字 in the body does not make it that court's.
        {"change_id": "evil-2", "entity": "case", "entity_id": "evil-case-2", "case_id": "evil-case-2",
         "payload": {"id": "evil-case-2", "entity": "case", "case_id": "evil-case-2", "version": 1,
                     "fields": {"court_code": "鲁0102"}}},
        # Overwriting another court's row by id (with the right base version) is refused too.
        {"change_id": "evil-3", "entity": "case", "entity_id": case_id, "case_id": case_id, "base_version": 1,
         "payload": {"id": case_id, "entity": "case", "case_id": case_id, "version": 2,
                     "fields": {"court_code": "鲁0103"}}},
    ]}
    answer = [requests.post(platform.url + "api/v1/changes", json={"changes": [c]}, headers=auth).json()["results"][0]
              for c in evil["changes"]]  # one per request: same-case followers would only be "held"
    assert [a["status"] for a in answer] == ["rejected", "rejected", "rejected"]
    # Issue 14: a write into a case the caller cannot see answers exactly like a write into a random case id
    # (no existence oracle); the 代字 mismatch is about the body, and a taken row id is just "unavailable".
    assert [a["code"] for a in answer] == ["unknown_case", "forbidden_case", "id_unavailable"]
    random_case = dict(evil["changes"][0], change_id="evil-4", case_id="no-such-case-id",
                       payload=dict(evil["changes"][0]["payload"], case_id="no-such-case-id"))
    unknown = requests.post(platform.url + "api/v1/changes", json={"changes": [random_case]},
                            headers=auth).json()["results"][0]
    assert {k: v for k, v in unknown.items() if k != "change_id"} == \
        {k: v for k, v in answer[0].items() if k != "change_id"}
    digests = requests.post(platform.url + "api/v1/digests", json={"case_ids": [case_id]}, headers=auth).json()
    assert digests["digests"][case_id] is None  # looks exactly like an unknown case
    assert requests.get(platform.url + f"api/v1/cases/{case_id}/entities", headers=auth).status_code == 404
    with platform_db(platform.db_url) as s:
        item = platform_service.issue_item(s, kind="预警", title="即将超期", case_id=case_id)
        assert item.court_code == "鲁0102"
    feed = requests.get(platform.url + "api/v1/feed", headers=auth).json()
    assert case_id not in {i["case_id"] for i in feed["items"]}
    # Without a token nothing at all.
    assert requests.get(platform.url + "api/v1/feed").status_code == 401
    assert platform_versions(platform.db_url, [case_id]) == {case_id: 1}
    lx.close()


def test_replayed_batch_returns_the_original_answers(lixia, platform):
    """A9-2: the same batch sent twice: second answers are duplicates carrying the first answers."""
    store, settings = lixia
    _register(store, 1, start=900)
    token = requests.post(platform.url + "api/v1/auth/token",
                          json={"account": "lixia", "password": PASSWORD}).json()["access_token"]
    rows = _outbox(store)
    body = {"device_id": "replayer", "changes": [
        {"change_id": r.change_id, "device_seq": r.local_seq, "entity": r.entity, "entity_id": r.entity_id,
         "case_id": r.case_id, "op": r.op, "base_version": r.base_version, "payload": r.payload} for r in rows]}
    auth = {"Authorization": f"Bearer {token}"}
    first = requests.post(platform.url + "api/v1/changes", json=body, headers=auth).json()["results"]
    second = requests.post(platform.url + "api/v1/changes", json=body, headers=auth).json()["results"]
    assert {a["status"] for a in first} == {"accepted"}
    assert [b["status"] for b in second] == ["duplicate"] * len(rows)
    assert [b["original"] for b in second] == [{k: v for k, v in a.items() if v is not None} for a in first]
    # The client, which never saw the first answers, now stores the original ones.
    report = run_sync(store, settings)
    assert report.duplicates == len(rows) and report.pushed == 0
    assert [r.server_seq for r in _outbox(store)] == [a["server_seq"] for a in first]
    assert_exactly_once(store, platform.db_url)


def test_rejected_change_is_quarantined_and_only_its_case_waits(lixia, platform):
    """A9-5 (CommCare quarantine): a rejected change keeps its reason; later changes of the same case are
    held; other cases sync; the person can dismiss it and the case goes on."""
    store, settings = lixia
    good = _register(store, 1, start=1000)[0]
    # A case carrying another court's 代字 (鲁0103) is refused by the platform for this account (鲁0102).
    bad = register_case(store, HANDLER, sample_case_input(number="（2026）鲁0103执1000号"), today=TODAY)
    record_node(store, HANDLER, bad, NodeInput(code="N03", started_on=date(2026, 3, 3), ended_on=date(2026, 3, 4)),
                today=TODAY)
    report = run_sync(store, settings)
    assert report.status == "ok" and report.rejected == 1
    rows = _outbox(store)
    assert all(r.state == "done" for r in rows if r.case_id == good)
    quarantined = [r for r in rows if r.state == "quarantined"]
    assert len(quarantined) == 1 and quarantined[0].entity == "case" and "鲁0103" in quarantined[0].last_error
    assert {r.state for r in rows if r.case_id == bad and r is not quarantined[0]} == {"pending"}
    views = list_conflicts(store)
    # Issue 13: the case register names the 代字 inside the 案号 (foreign_case_number).
    assert [v.kind for v in views] == ["quarantined"] and "不是本院" in views[0].reason
    # Running again does not resend the held changes of that case.
    assert run_sync(store, settings).pushed == 0
    resolve_quarantined(store, HANDLER, quarantined[0].change_id, "dismiss")
    report = run_sync(store, settings)  # the case's other changes now go, and are refused (unknown case)
    assert report.rejected == 1
    assert sync_status(store, settings).quarantined == 1
    assert integrity_ok(store.path)


def _copy_desktop(store, tmp_path, name):
    """A second desktop of the same court with a copy of the profile (a restored or cloned database)."""
    from execdesk.models.migrate import open_database

    store.engine.dispose()
    dest = tmp_path / name
    shutil.copy(store.path, dest)
    return open_database(dest)


@pytest.mark.parametrize("choice", ["theirs", "mine"])
def test_conflict_is_kept_for_a_person_then_resolved(lixia, platform, tmp_path, choice):
    """A9-6: two desktops edit the same case; the second sync gets a conflict (never last-writer-wins);
    theirs → platform fields applied locally and audited; mine → re-sent on the platform's version."""
    store, settings = lixia
    case_id = _register(store, 1, start=1100 if choice == "theirs" else 1150)[0]  # 案号 unique per court
    run_sync(store, settings)
    other = _copy_desktop(store, tmp_path, "other.sqlite3")
    update_case(other, HANDLER, case_id, cause="买卖合同纠纷", today=TODAY)
    assert run_sync(other, settings).pushed == 1
    update_case(store, HANDLER, case_id, cause="借款合同纠纷", today=TODAY)
    record_node(store, HANDLER, case_id, NodeInput(code="N03", started_on=date(2026, 3, 3), ended_on=date(2026, 3, 4)),
                today=TODAY)
    report = run_sync(store, settings)
    assert report.conflicts == 1 and report.held == 1
    views = list_conflicts(store)
    assert len(views) == 1 and views[0].kind == "conflict" and views[0].server_version == 2
    assert {d.name: (d.mine, d.theirs) for d in views[0].differences}["cause"] == ("借款合同纠纷", "买卖合同纠纷")
    with platform_db(platform.db_url) as s:  # the platform kept the first writer's value
        assert s.get(platform_service.PEntity, case_id).fields["cause"] == "买卖合同纠纷"
    resolve_conflict(store, HANDLER, views[0].change_id, choice, today=TODAY)
    report = run_sync(store, settings)
    assert report.status == "ok" and report.conflicts == 0
    with store.read() as s:
        case = s.get(Case, case_id)
        expected = "买卖合同纠纷" if choice == "theirs" else "借款合同纠纷"
        assert case.cause == expected
        audit = s.execute(text("select action from audit_entries where action like '冲突处理%'")).scalars().all()
        assert audit == ["冲突处理：采用平台" if choice == "theirs" else "冲突处理：保留本地"]
    with platform_db(platform.db_url) as s:
        assert s.get(platform_service.PEntity, case_id).fields["cause"] == expected
    assert all(r.state == "done" or r.resolved_at is not None for r in _outbox(store))
    assert local_case_digests_match(store, settings, platform, case_id)
    other.close()


def local_case_digests_match(store, settings, platform, case_id) -> bool:
    token = requests.post(platform.url + "api/v1/auth/token",
                          json={"account": settings.court_account, "password": PASSWORD}).json()["access_token"]
    remote = requests.post(platform.url + "api/v1/digests", json={"case_ids": [case_id]},
                           headers={"Authorization": f"Bearer {token}"}).json()["digests"][case_id]
    with store.read() as s:
        return local_case_digests(s, [case_id])[case_id] == remote


def test_digest_mismatch_resyncs_only_the_differing_case(lixia, platform):
    """A9-9: a row changed without its outbox entry (e.g. a restored file) is found by the per-case digest
    after sync and only that case is resent."""
    store, settings = lixia
    a, b = _register(store, 2, start=1200)
    run_sync(store, settings)
    with store.transaction() as s:  # a change that bypassed the outbox
        party = s.scalars(select(Party).where(Party.case_id == a)).first()
        s.execute(text("update parties set phone='13900000000', version=version+1 where id=:id"), {"id": party.id})
        party_id = party.id
    update_case(store, HANDLER, a, cause="借款合同纠纷", today=TODAY)
    update_case(store, HANDLER, b, cause="借款合同纠纷", today=TODAY)
    report = run_sync(store, settings)
    assert report.resynced_cases == 1 and report.status == "ok"
    assert platform_versions(platform.db_url, [party_id]) == {party_id: 2}
    with platform_db(platform.db_url) as s:
        assert s.get(platform_service.PEntity, party_id).fields["phone"] == "13900000000"
    assert local_case_digests_match(store, settings, platform, a)
    assert local_case_digests_match(store, settings, platform, b)


def test_expired_token_stops_run_and_keeps_the_queue(lixia, platform):
    """A9-5: 401 stops the run with one Chinese message; nothing is lost; after signing in it all goes."""
    store, settings = lixia
    _register(store, 2, start=1300)
    before = [(r.change_id, r.state) for r in _outbox(store)]
    with platform_db(platform.db_url) as s:
        platform_service.revoke_tokens(s, "lixia")
    with pytest.raises(AuthRequired) as exc:
        run_sync(store, settings)
    assert "重新登录" in str(exc.value) and exc.value.report.status == "failed"
    assert [(r.change_id, r.state) for r in _outbox(store)] == before
    with store.read() as s:
        assert s.scalars(select(SyncRun).order_by(SyncRun.id.desc())).first().status == "failed"
    sign_in(store, settings, "lixia", PASSWORD)
    assert run_sync(store, settings).pushed == len(before)
    assert_exactly_once(store, platform.db_url)


def test_wrong_password_is_a_clear_error(tmp_path, platform, memory_keyring):
    store = client_store(tmp_path / "x.sqlite3")
    with pytest.raises(SyncError, match="账号或密码不正确"):
        sign_in(store, settings_for(platform.url), "lixia", "wrong-password")
    assert memory_keyring.store == {}
    store.close()


def test_upgrade_required_is_reported_in_chinese(lixia, platform, tmp_path):
    """A9-12: the platform can demand a newer app (HTTP 426) and the run stops with its message."""
    from sync_harness import PlatformProcess

    store, settings = lixia
    _register(store, 1, start=1400)
    strict = PlatformProcess(platform.db_url, tmp_path, min_app_version="9.0.0").start()
    try:
        settings.server_url = strict.url
        from execdesk.sync import credentials

        credentials.save_token(settings, requests.post(strict.url + "api/v1/auth/token", json={
            "account": "lixia", "password": PASSWORD}).json()["access_token"])
        with pytest.raises(UpgradeRequired, match="请升级"):
            run_sync(store, settings)
        assert {r.state for r in _outbox(store)} == {"pending"}
    finally:
        strict.stop()


def test_gzip_and_size_limits_on_the_platform(platform):
    """Bodies are accepted gzip-compressed; a gzip bomb stops at the bound with 413; garbage gzip is 400."""
    import gzip

    token = requests.post(platform.url + "api/v1/auth/token",
                          json={"account": "lixia", "password": PASSWORD}).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Content-Encoding": "gzip"}
    ok = requests.post(platform.url + "api/v1/changes", data=gzip.compress(json.dumps({"changes": []}).encode()),
                       headers=headers)
    assert ok.status_code == 200 and ok.json()["results"] == []
    bomb = gzip.compress(b'{"changes": [' + b" " * (20 * 1024 * 1024) + b"]}")
    r = requests.post(platform.url + "api/v1/changes", data=bomb, headers=headers)
    assert r.status_code == 413 and r.json()["error"] == "too_large"
    r = requests.post(platform.url + "api/v1/changes", data=b"\x1f\x8bnot gzip", headers=headers)
    assert r.status_code == 400 and "gzip" in r.json()["message"]
    too_many = {"changes": [{"change_id": f"c{i}", "entity": "node", "entity_id": f"e{i}", "payload": {}}
                            for i in range(1001)]}
    r = requests.post(platform.url + "api/v1/changes", json=too_many, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 422 and r.json()["message"].startswith("请求格式不正确")


def test_platform_admin_cli_and_page(platform, tmp_path):
    """The admin CLI shows what a court has sent; /admin no longer shows anything without a sign-in."""
    import os
    import subprocess
    import sys

    setup = subprocess.run([sys.executable, "-m", "provincial.admin", "--db", platform.db_url, "demo-setup"],
                           capture_output=True, text=True, env=dict(os.environ, EXECDESK_PLATFORM_PASSWORD=PASSWORD))
    assert setup.returncode == 0 and "鲁0103" in setup.stdout  # idempotent: same courts, same password
    out = subprocess.run([sys.executable, "-m", "provincial.admin", "--db", platform.db_url, "show"],
                         capture_output=True, text=True, check=True).stdout
    assert "鲁0102" in out and "鲁0103" in out and "已接收" in out
    bad = subprocess.run([sys.executable, "-m", "provincial.admin", "--db", platform.db_url, "issue", "督办",
                          "--title", "x", "--case-number", "（2099）鲁0102执1号"], capture_output=True, text=True)
    assert bad.returncode == 2 and "平台上没有案号" in bad.stderr
    # Issue 14: the old unauthenticated page shows nothing; it sends the browser to the 指挥中心 sign-in.
    page = requests.get(platform.url + "admin?court=鲁0102", allow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/center/login"
    assert "鲁0102" not in page.text


def test_quarantined_change_can_be_retried_under_a_new_id(lixia, platform):
    """A rejected change re-sent after the cause was fixed on the platform goes under a new change id
    (the platform's answer to the old id is final) and ahead of the case's later changes."""
    store, settings = lixia
    bad = register_case(store, HANDLER, sample_case_input(number="（2026）鲁0103执1500号"), today=TODAY)
    assert run_sync(store, settings).rejected == 1
    (q,) = [r for r in _outbox(store) if r.state == "quarantined"]
    # The operator moves the account to 鲁0103 on the platform (the fix), then the handler retries.
    with platform_db(platform.db_url) as s:
        platform_service.create_account(s, "lixia", "鲁0103", PASSWORD)
    try:
        sign_in(store, settings, "lixia", PASSWORD)
        new_id = resolve_quarantined(store, HANDLER, q.change_id, "retry")
        rows = _outbox(store)
        order = [r.change_id for r in rows if r.case_id == bad and r.state == "pending"]
        assert order[0] == new_id and len(order) == len([r for r in rows if r.case_id == bad]) - 1
        report = run_sync(store, settings)
        assert report.status == "ok" and report.rejected == 0
        assert {r.state for r in _outbox(store) if r.case_id == bad and r.change_id != q.change_id} == {"done"}
        assert platform_counts(platform.db_url, [q.change_id, new_id]) == {q.change_id: 1, new_id: 1}
    finally:
        with platform_db(platform.db_url) as s:
            platform_service.create_account(s, "lixia", "鲁0102", PASSWORD)


def test_feed_pages_and_cursor(lixia, platform, proxy_factory):
    """A9-3: a feed longer than a page arrives completely, in order; a truncated page is re-read, and the
    cursor only moves with the items it covers."""
    from execdesk.sync.client import Limits
    from execdesk.sync.transport import RetryPolicy

    store, settings = lixia
    with platform_db(platform.db_url) as s:
        for k in range(7):
            platform_service.issue_item(s, kind="预警", title=f"第{k}号预警", court_code="鲁0102")
    truncated = {"n": 0}

    def plan(n, method, path):
        if path.startswith("/api/v1/feed") and truncated["n"] < 1:
            truncated["n"] += 1
            return "truncate"
        return None

    point_at(settings, proxy_factory(plan).url)
    before = 0
    with store.read() as s:
        before = s.query(SupervisionItem).count()
    report = run_sync(store, settings, limits=Limits(feed_page=2), retry=RetryPolicy(attempts=3, base_delay=0.01))
    assert report.status == "ok" and report.pulled >= 7
    with store.read() as s:
        titles = [i.title for i in s.scalars(select(SupervisionItem).order_by(SupervisionItem.server_seq))]
        from execdesk.sync.client import get_state

        cursor = int(get_state(s, "pull_cursor"))
        assert cursor == max(i.server_seq for i in s.scalars(select(SupervisionItem)))
    assert titles[-7:] == [f"第{k}号预警" for k in range(7)] and len(titles) == before + report.pulled


def test_cancel_stops_between_batches_and_progress_is_reported(lixia, platform):
    """The UI's worker passes progress and cancel: a cancel stops after the batch in flight is stored."""
    from execdesk.sync.client import Limits

    store, settings = lixia
    _register(store, 4, start=1600)
    calls: list[tuple[int, int, str]] = []
    report = run_sync(store, settings, limits=Limits(batch_changes=5), progress=lambda *a: calls.append(a),
                      cancel=lambda: any(c[0] >= 5 for c in calls))
    assert report.status == "cancelled" and report.pushed == 5
    states = [r.state for r in _outbox(store)]
    assert states.count("done") == 5 and states.count("pending") == len(states) - 5
    assert calls[0][2] == "正在上报…" and calls[-1][:2] == (5, len(states))
    with store.read() as s:
        assert s.get(SyncRun, report.run_id).status == "cancelled"
    assert "同步已取消" in report.summary()
    assert run_sync(store, settings).status == "ok"
    assert_exactly_once(store, platform.db_url)


def test_status_summary_for_the_sync_panel(lixia, platform):
    store, settings = lixia
    _register(store, 1, start=1700)
    status = sync_status(store, settings)
    assert status.signed_in and status.pending == 5 and status.last_run is None
    run_sync(store, settings)
    status = sync_status(store, settings)
    assert status.pending == 0 and status.last_run["status"] == "ok" and status.last_run["pushed"] == 5
    assert "最近一次同步" in status.summary() and "成功" in status.summary()


def test_token_expiry_means_refresh_else_sign_in_again(tmp_path, platform, memory_keyring):
    """Access tokens are short-lived: once expired the platform answers 401 and the client refreshes with the
    device's refresh token and retries (issue 13; tests/test_platform_auth.py has the weeks-long runs). With
    no refresh token (an entry from before issue 13) the run asks for a new sign-in, the queue untouched."""
    import time

    from sync_harness import PlatformProcess

    from execdesk.sync import credentials

    short = PlatformProcess(platform.db_url, tmp_path, token_ttl=1).start()
    store = client_store(tmp_path / "d.sqlite3")
    try:
        settings = settings_for(short.url)
        assert sign_in(store, settings, "lixia", PASSWORD).expires_in == 1
        _register(store, 1, start=1800)
        access = credentials.load_credentials(settings).access
        credentials.save_token(settings, access)  # as an earlier version stored it: no refresh token
        time.sleep(1.5)
        with pytest.raises(AuthRequired):
            run_sync(store, settings)
        assert {r.state for r in _outbox(store)} == {"pending"}
        assert sign_in(store, settings, "lixia", PASSWORD).refresh_expires_in
        time.sleep(1.5)
        assert run_sync(store, settings).status == "ok"
        assert {r.state for r in _outbox(store)} == {"done"}
    finally:
        short.stop()
        store.close()


def test_concurrent_runs_on_one_database_are_refused(lixia, platform):
    """The timer and "sync now" cannot drain the same outbox at once in one process."""
    import threading

    store, settings = lixia
    _register(store, 2, start=1900)
    started, release = threading.Event(), threading.Event()

    def slow_progress(done, total, message):
        started.set()
        release.wait(10)

    t = threading.Thread(target=run_sync, args=(store, settings), kwargs={"progress": slow_progress})
    t.start()
    assert started.wait(10)
    try:
        with pytest.raises(SyncError, match="同步正在进行中"):
            run_sync(store, settings)
    finally:
        release.set()
        t.join()
    assert_exactly_once(store, platform.db_url)


def test_cli_lists_and_resolves_a_conflict(lixia, platform, tmp_path, capsys):
    """`execdesk sync conflicts` shows mine vs the platform's value; `execdesk sync resolve … theirs` applies it."""
    from execdesk.cli import main as cli_main

    store, settings = lixia
    case_id = _register(store, 1, start=2000)[0]
    run_sync(store, settings)
    other = _copy_desktop(store, tmp_path, "other.sqlite3")
    update_case(other, HANDLER, case_id, cause="买卖合同纠纷", today=TODAY)
    run_sync(other, settings)
    other.close()
    update_case(store, HANDLER, case_id, cause="借款合同纠纷", today=TODAY)
    assert run_sync(store, settings).conflicts == 1
    settings.save()
    store.engine.dispose()
    assert cli_main(["--db", str(store.path), "sync", "conflicts"]) == 0
    out = capsys.readouterr().out
    assert "[冲突]" in out and "cause：本地='借款合同纠纷' 平台='买卖合同纠纷'" in out
    change_id = out.split()[1]
    assert cli_main(["--db", str(store.path), "sync", "resolve", change_id, "theirs"]) == 0
    assert cli_main(["--db", str(store.path), "sync", "resolve", change_id, "theirs"]) == 2
    assert "没有待处理的冲突" in capsys.readouterr().err
    with store.read() as s:
        assert s.get(Case, case_id).cause == "买卖合同纠纷"


def test_reply_to_supervision_goes_up_once_and_only_for_own_items(tmp_path, platform, memory_keyring):
    """DOMAIN §5.1 督办 (批办记录 with a required report): the court's reply travels as a change — exactly
    once, through the same outbox — and a court cannot answer another court's item."""
    from execdesk.services.sync import reply_to_item
    from provincial.models import PFeedItem

    lx = client_store(tmp_path / "lx.sqlite3", "鲁0102")
    sz = client_store(tmp_path / "sz.sqlite3", "鲁0103")
    lx_settings, sz_settings = settings_for(platform.url, "鲁0102"), settings_for(platform.url, "鲁0103")
    sign_in(lx, lx_settings, "lixia", PASSWORD)
    sign_in(sz, sz_settings, "shizhong", PASSWORD)
    case_id = _register(lx, 1, "鲁0102", start=2100)[0]
    run_sync(lx, lx_settings)
    with platform_db(platform.db_url) as s:
        item_id = platform_service.issue_item(s, kind="督办", title="请报告超期原因", case_id=case_id).id
    run_sync(lx, lx_settings)
    with pytest.raises(Exception, match="回复内容"):
        reply_to_item(lx, HANDLER, item_id, "   ")
    reply_to_item(lx, HANDLER, item_id, "已于11月20日冻结被执行人账户，预计12月底前执行完毕。")
    with lx.read() as s:
        assert s.get(SupervisionItem, item_id).state == "已回复"
    assert run_sync(lx, lx_settings).pushed == 1
    with platform_db(platform.db_url) as s:
        item = s.get(PFeedItem, item_id)
        assert item.reply.startswith("已于11月20日冻结")
        # Issue 14: who replied is the signed-in account (the token); the clerk's name is only the signature.
        assert item.replied_by == "lixia" and item.reply_signed_name == "张伟"
    # 市中 fabricates the same item locally and answers it: the platform says there is no such item.
    with sz.transaction() as s:
        s.add(SupervisionItem(id=item_id, server_seq=999_999, kind="督办", title="伪造", case_id=None))
    reply_to_item(sz, HANDLER, item_id, "越权回复")
    report = run_sync(sz, sz_settings)
    assert report.rejected == 1
    with platform_db(platform.db_url) as s:
        assert s.get(PFeedItem, item_id).reply.startswith("已于11月20日冻结")
    lx.close()
    sz.close()
