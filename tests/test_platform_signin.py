"""Issue 14, item 3: sign-in hardening — throttling and temporary lockout per account and per address,
password hashing off the request threads in a bounded pool, and a sign-in audit table.

Found: 60 wrong passwords in a row were all answered 401 with no throttling, and an 8-thread flood delayed
other requests by seconds (scrypt ran on the request threads). Each test runs its own platform process on
127.0.0.1 with its own database (SQLite, and PostgreSQL when configured), so lockouts never leak into
other tests. No timed assertions: the tests assert on answers, orderings and counts; the timings are
measured in bench/bench_platform_signin.py.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select
from sync_harness import *  # noqa: F403
from sync_harness import BACKENDS, PASSWORD, PlatformProcess, client_store, platform_db, settings_for

from execdesk.services.sync import sign_in
from execdesk.sync.errors import SyncError
from execdesk.sync.transport import RetryPolicy
from provincial.models import PSignInAttempt


@pytest.fixture(params=BACKENDS)
def own_platform(request, tmp_path):
    from sync_harness import fresh_platform_db

    procs: list[PlatformProcess] = []

    def start(*extra: str) -> PlatformProcess:
        url = fresh_platform_db(request.param, tmp_path)
        proc = PlatformProcess(url, tmp_path, extra_args=list(extra)).start()
        procs.append(proc)
        return proc

    yield start
    for p in procs:
        p.stop()


def _try(p: PlatformProcess, account: str, password: str) -> requests.Response:
    return requests.post(p.url + "api/v1/auth/token", json={"account": account, "password": password}, timeout=30)


def _audit(p: PlatformProcess) -> dict[tuple[str, str], int]:
    with platform_db(p.db_url) as s:
        return {(a, o): n for a, o, n in s.execute(
            select(PSignInAttempt.account, PSignInAttempt.outcome, func.count())
            .group_by(PSignInAttempt.account, PSignInAttempt.outcome))}


def test_account_is_locked_after_repeated_failures_then_unlocks(own_platform):
    p = own_platform("--signin-account-failures", "5", "--signin-window", "900")
    answers = [_try(p, "lixia", f"wrong-{i}").status_code for i in range(5)]
    assert answers == [401] * 5
    locked = _try(p, "lixia", PASSWORD)  # even the right password waits out the lockout
    assert locked.status_code == 429 and locked.json()["error"] == "locked" and "锁定" in locked.json()["message"]
    assert 1 <= int(locked.headers["Retry-After"]) <= 901
    assert _try(p, "shizhong", PASSWORD).status_code == 200  # another account is not affected
    assert _audit(p) == {("lixia", "bad_credentials"): 5, ("lixia", "locked"): 1, ("shizhong", "ok"): 1}
    # The window passes (the clock is the outer boundary: the audit rows are moved back instead of sleeping).
    with platform_db(p.db_url) as s:
        for row in s.scalars(select(PSignInAttempt)):
            row.at = row.at - timedelta(seconds=901)
    assert _try(p, "lixia", PASSWORD).status_code == 200
    # A success resets the account's count: one more failure is just a 401.
    assert _try(p, "lixia", "wrong-again").status_code == 401


def test_an_address_is_locked_after_failures_across_accounts(own_platform):
    p = own_platform("--signin-account-failures", "100", "--signin-address-failures", "8")
    assert [_try(p, f"guess-{i}", "x" * 9).status_code for i in range(8)] == [401] * 8
    r = _try(p, "lixia", PASSWORD)
    assert r.status_code == 429 and r.json()["error"] == "locked"
    audit = _audit(p)
    assert sum(n for (_a, o), n in audit.items() if o == "bad_credentials") == 8
    assert audit[("lixia", "locked")] == 1


def test_desktop_sign_in_reports_the_lockout_at_once(own_platform, tmp_path, memory_keyring):
    """The desktop does not sit out a 15-minute Retry-After: it shows the platform's Chinese message."""
    p = own_platform("--signin-account-failures", "2")
    for _ in range(2):
        _try(p, "lixia", "wrong-password")
    store = client_store(tmp_path / "d.sqlite3")
    with pytest.raises(SyncError, match="锁定"):
        sign_in(store, settings_for(p.url), "lixia", PASSWORD)
    store.close()
    assert memory_keyring.store == {}


def test_a_sign_in_flood_does_not_hold_up_other_requests(own_platform, tmp_path, memory_keyring):
    """16 threads hammer the sign-in with wrong passwords for made-up accounts. Hashing runs on one thread
    with two waiting places, so most of the flood is answered 503 (busy) at once instead of queueing on
    the request threads. While the flood goes on, authenticated feed reads are all answered, in order,
    before the flood is told to stop; a real desktop sign-in gets through (it retries a 503 after its
    Retry-After). Every attempt is in the audit table."""
    p = own_platform("--hash-workers", "1", "--hash-queue", "2", "--signin-address-failures", "0",
                     "--signin-account-failures", "0")
    token = _try(p, "lixia", PASSWORD).json()["access_token"]
    stop = threading.Event()
    lock = threading.Lock()
    flood: list[int] = []
    events: list[str] = []

    def hammer(n: int) -> None:
        with requests.Session() as s:
            for i in range(400):
                if stop.is_set():
                    return
                r = s.post(p.url + "api/v1/auth/token", json={"account": f"flood-{n}-{i}", "password": "x" * 9},
                           timeout=60)
                with lock:
                    flood.append(r.status_code)
                    if r.status_code == 503 and "flood-busy" not in events:
                        events.append("flood-busy")

    threads = [threading.Thread(target=hammer, args=(n,), daemon=True) for n in range(16)]
    for t in threads:
        t.start()
    try:
        while True:  # wait until the flood is saturating the hashing pool
            with lock:
                if "flood-busy" in events or len(flood) > 300:
                    break
            threading.Event().wait(0.02)
        feeds = []
        for _ in range(10):
            r = requests.get(p.url + "api/v1/feed", headers={"Authorization": f"Bearer {token}"}, timeout=30)
            feeds.append(r.status_code)
            with lock:
                events.append("feed")
        store = client_store(tmp_path / "d.sqlite3")
        result = sign_in(store, settings_for(p.url), "lixia", PASSWORD,
                         retry=RetryPolicy(attempts=20, base_delay=0.05, max_delay=0.2))
        store.close()
        with lock:
            events.append("desktop-signed-in")
            flood_before_stop = len(flood)
    finally:
        stop.set()
        for t in threads:
            t.join(60)
    assert feeds == [200] * 10 and result.court_code == "鲁0102"
    assert events[0] == "flood-busy" and events[1:] == ["feed"] * 10 + ["desktop-signed-in"]
    assert not any(t.is_alive() for t in threads)
    assert set(flood) <= {401, 503} and flood.count(503) > 0 and flood.count(401) > 0
    assert flood_before_stop < 16 * 400  # the flood was still going when the feeds and the sign-in were done
    with platform_db(p.db_url) as s:
        outcomes = dict(s.execute(select(PSignInAttempt.outcome, func.count())
                                  .where(PSignInAttempt.account.like("flood-%"))
                                  .group_by(PSignInAttempt.outcome)).all())
    assert outcomes.get("busy", 0) == flood.count(503) and outcomes.get("bad_credentials", 0) == flood.count(401)
