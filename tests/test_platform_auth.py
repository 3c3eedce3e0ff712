"""Issue 13 item 2: per-person platform accounts, device tokens with refresh, revocation, deactivation and
password reset ending every live token, the authentication audit (docs/sync-protocol.md §2).

Everything runs against the real platform process (``execdesk-platform serve``) on 127.0.0.1 with its
clock under the test's control (``--clock-file``: an offset in seconds, so weeks pass without sleeping);
the real desktop client with real SQLite files; the OS keyring is the in-memory fake (the outer boundary).
SQLite always, PostgreSQL too when EXECDESK_TEST_PG_URL is set.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from browser_harness import NEEDS_CHROMIUM, chromium, click_and_wait
from conftest import TODAY, sample_case_input
from sqlalchemy import func, select, text, update
from sync_harness import *  # noqa: F403  (fixtures: memory_keyring)
from sync_harness import (
    BACKENDS,
    PASSWORD,
    REPO,
    PlatformProcess,
    client_store,
    fresh_platform_db,
    platform_db,
)

from execdesk.config import Settings
from execdesk.models import OutboxEntry
from execdesk.services.cases import register_case
from execdesk.services.context import Actor
from execdesk.services.sync import default_account, sign_in, sign_out, sync_status
from execdesk.sync import credentials
from execdesk.sync.client import Limits, run_sync
from execdesk.sync.errors import AuthRequired
from provincial import auth
from provincial.models import PAccount, PAuthEvent, PRefreshToken, PToken

HANDLER = Actor(username="zhangwei", display_name="张伟")
PERSON = "鲁0102/zhangwei"
CLERK = "鲁0102/liuyang"
DAY = 86400


class Clock:
    """The platform's clock offset (``serve --clock-file``)."""

    def __init__(self, path: Path):
        self.path, self.offset = path, 0.0
        self.set(0)

    def set(self, seconds: float) -> None:
        self.offset = seconds
        self.path.write_text(str(seconds), encoding="ascii")

    def advance(self, seconds: float) -> None:
        self.set(self.offset + seconds)


@pytest.fixture(scope="module", params=BACKENDS)
def plat(request, tmp_path_factory):
    """A platform of this module's own (its clock is moved by the tests), with person accounts."""
    workdir = tmp_path_factory.mktemp(f"auth-{request.param}")
    url = fresh_platform_db(request.param, workdir)
    with platform_db(url) as s:
        auth.create_person_account(s, "鲁0102", "zhangwei", PASSWORD, "承办人", "张伟")
        auth.create_person_account(s, "鲁0102", "liuyang", PASSWORD, "书记员", "刘洋")
        auth.create_person_account(s, "鲁0102", "wangjz", PASSWORD, "执行局长", "王局长")
    clock = Clock(workdir / "clock.txt")
    proc = PlatformProcess(url, workdir, extra_args=["--clock-file", str(clock.path)]).start()
    proc.clock = clock
    yield proc
    proc.stop()


@pytest.fixture
def clock(plat):
    plat.clock.set(0)
    yield plat.clock
    plat.clock.set(0)


def _sign_in_raw(plat, account=PERSON, device="dev-1", password=PASSWORD) -> requests.Response:
    return requests.post(plat.url + "api/v1/auth/token",
                         json={"account": account, "password": password, "device_id": device}, timeout=30)


def _refresh_raw(plat, refresh_token: str, device="dev-1") -> requests.Response:
    return requests.post(plat.url + "api/v1/auth/refresh",
                         json={"refresh_token": refresh_token, "device_id": device}, timeout=30)


def _feed(plat, access: str) -> requests.Response:
    return requests.get(plat.url + "api/v1/feed", headers={"Authorization": f"Bearer {access}"}, timeout=30)


def _admin(plat, *args: str, password: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if password:
        env["EXECDESK_PLATFORM_PASSWORD"] = password
    return subprocess.run([sys.executable, "-m", "provincial.admin", "--db", plat.db_url, *args], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=120)


def _restore(plat, username="zhangwei", role="承办人", name="张伟") -> None:
    with platform_db(plat.db_url) as s:
        auth.create_person_account(s, "鲁0102", username, PASSWORD, role, name)


def _desk(tmp_path, plat, name="desk1"):
    store = client_store(tmp_path / f"{name}.sqlite3", "鲁0102")
    settings = Settings(server_url=plat.url)
    return store, settings


def _pending(store) -> list[str]:
    with store.read() as s:
        return list(s.scalars(select(OutboxEntry.change_id).where(OutboxEntry.state == "pending")
                              .order_by(OutboxEntry.local_seq)))


# ---------------------------------------------------------------- accounts and sign-in


def test_person_account_sign_in_returns_person_role_and_a_device_bound_refresh_token(plat, clock):
    """Item 2: the account of a person is 法院代字/用户名 with a role; a sign-in returns a short access
    token and a long refresh token bound to the device."""
    r = _sign_in_raw(plat)
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["person"] == PERSON and data["role"] == "承办人" and data["display_name"] == "张伟"
    assert data["expires_in"] == 3600 and data["refresh_expires_in"] == 60 * DAY
    assert data["refresh_token"] and data["refresh_token"] != data["access_token"]
    assert _feed(plat, data["access_token"]).status_code == 200
    # the refresh token works only from the device it was issued to (and, tried elsewhere, ends that sign-in)
    assert _refresh_raw(plat, data["refresh_token"], device="another-pc").status_code == 401
    assert _refresh_raw(plat, data["refresh_token"]).status_code == 401


def test_legacy_court_account_still_signs_in_as_role_court(plat, clock):
    """Accounts from before migration 0005 keep working (role 法院, person ref 法院代字/账号)."""
    r = _sign_in_raw(plat, account="lixia")
    assert r.status_code == 200, r.text
    assert r.json()["role"] == "法院" and r.json()["person"] == "鲁0102/lixia"


def test_default_account_is_the_local_users_own(tmp_path, plat):
    """Item 6: the desktop signs in as the current local user's own account (court of the local profile)."""
    store, settings = _desk(tmp_path, plat)
    try:
        assert default_account(store, settings, "zhangwei") == PERSON
        settings.current_user = "liuyang"
        assert default_account(store, settings) == CLERK
        assert default_account(store, Settings(court_account="lixia"), "nobody") == "lixia"
    finally:
        store.close()


# ---------------------------------------------------------------- refresh rotation and reuse


def test_refresh_rotates_and_a_reused_refresh_token_revokes_the_device(plat, clock):
    """Item 2: refresh rotates (the old refresh token stops working); presenting a rotated token again
    revokes the whole family: the newest refresh token and the access tokens of that device end too."""
    first = _sign_in_raw(plat, device="dev-rot").json()
    other = _sign_in_raw(plat, device="dev-other").json()  # another PC of the same person
    r = _refresh_raw(plat, first["refresh_token"], "dev-rot")
    assert r.status_code == 200, r.text
    second = r.json()
    assert second["refresh_token"] not in (first["refresh_token"], None)
    assert _feed(plat, second["access_token"]).status_code == 200
    # a retry of the same refresh within the grace window (its answer was lost) gets a fresh pair ...
    r = _refresh_raw(plat, first["refresh_token"], "dev-rot")
    assert r.status_code == 200, r.text
    third = r.json()
    assert _refresh_raw(plat, second["refresh_token"], "dev-rot").json()["error"] == "refresh_revoked"
    # ... but once the window is over, the rotated token presented again is reuse
    clock.advance(120)
    r = _refresh_raw(plat, first["refresh_token"], "dev-rot")
    assert r.status_code == 401 and r.json()["error"] == "refresh_reused"
    assert _refresh_raw(plat, third["refresh_token"], "dev-rot").status_code == 401
    for access in (first["access_token"], second["access_token"], third["access_token"]):
        assert _feed(plat, access).status_code == 401
    # the other device is untouched
    assert _feed(plat, other["access_token"]).status_code == 200
    assert _refresh_raw(plat, other["refresh_token"], "dev-other").status_code == 200
    with platform_db(plat.db_url) as s:
        events = [e.event for e in s.scalars(select(PAuthEvent).where(PAuthEvent.device_id == "dev-rot"))]
    assert events.count("refresh") == 2 and "refresh_reuse" in events


def test_access_token_expires_and_refresh_slides_the_idle_window(plat, clock):
    """Access tokens live an hour; a refresh token idle for 60 days ends, one used within them slides on."""
    data = _sign_in_raw(plat, device="dev-slide").json()
    clock.advance(3601)
    r = _feed(plat, data["access_token"])
    assert r.status_code == 401 and r.json()["error"] == "token_expired"
    token = data["refresh_token"]
    for _ in range(3):  # 3 × 50 days: more than 60 days in all, never 60 idle
        clock.advance(50 * DAY)
        r = _refresh_raw(plat, token, "dev-slide")
        assert r.status_code == 200, r.text
        token = r.json()["refresh_token"]
        assert _feed(plat, r.json()["access_token"]).status_code == 200
    clock.advance(61 * DAY)
    r = _refresh_raw(plat, token, "dev-slide")
    assert r.status_code == 401 and r.json()["error"] == "refresh_expired"


# ---------------------------------------------------------------- deactivation, reset, revocation


def test_deactivation_in_the_database_ends_live_tokens(plat, clock):
    """Reproduction (issue 13): an account deactivated in the database kept its live token working.
    Now every request checks the account: the access token and the refresh token are both refused."""
    data = _sign_in_raw(plat, account=CLERK, device="dev-db").json()
    assert _feed(plat, data["access_token"]).status_code == 200
    with platform_db(plat.db_url) as s:
        s.execute(update(PAccount).where(PAccount.name == CLERK).values(active=False))
    try:
        r = _feed(plat, data["access_token"])
        assert r.status_code == 401 and r.json()["error"] == "account_disabled"
        r = _refresh_raw(plat, data["refresh_token"], "dev-db")
        assert r.status_code == 401 and r.json()["error"] == "account_disabled"
    finally:
        with platform_db(plat.db_url) as s:
            s.execute(update(PAccount).where(PAccount.name == CLERK).values(active=True))


def test_password_changed_in_the_database_ends_live_tokens(plat, clock):
    """Reproduction (issue 13): a password reset left live tokens working. Tokens are bound to the
    password they were issued under, so even a hash written straight into the database ends them."""
    data = _sign_in_raw(plat, account=CLERK, device="dev-pw").json()
    with platform_db(plat.db_url) as s:
        s.execute(update(PAccount).where(PAccount.name == CLERK)
                  .values(password_hash=auth_hash("a-new-password-1")))
    try:
        r = _feed(plat, data["access_token"])
        assert r.status_code == 401 and r.json()["error"] == "token_revoked"
        assert _refresh_raw(plat, data["refresh_token"], "dev-pw").json()["error"] == "token_revoked"
    finally:
        _restore(plat, "liuyang", "书记员", "刘洋")


def auth_hash(password: str) -> str:
    from provincial.service import hash_password

    return hash_password(password)


def test_deactivate_and_reset_commands_end_every_token(plat, clock):
    """Item 2: ``deactivate-account`` and ``reset-password`` end every live access and refresh token at
    once; a reactivated account must sign in again; the old password no longer works after a reset."""
    a = _sign_in_raw(plat, account="鲁0102/wangjz", device="dev-a").json()
    b = _sign_in_raw(plat, account="鲁0102/wangjz", device="dev-b").json()
    out = _admin(plat, "deactivate-account", "鲁0102/wangjz")
    assert out.returncode == 0 and "已停用" in out.stdout, out.stderr
    try:
        for d, dev in ((a, "dev-a"), (b, "dev-b")):
            assert _feed(plat, d["access_token"]).status_code == 401
            assert _refresh_raw(plat, d["refresh_token"], dev).status_code == 401
        assert _sign_in_raw(plat, account="鲁0102/wangjz").status_code == 401
        assert _admin(plat, "reactivate-account", "鲁0102/wangjz").returncode == 0
        assert _feed(plat, a["access_token"]).status_code == 401  # old tokens stay dead
        c = _sign_in_raw(plat, account="鲁0102/wangjz", device="dev-c").json()
        assert _feed(plat, c["access_token"]).status_code == 200
        out = _admin(plat, "reset-password", "鲁0102/wangjz", password="brand-new-pass-2")
        assert out.returncode == 0, out.stderr
        assert _feed(plat, c["access_token"]).status_code == 401
        assert _refresh_raw(plat, c["refresh_token"], "dev-c").status_code == 401
        assert _sign_in_raw(plat, account="鲁0102/wangjz").status_code == 401  # the old password
        assert _sign_in_raw(plat, account="鲁0102/wangjz", password="brand-new-pass-2").status_code == 200
    finally:
        _restore(plat, "wangjz", "执行局长", "王局长")
    log = _admin(plat, "auth-log", "鲁0102/wangjz").stdout
    for word in ("停用账号", "恢复账号", "重置密码", "登录失败", "登录"):
        assert word in log, log


def test_revoking_one_device_leaves_the_other_working(tmp_path, plat, clock, memory_keyring):
    """Item 2: two PCs of one person; ``revoke-device`` for one stops that PC (sign in again, its queue
    untouched) while the other keeps syncing."""
    s1, st1 = _desk(tmp_path, plat, "pc1")
    s2, st2 = _desk(tmp_path, plat, "pc2")
    try:
        sign_in(s1, st1, PERSON, PASSWORD)
        # the second PC keeps its token under its own keyring entry: another host name for the same platform
        st2.server_url = plat.url.replace("127.0.0.1", "localhost")
        sign_in(s2, st2, PERSON, PASSWORD)
        from execdesk.sync.client import device_id

        d1, d2 = device_id(s1), device_id(s2)
        listing = _admin(plat, "list-devices", PERSON).stdout
        assert d1 in listing and d2 in listing
        out = _admin(plat, "revoke-device", PERSON, d1)
        assert out.returncode == 0, out.stderr
        register_case(s1, HANDLER, sample_case_input(number="（2026）鲁0102执7001号"), today=TODAY)
        queued = _pending(s1)
        with pytest.raises(AuthRequired) as err:
            run_sync(s1, st1)
        assert "重新登录" in err.value.message
        assert _pending(s1) == queued  # nothing lost or sent
        register_case(s2, HANDLER, sample_case_input(number="（2026）鲁0102执7002号"), today=TODAY)
        assert run_sync(s2, st2).status == "ok" and _pending(s2) == []
        listing = _admin(plat, "list-devices", PERSON).stdout
        line1 = next(line for line in listing.splitlines() if d1 in line)
        assert "已失效" in line1
    finally:
        s1.close()
        s2.close()


def test_sign_out_revokes_this_devices_tokens_on_the_platform(tmp_path, plat, clock, memory_keyring):
    """Item 2: 同步 → 退出登录 revokes the device's tokens on the platform, then clears the keyring."""
    store, settings = _desk(tmp_path, plat)
    try:
        sign_in(store, settings, PERSON, PASSWORD)
        creds = credentials.load_credentials(settings)
        assert creds and creds.refresh
        assert sign_out(settings) is None
        assert credentials.load_credentials(settings) is None
        assert _feed(plat, creds.access).status_code == 401
        from execdesk.sync.client import device_id

        assert _refresh_raw(plat, creds.refresh, device_id(store)).json()["error"] == "refresh_revoked"
    finally:
        store.close()


# ---------------------------------------------------------------- unattended sync over weeks


def test_unattended_sync_over_weeks_refreshes_without_a_password(tmp_path, plat, clock, memory_keyring):
    """Item 2: a Task Scheduler sync keeps working for weeks, offline then online: the access token has
    expired at every round, the client refreshes once and retries transparently; no password is kept."""
    store, settings = _desk(tmp_path, plat)
    try:
        sign_in(store, settings, PERSON, PASSWORD)
        assert all(PASSWORD not in v for v in memory_keyring.store.values())
        seen = set()
        for week in range(1, 7):
            clock.advance(7 * DAY)  # a week offline: access expired long ago, refresh token still valid
            # the last week's backlog goes in many small pipelined batches: two requests in flight meet the
            # expired token at once, and still only one refresh happens (a second would be reuse)
            for n in range(1 if week < 6 else 20):
                register_case(store, HANDLER, sample_case_input(number=f"（2026）鲁0102执{7100 + week * 30 + n}号"),
                              today=TODAY)
            report = run_sync(store, settings, limits=Limits(batch_changes=10) if week == 6 else None)
            assert report.status == "ok" and report.pushed >= 1 and _pending(store) == []
            creds = credentials.load_credentials(settings)
            assert creds.refresh not in seen  # rotated each time
            seen.add(creds.refresh)
        with platform_db(plat.db_url) as s:
            from execdesk.sync.client import device_id

            refreshes = s.scalar(select(func.count()).select_from(PAuthEvent).where(
                PAuthEvent.event == "refresh", PAuthEvent.device_id == device_id(store)))
        assert refreshes == 6
    finally:
        store.close()


def test_refresh_token_idle_too_long_asks_to_sign_in_again_and_keeps_the_queue(tmp_path, plat, clock,
                                                                                memory_keyring):
    """Item 2: after more than 60 days without a sync the refresh fails: a Chinese "sign in again", a
    systemic stop, the queue untouched, the keyring entry gone; signing in again then sends everything."""
    store, settings = _desk(tmp_path, plat)
    try:
        sign_in(store, settings, PERSON, PASSWORD)
        register_case(store, HANDLER, sample_case_input(number="（2026）鲁0102执7201号"), today=TODAY)
        queued = _pending(store)
        clock.advance(61 * DAY)
        with pytest.raises(AuthRequired) as err:
            run_sync(store, settings)
        assert "重新登录" in err.value.message and "已保留" in err.value.message
        assert err.value.report.status == "failed"
        assert _pending(store) == queued
        assert not sync_status(store, settings).signed_in
        sign_in(store, settings, PERSON, PASSWORD)
        assert run_sync(store, settings).status == "ok" and _pending(store) == []
    finally:
        store.close()


# ---------------------------------------------------------------- audit, throttling, secrets


def test_failed_refreshes_are_throttled(tmp_path, memory_keyring):
    """Item 2 / issue 14 item 4: throttling of failed sign-ins applies to refresh too."""
    url = fresh_platform_db("sqlite", tmp_path)
    proc = PlatformProcess(url, tmp_path, extra_args=["--signin-account-failures", "3"]).start()
    try:
        codes = [_refresh_raw(proc, f"garbage-{i}").status_code for i in range(4)]
        assert codes == [401, 401, 401, 429]
        r = _refresh_raw(proc, "garbage-x")
        assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    finally:
        proc.stop()


def test_sign_ins_and_failures_are_audited_with_device_and_address(plat, clock):
    """Item 2: sign-ins, failures, refreshes are audit rows with account, device, address and time."""
    _sign_in_raw(plat, account=CLERK, device="dev-audit", password="wrong-password")
    ok = _sign_in_raw(plat, account=CLERK, device="dev-audit").json()
    _refresh_raw(plat, ok["refresh_token"], "dev-audit")
    with platform_db(plat.db_url) as s:
        rows = s.scalars(select(PAuthEvent).where(PAuthEvent.device_id == "dev-audit").order_by(PAuthEvent.id)).all()
    assert [r.event for r in rows] == ["signin_failed", "signin", "refresh"]
    assert all(r.account == CLERK and r.address == "127.0.0.1" and r.at is not None for r in rows)


def test_no_token_or_password_in_the_platform_log_or_database(tmp_path, plat, clock, memory_keyring):
    """Only SHA-256 digests of tokens are stored; neither tokens nor the password reach the log or DB."""
    store, settings = _desk(tmp_path, plat)
    try:
        sign_in(store, settings, PERSON, PASSWORD)
        clock.advance(2 * 3600)
        register_case(store, HANDLER, sample_case_input(number="（2026）鲁0102执7301号"), today=TODAY)
        assert run_sync(store, settings).status == "ok"
        creds = credentials.load_credentials(settings)
        secrets = [creds.access, creds.refresh, PASSWORD]
        with platform_db(plat.db_url) as s:
            hashes = set(s.scalars(select(PToken.token_hash))) | set(s.scalars(select(PRefreshToken.token_hash)))
            if plat.db_url.startswith("sqlite"):
                dump = "\n".join(s.connection().connection.driver_connection.iterdump())
            else:
                dump = "\n".join(str(row) for t in ("p_accounts", "p_tokens", "p_refresh_tokens", "p_auth_events",
                                                    "p_signin_attempts", "p_changes")
                                 for row in s.execute(text(f"SELECT * FROM {t}")))
        assert auth._digest(creds.access) in hashes and auth._digest(creds.refresh) in hashes
        for secret in secrets:
            assert secret not in dump
        if plat.db_url.startswith("sqlite"):
            raw = b"".join(Path(p).read_bytes() for p in Path(plat.db_url[len("sqlite:///"):]).parent.glob("provincial*"))
            for secret in secrets:
                assert secret.encode() not in raw
        log = Path(plat.log_path).read_text(encoding="utf-8", errors="replace")
        for secret in secrets:
            assert secret not in log
        assert "Traceback" not in log
        # nor on the desktop: its database, its settings file (tokens live in the keyring only)
        store.close()
        desk = b"".join(p.read_bytes() for p in tmp_path.glob("desk1.sqlite3*"))
        desk += Settings.path().read_bytes()
        for secret in secrets:
            assert secret.encode() not in desk
    finally:
        store.close()


# ---------------------------------------------------------------- migration 0005 of a 0003 database


def test_a_0003_platform_database_migrates_and_its_court_accounts_keep_working(tmp_path):
    """Migration 0005: a platform database at 0003 (one account per court, a live token) is upgraded on
    start; the court account signs in as role 法院 (person ref 法院代字/账号), its token from before the
    migration still works until it expires, and deactivating it ends that token too."""
    import hashlib
    from datetime import timedelta

    from provincial import migrate
    from provincial.models import make_engine, utcnow
    from provincial.service import hash_password

    url = f"sqlite:///{tmp_path / 'p0003.sqlite3'}"
    engine = make_engine(url, migrate=False)
    migrate.upgrade(engine, "0003")
    old_token = "pre-migration-token-" + "x" * 24
    t0 = utcnow()
    now = t0.strftime("%Y-%m-%d %H:%M:%S.%f")  # as SQLAlchemy writes a DateTime on SQLite
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO p_courts (code, name, last_seq, created_at) VALUES "
                          "('鲁0102', '济南市历下区人民法院', 0, :t)"), {"t": now})
        conn.execute(text("INSERT INTO p_feed_counters (court_code, last_seq) VALUES ('鲁0102', 0)"))
        conn.execute(text("INSERT INTO p_accounts (name, court_code, password_hash, active, created_at) VALUES "
                          "('lixia', '鲁0102', :h, 1, :t)"), {"h": hash_password(PASSWORD), "t": now})
        conn.execute(text("INSERT INTO p_tokens (token_hash, account, court_code, device_id, expires_at, created_at) "
                          "VALUES (:h, 'lixia', '鲁0102', 'old-pc', :e, :t)"),
                     {"h": hashlib.sha256(old_token.encode()).hexdigest(),
                      "e": (t0 + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S.%f"), "t": now})
    engine.dispose()
    proc = PlatformProcess(url, tmp_path).start()  # migrates on start
    try:
        engine = make_engine(url, migrate=False)
        assert migrate.current(engine) == migrate.head()
        with engine.connect() as conn:
            assert conn.execute(text("SELECT username, role FROM p_accounts")).all() == [("lixia", "法院")]
        engine.dispose()
        assert _feed(proc, old_token).status_code == 200
        r = _sign_in_raw(proc, account="lixia")
        assert r.status_code == 200 and r.json()["role"] == "法院" and r.json()["person"] == "鲁0102/lixia"
        assert _admin(proc, "deactivate-account", "lixia").returncode == 0
        assert _feed(proc, old_token).status_code == 401
        assert _feed(proc, r.json()["access_token"]).status_code == 401
    finally:
        proc.stop()
    engine = make_engine(url, migrate=False)
    try:
        migrate.downgrade(engine, "0003")
        assert "p_refresh_tokens" not in __import__("sqlalchemy").inspect(engine).get_table_names()
    finally:
        engine.dispose()


# ---------------------------------------------------------------- the audit in the 指挥中心 view


@NEEDS_CHROMIUM
def test_auth_log_page_for_province_staff_in_a_real_browser(plat, clock, screenshot_dir):
    """Item 2: the authentication audit is visible in the 指挥中心 view to 省院 staff (headless Chromium);
    中院 staff, who see only some courts, are refused the province-wide audit."""
    from selenium.webdriver.common.by import By

    from provincial.center import create_staff

    with platform_db(plat.db_url) as s:
        create_staff(s, "sy-auth", "孙省院", "省院", "center-pass-2026", [])
        create_staff(s, "zy-auth", "赵中院", "中院", "center-pass-2026", ["鲁0102"])
    _sign_in_raw(plat, account=PERSON, device="dev-page", password="wrong-password")
    _sign_in_raw(plat, account=PERSON, device="dev-page")
    with chromium(window="1280,900") as driver:
        for name in ("sy-auth", "zy-auth"):
            driver.delete_all_cookies()
            driver.get(plat.url + "center/")
            driver.find_element(By.ID, "name").send_keys(name)
            driver.find_element(By.ID, "password").send_keys("center-pass-2026")
            click_and_wait(driver, driver.find_element(By.ID, "submit"))
            if name == "sy-auth":
                click_and_wait(driver, driver.find_element(By.ID, "auth_log_link"))
                table = driver.find_element(By.ID, "auth_log").text
                assert PERSON in table and "登录失败" in table and "dev-page" in table and "127.0.0.1" in table
                driver.find_element(By.NAME, "account").send_keys(CLERK)
                click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/center/auth-log'] button"))
                assert PERSON not in driver.find_element(By.ID, "auth_log").text
                driver.get(plat.url + "center/auth-log")
                driver.save_screenshot(str(screenshot_dir / "center_auth_log.png"))
            else:
                assert not driver.find_elements(By.ID, "auth_log_link")
                driver.get(plat.url + "center/auth-log")
                assert "仅供省院" in driver.page_source and not driver.find_elements(By.ID, "auth_log")


def test_moving_from_the_court_account_to_ones_own_leaves_no_token_behind(tmp_path, plat, clock, memory_keyring):
    """Item 2 migration on a PC: signed in with the court's shared account, then with the user's own — the
    shared account's tokens are not left in the keyring; the PC now syncs as the person."""
    store, settings = _desk(tmp_path, plat)
    try:
        sign_in(store, settings, "lixia", PASSWORD)
        assert [u for _s, u in memory_keyring.store] == [f"lixia@127.0.0.1:{plat.port}"]
        result = sign_in(store, settings, default_account(store, settings, "zhangwei"), PASSWORD)
        assert result.person == PERSON and result.role == "承办人"
        assert [u for _s, u in memory_keyring.store] == [f"{PERSON}@127.0.0.1:{plat.port}"]
        case_id = register_case(store, HANDLER, sample_case_input(number="（2026）鲁0102执7401号"), today=TODAY)
        assert run_sync(store, settings).status == "ok"
        from provincial.models import PChange

        with platform_db(plat.db_url) as s:
            pushed_by = set(s.scalars(select(PChange.account).where(PChange.case_id == case_id)))
        assert pushed_by == {PERSON}  # the platform records the person from the token
    finally:
        store.close()


def test_deactivating_a_center_staff_account_ends_its_browser_session(plat, clock):
    """Item 2: 中院/省院 staff stay web accounts (p_staff); ``deactivate-account --staff`` ends their
    session at once and refuses the sign-in; ``reset-password --staff`` ends sessions too."""
    from provincial.center import create_staff

    with platform_db(plat.db_url) as s:
        create_staff(s, "zy-off", "钱中院", "中院", "center-pass-2026", ["鲁0102"])

    def web_login(password: str = "center-pass-2026") -> requests.Session:
        web = requests.Session()
        pre = web.get(plat.url + "center/login", timeout=30).text.split("name='csrf' value='")[1].split("'")[0]
        r = web.post(plat.url + "center/login", data={"csrf": pre, "name": "zy-off", "password": password},
                     allow_redirects=False, timeout=30)
        assert r.status_code in (303, 401, 429), r.status_code
        return web

    web = web_login()
    assert web.get(plat.url + "center/", allow_redirects=False, timeout=30).status_code == 200
    assert _admin(plat, "deactivate-account", "zy-off", "--staff").returncode == 0
    assert web.get(plat.url + "center/", allow_redirects=False, timeout=30).status_code == 303
    assert web_login().get(plat.url + "center/", allow_redirects=False, timeout=30).status_code == 303
    assert _admin(plat, "reactivate-account", "zy-off", "--staff").returncode == 0
    web = web_login()
    assert web.get(plat.url + "center/", allow_redirects=False, timeout=30).status_code == 200
    assert _admin(plat, "reset-password", "zy-off", "--staff", password="another-center-pass").returncode == 0
    assert web.get(plat.url + "center/", allow_redirects=False, timeout=30).status_code == 303
    assert web_login("another-center-pass").get(plat.url + "center/", allow_redirects=False,
                                                timeout=30).status_code == 200
