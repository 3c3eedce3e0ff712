"""Sync from the desktop (issue 6 §7) against the real reference platform on 127.0.0.1 (tests/sync_harness.py).

Sign in through the panel (the token goes to the keyring stand-in, never the settings file), sync with
progress while a QTimer probe measures the longest event-loop stall (recorded and shown, not asserted
against a time: timings belong to bench/), cancel a round, and see the status bar follow.
"""

from __future__ import annotations

import json

from conftest import TODAY, sample_case_input
from PySide6.QtCore import QMetaObject, Qt
from PySide6.QtGui import QAction
from sqlalchemy import func, select
from sync_harness import COURTS, PASSWORD, memory_keyring, platform  # noqa: F401  (pytest fixtures)
from uihelpers import dispose_widgets, make_ctx, on_modal  # noqa: F401  (autouse fixture)

from execdesk.models import OutboxEntry, SyncRun
from execdesk.services import cases
from execdesk.ui.main_window import MainWindow


def pending(store) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(OutboxEntry).where(OutboxEntry.state == "pending")) or 0


def test_sign_in_sync_with_progress_and_responsive_window(qtbot, store, actor, platform, memory_keyring):  # noqa: F811
    for n in range(1, 121):  # ~600 outbox changes (case, parties, basis, nodes)
        cases.register_case(store, actor, sample_case_input(f"（2026）鲁0102执{9200 + n}号"), today=TODAY)
    queued = pending(store)
    assert queued > 500

    ctx = make_ctx(store)
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: f"待上传 {queued} 条" in win.pending_label.text(), timeout=10_000)
    assert "离线" in win.sync_label.text()

    panel = win.show_page("sync")
    panel.server.setText(platform.url)
    panel.account.setText(COURTS["鲁0102"][1])
    panel.interval.setValue(0)
    panel.password.setText(PASSWORD)
    texts: list[str] = []
    on_modal(lambda box: (texts.append(box.text()), box.accept()))  # the "已登录：…" confirmation
    panel.findChild(type(panel.sync_button), "login").click()
    qtbot.waitUntil(lambda: bool(texts), timeout=30_000)
    assert "已登录" in texts[0] and "济南市历下区人民法院" in texts[0]
    assert panel.password.text() == ""  # not kept in the form
    settings_file = ctx.settings.path().read_text(encoding="utf-8")
    assert PASSWORD not in settings_file and json.loads(settings_file)["server_url"] == platform.url
    assert any(memory_keyring.store.values())  # the token is in the keyring
    qtbot.waitUntil(lambda: "已登录" in panel.status.text(), timeout=5_000)

    progress_seen = []
    panel.progress.valueChanged.connect(progress_seen.append)
    with qtbot.waitSignal(panel.sync_finished, timeout=120_000) as done:
        win.findChild(QAction, "act_sync").trigger()  # F5
        assert panel.is_running() and not panel.sync_button.isEnabled() and panel.cancel_button.isEnabled()
    report = done.args[0]
    assert report.status == "ok" and report.pushed == queued, report.summary()
    assert pending(store) == 0
    assert progress_seen, "no progress was shown"
    # The longest event-loop stall while the round ran: measured by the probe, shown to the user, logged.
    assert panel.last_stall_ms is not None and panel.probe.ticks > 5
    assert "界面最长停顿" not in panel.status.text()  # no internal timing figures on a user screen (issue 17 item 6)
    print(f"sync of {queued} changes: longest event-loop stall {panel.last_stall_ms:.1f} ms "
          f"over {panel.probe.ticks} probe ticks")
    qtbot.waitUntil(lambda: "待上传 0 条" in win.pending_label.text(), timeout=10_000)
    assert "上次同步" in win.sync_label.text()
    assert "成功" in win.sync_label.text()


def test_cancel_stops_a_round_and_keeps_the_queue(qtbot, store, actor, platform, memory_keyring):  # noqa: F811
    # Numbers of its own: the platform keeps 案号 unique per court (issue 13 case register).
    for n in range(1, 41):
        cases.register_case(store, actor, sample_case_input(f"（2026）鲁0102执{9100 + n}号"), today=TODAY)
    queued = pending(store)
    ctx = make_ctx(store)
    ctx.settings.server_url = platform.url
    ctx.settings.court_account = COURTS["鲁0102"][1]
    from execdesk.services.sync import sign_in
    from execdesk.sync.client import run_sync  # the transport round, with its batch-size knob

    sign_in(store, ctx.settings, COURTS["鲁0102"][1], PASSWORD)
    gate = {"calls": 0}

    def slow_first_batch(store_, settings, *, progress=None, cancel=None):
        """The real sync, with the user pressing 取消 once the first batch of 20 has been acknowledged."""
        def on_progress(done, total, text):
            gate["calls"] += 1
            if progress:
                progress(done, total, text)
            if done >= 20 and not gate.get("pressed"):
                gate["pressed"] = True
                # The user clicks 取消: a click delivered to the button on the GUI thread.
                QMetaObject.invokeMethod(panel.cancel_button, "click", Qt.ConnectionType.QueuedConnection)

        from execdesk.sync.client import Limits

        return run_sync(store_, settings, progress=on_progress, cancel=cancel, limits=Limits(batch_changes=20))

    win = MainWindow(ctx)
    qtbot.addWidget(win)
    panel = win.page("sync")
    panel._sync_fn = slow_first_batch
    with qtbot.waitSignal(panel.sync_finished, timeout=60_000) as done:
        panel.start_sync()
    assert done.args[0] is None  # cancelled
    assert "已取消" in panel.progress_text.text()
    left = pending(store)
    assert 0 < left < queued  # what was acknowledged stays done, the rest waits for the next round
    with store.read() as s:
        assert s.scalar(select(SyncRun.status).order_by(SyncRun.id.desc()).limit(1)) == "cancelled"
    with qtbot.waitSignal(panel.sync_finished, timeout=60_000) as again:
        panel._sync_fn = None
        panel.start_sync()
    assert again.args[0].status == "ok" and pending(store) == 0


def test_quarantined_change_is_listed_with_its_reason_and_resolved(qtbot, store, actor):
    """A change the platform rejected (as a sync round stores it) is shown with the reason; 重新上报 queues it
    again under a new change id and the old one is kept, resolved and audited."""
    cid = cases.register_case(store, actor, sample_case_input(), today=TODAY)
    with store.transaction() as s:
        row = s.scalars(select(OutboxEntry).where(OutboxEntry.case_id == cid).order_by(OutboxEntry.local_seq)).first()
        row.state, row.result = "quarantined", {"status": "rejected", "reason": "案号与省平台登记不一致"}
        change_id = row.change_id
    win = MainWindow(make_ctx(store))
    qtbot.addWidget(win)
    panel = win.show_page("sync")
    assert panel.problems.rowCount() == 1
    assert panel.problems.item(0, 3).text() == "案号与省平台登记不一致"
    assert panel.problems.item(0, 1).text() == "（2026）鲁0102执100号"
    panel.problems.selectRow(0)
    refused = on_modal(lambda box: box.accept())  # 保留本地 is for conflicts: the panel says so
    panel.resolve("mine")
    assert refused
    panel.problems.selectRow(0)
    panel.resolve("retry")
    with store.read() as s:
        old = s.scalar(select(OutboxEntry).where(OutboxEntry.change_id == change_id))
        assert old.resolved_at is not None and old.state == "quarantined"
        again = s.scalars(select(OutboxEntry).where(OutboxEntry.entity_id == old.entity_id,
                                                    OutboxEntry.change_id != change_id)).all()
        assert any(r.state == "pending" for r in again)
    assert panel.problems.rowCount() == 0
