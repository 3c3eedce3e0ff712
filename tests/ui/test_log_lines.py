"""The log (issue 17 item 12): expected conditions are one line, Alembic's INFO lines stay out, sign-ins and
failed sign-ins are logged (never the password)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

from uihelpers import dispose_widgets  # noqa: F401  (autouse fixture)

from execdesk.services.profiles import users_by_role
from execdesk.ui.sign_in import SignInDialog


def test_sign_in_and_failed_sign_in_are_logged_without_the_password(qtbot, store, caplog):
    with store.query() as con:
        people = users_by_role(con)
    dlg = SignInDialog(store, people, "zhangwei")
    qtbot.addWidget(dlg)
    caplog.set_level(logging.INFO, logger="execdesk.ui.sign_in")
    dlg.password.setText("wrong-secret")
    dlg.try_accept()
    assert dlg.actor is None
    dlg.password.setText("password123")
    dlg.try_accept()
    assert dlg.actor is not None
    lines = [r.getMessage() for r in caplog.records if r.name == "execdesk.ui.sign_in"]
    assert lines == ["sign-in failed for zhangwei", "signed in: zhangwei (承办人)"]
    assert "wrong-secret" not in caplog.text and "password123" not in caplog.text


def test_an_offline_sync_is_one_log_line_not_a_traceback(qtbot, caplog):
    from PySide6.QtWidgets import QWidget

    from execdesk.sync.errors import NetworkError
    from execdesk.ui import workers

    owner = QWidget()
    qtbot.addWidget(owner)
    failed = []

    def work(_job):
        raise NetworkError("无法连接省平台（网络不通），待上报的数据已保留")

    caplog.set_level(logging.INFO, logger="execdesk.ui.workers")
    workers.start(owner, work, on_error=failed.append)
    qtbot.waitUntil(lambda: bool(failed), timeout=10_000)
    records = [r for r in caplog.records if r.name == "execdesk.ui.workers"]
    assert len(records) == 1 and records[0].levelno == logging.INFO
    assert "Traceback" not in caplog.text and "网络不通" in records[0].getMessage()


def test_opening_and_upgrading_a_database_writes_no_alembic_info_lines(tmp_path):
    env = dict(os.environ, EXECDESK_DATA_DIR=str(tmp_path / "data"))
    r = subprocess.run([sys.executable, "-m", "execdesk", "--db", str(tmp_path / "new.sqlite3"), "db", "check"],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    text = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "data" / "logs").glob("*.log*"))
    assert "alembic" not in text, text
