"""Transport security and secrets (ANCHORS A9-13/14; issue 5 item 4).

HTTPS against the real platform with a CA generated in the test (trustme): trusted only through the
configured bundle. Token only in the keyring; no keyring → clear error, no plaintext fallback. After a
sign-in and a sync, the token and the password appear nowhere in the database, settings or logs.
"""

from __future__ import annotations

from pathlib import Path

import keyring
import keyring.backends.fail
import pytest
import trustme
from conftest import TODAY, sample_case_input
from sync_harness import *  # noqa: F403
from sync_harness import COURTS, PASSWORD, MemoryKeyring, PlatformProcess, client_store, settings_for

from execdesk.cli import main as cli_main
from execdesk.config import Settings, data_dir, log_dir
from execdesk.services.cases import register_case
from execdesk.services.context import Actor
from execdesk.services.sync import sign_in
from execdesk.sync import credentials
from execdesk.sync.client import run_sync
from execdesk.sync.errors import KeyringUnavailable, NotConfigured, TlsError
from execdesk.sync.transport import RetryPolicy, Transport

HANDLER = Actor(username="zhangwei", display_name="张伟")


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory):
    d = tmp_path_factory.mktemp("tls")
    ca = trustme.CA(organization_name="测试省法院内网CA")
    cert = ca.issue_cert("127.0.0.1", "localhost")
    cert.private_key_pem.write_to_path(str(d / "key.pem"))
    cert.cert_chain_pems[0].write_to_path(str(d / "cert.pem"))
    for extra in cert.cert_chain_pems[1:]:
        with open(d / "cert.pem", "ab") as f:
            f.write(extra.bytes())
    ca.cert_pem.write_to_path(str(d / "ca.pem"))
    trustme.CA().cert_pem.write_to_path(str(d / "other-ca.pem"))
    return d


@pytest.fixture
def https_platform(platform, tls_files, tmp_path):
    proc = PlatformProcess(platform.db_url, tmp_path,
                           tls=(str(tls_files / "cert.pem"), str(tls_files / "key.pem"), str(tls_files / "ca.pem")))
    proc.start()
    yield proc
    proc.stop()


def test_https_trusted_only_through_the_configured_bundle(https_platform, tls_files, tmp_path, memory_keyring):
    store = client_store(tmp_path / "d.sqlite3")
    register_case(store, HANDLER, sample_case_input(number="（2026）鲁0102执50001号"), today=TODAY)
    trusted = settings_for(https_platform.url, ca_bundle=str(tls_files / "ca.pem"))
    sign_in(store, trusted, "lixia", PASSWORD)
    assert run_sync(store, trusted).status == "ok"
    for bundle in ("", str(tls_files / "other-ca.pem")):  # system store, then a different CA
        untrusted = settings_for(https_platform.url, ca_bundle=bundle)
        credentials.save_token(untrusted, "x" * 43)
        with pytest.raises(TlsError, match="安全证书"):
            run_sync(store, untrusted, retry=RetryPolicy(attempts=1))
        with pytest.raises(TlsError):
            sign_in(store, untrusted, "lixia", PASSWORD)
    store.close()


def test_plain_http_only_to_this_machine_and_bundle_must_exist(tmp_path):
    with pytest.raises(NotConfigured, match="https"):
        Transport("http://zxzh.court.example/")
    with pytest.raises(NotConfigured, match="CA证书文件"):
        Transport("https://zxzh.court.example/", ca_bundle=str(tmp_path / "missing.pem"))
    with pytest.raises(NotConfigured):
        Transport("ftp://zxzh.court.example/")
    assert Transport("https://zxzh.court.example/").session.verify is True


def test_no_keyring_backend_is_a_clear_error_and_nothing_is_stored(platform, tmp_path):
    """On a machine without a keyring (headless Linux picks fail.Keyring) the token is not kept anywhere."""
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        store = client_store(tmp_path / "d.sqlite3")
        settings = settings_for(platform.url)
        with pytest.raises(KeyringUnavailable, match="系统密钥环"):
            sign_in(store, settings, "lixia", PASSWORD)
        with pytest.raises(KeyringUnavailable):
            run_sync(store, settings)
        store.close()
        assert not any(PASSWORD.encode() in p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    finally:
        keyring.set_keyring(previous)


def _files_to_scan(db: Path) -> list[Path]:
    files = [p for p in db.parent.glob(db.name + "*")]  # the database, its WAL and shm
    files += [Settings.path()] + [p for p in log_dir().rglob("*") if p.is_file()]
    files += [p for p in data_dir().rglob("*") if p.is_file()]
    return [p for p in files if p.exists()]


def test_no_secret_in_database_settings_or_logs_after_cli_login_and_sync(platform, tmp_path, monkeypatch,
                                                                          memory_keyring, capsys):
    """`execdesk sync login` then `execdesk sync`: the token is only in the keyring; the password nowhere."""
    db = tmp_path / "cli.sqlite3"
    client_store(db).close()
    register_case(client_store_reopen(db), HANDLER, sample_case_input(number="（2026）鲁0102执50002号"), today=TODAY)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": PASSWORD)  # the keyboard (outer boundary)
    assert cli_main(["--db", str(db), "sync", "login", "--server", platform.url, "--account", "lixia"]) == 0
    assert "已登录省平台" in capsys.readouterr().out
    assert cli_main(["--db", str(db), "sync"]) == 0
    out = capsys.readouterr().out
    assert "同步完成" in out and "上报 5 条" in out
    assert cli_main(["--db", str(db), "sync", "status"]) == 0
    assert "已登录" in capsys.readouterr().out
    (token,) = memory_keyring.store.values()
    assert len(token) >= 40
    files = _files_to_scan(db)
    assert Settings.path() in files and any(p.suffix == ".log" for p in files)
    for p in files:
        blob = p.read_bytes()
        assert token.encode() not in blob, p
        assert PASSWORD.encode() not in blob, p
    if platform.backend == "sqlite":  # the platform keeps hashes only
        pdb = Path(platform.db_url.removeprefix("sqlite:///"))
        for p in pdb.parent.glob(pdb.name + "*"):
            assert token.encode() not in p.read_bytes() and PASSWORD.encode() not in p.read_bytes()
    assert cli_main(["--db", str(db), "sync", "logout"]) == 0
    assert memory_keyring.store == {}
    assert cli_main(["--db", str(db), "sync"]) == 2
    assert "请先登录" in capsys.readouterr().err


def client_store_reopen(db: Path):
    from execdesk.models.migrate import open_database

    return open_database(db)


def test_cli_without_keyring_exits_2_with_chinese_message(platform, tmp_path, capsys):
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        db = tmp_path / "cli.sqlite3"
        client_store(db).close()
        Settings(server_url=platform.url, court_account=COURTS["鲁0102"][1]).save()
        assert cli_main(["--db", str(db), "sync"]) == 2
        err = capsys.readouterr().err
        assert err.startswith("错误：本机没有可用的系统密钥环") and "Traceback" not in err
    finally:
        keyring.set_keyring(previous)
    assert isinstance(MemoryKeyring(), keyring.backend.KeyringBackend)
