"""日常文书 from the case workspace (issue 16), on a real widget tree: choose the kind → preview → approve → issue;
the batch in a worker with progress and 取消 (nothing stored, nothing written); the 送签包 out and the sealed PDF
back in (a tampered one refused). Rendering runs in workers: the tests wait for the results, never for time.
"""

from __future__ import annotations

import pytest
from conftest import TODAY, sample_case_input
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QPushButton
from routine_fixtures import make_data_dir, overwrite_page, seal
from uihelpers import make_ctx
from zb_fixtures import add_judge, make_ready_case

from execdesk.rules.errors import ValidationError
from execdesk.services import cases
from execdesk.services import routine_documents as rd
from execdesk.ui.case_workspace import CaseWorkspace
from execdesk.ui.routine_documents import RoutineDocumentsDialog


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    return make_data_dir(tmp_path, monkeypatch)


@pytest.fixture
def case(store, actor, data_dir):
    add_judge(store, actor)
    return make_ready_case(store, actor)


def choose(combo, text: str) -> None:
    i = combo.findText(text)
    assert i >= 0, f"{text} not offered"
    combo.setCurrentIndex(i)


def test_issue_a_notice_from_the_case_workspace(qtbot, store, case, screenshot_dir):
    ctx = make_ctx(store)
    ws = CaseWorkspace(ctx, case)
    qtbot.addWidget(ws)
    ws.findChild(QPushButton, "routineDocuments").click()
    dlg = ws.routine_documents
    assert isinstance(dlg, RoutineDocumentsDialog) and dlg.isVisible()
    choose(dlg.kind, "执行通知书")
    dlg.preview_button.click()
    qtbot.waitUntil(lambda: dlg.last_draft is not None, timeout=30000)
    assert "可以出具" in dlg.status.text() and dlg.last_draft.kind == "执行通知书"
    with qtbot.waitSignal(dlg.issued, timeout=30000):
        dlg.issue_button.click()
    assert "已出具执行通知书第1版" in dlg.status.text()
    assert dlg.issued_table.rowCount() == 1 and dlg.issued_table.item(0, 0).text() == "执行通知书"
    dlg.resize(1100, 760)
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # the draft's page images, replaced
    QApplication.processEvents()  # and the layout of the issued pages
    dlg.grab().save(str(screenshot_dir / "routine_documents.png"))


def test_a_document_that_needs_approval_is_approved_in_the_dialog_then_issued(qtbot, store, case):
    ctx = make_ctx(store)
    dlg = RoutineDocumentsDialog(ctx, case)
    qtbot.addWidget(dlg)
    choose(dlg.kind, "纳入失信被执行人名单决定书")
    assert not dlg.subject.isHidden() and dlg.subject.count() == 1 and not dlg.approval.isHidden()
    dlg.issue_button.click()
    qtbot.waitUntil(lambda: "尚未完成审批" in dlg.status.text(), timeout=30000)
    dlg.approver.setText("zhangwei")  # the case's own 承办人 may not approve
    dlg.password.setText("password123")
    dlg.approve_button.click()  # checked in a worker; the password field is cleared at once
    assert dlg.password.text() == ""
    qtbot.waitUntil(lambda: "须由执行局长、副院长、院长签署" in dlg.status.text(), timeout=30000)
    qtbot.waitUntil(dlg.approve_button.isEnabled, timeout=30000)
    dlg.approver.setText("zhaolei")
    dlg.password.setText("password123")
    dlg.opinion.setText("同意纳入")
    dlg.approve_button.click()
    qtbot.waitUntil(lambda: "审批已完成" in dlg.status.text(), timeout=30000)
    with qtbot.waitSignal(dlg.issued, timeout=30000):
        dlg.issue_button.click()
    assert "（2026）鲁0102执100号之二" in dlg.status.text()


def test_typed_fields_appear_per_kind(qtbot, store, case):
    dlg = RoutineDocumentsDialog(make_ctx(store), case)
    qtbot.addWidget(dlg)
    choose(dlg.kind, "解除限制消费令")
    assert set(dlg.field_edits) == {"release_reason"}
    dlg.field_edits["release_reason"].setText("被执行人已履行完毕")
    assert dlg.options() == {"release_reason": "被执行人已履行完毕"}
    choose(dlg.kind, "执行通知书")
    assert dlg.field_edits == {} and dlg.subject.isHidden()


def test_seal_package_out_and_sealed_pdf_back_in(qtbot, store, actor, case, tmp_path):
    r = rd.issue(store, actor, "执行通知书", case, today=TODAY)
    dlg = RoutineDocumentsDialog(make_ctx(store), case)
    qtbot.addWidget(dlg)
    dlg.issued_table.selectRow(0)
    dlg.package_target.setText(str(tmp_path / "pkg.zip"))
    dlg.export_button.click()
    assert "已生成送签包" in dlg.seal_status.text() and (tmp_path / "pkg.zip").is_file()
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(overwrite_page(r.pdf))
    dlg.sealed_file.setText(str(bad))
    dlg.import_button.click()
    assert "签章件未导入" in dlg.seal_status.text() and "第1页的内容与原件不同" in dlg.seal_status.text()
    good = tmp_path / "good.pdf"
    good.write_bytes(seal(r.pdf))
    dlg.sealed_file.setText(str(good))
    with qtbot.waitSignal(dlg.issued, timeout=10000):
        dlg.import_button.click()
    assert "已核验并保存签章件：执行通知书签章件第1版" in dlg.seal_status.text()
    assert dlg.issued_table.item(0, 0).text() == "执行通知书签章件"


def _today_cases(store, actor, n=3):
    return [cases.register_case(store, actor, sample_case_input(f"（2026）鲁0102执{300 + i}号", filed_on=TODAY),
                                today=TODAY) for i in range(n)]


def test_batch_in_a_worker_then_cancel_writes_nothing(qtbot, store, actor, case, tmp_path):
    ids = _today_cases(store, actor)
    dlg = RoutineDocumentsDialog(make_ctx(store), case)
    qtbot.addWidget(dlg)
    panel = dlg.batch
    choose(panel.kind, "执行通知书")
    panel.out_dir.setText(str(tmp_path / "cancelled"))
    panel.run()
    assert panel.cancel_button.isEnabled() and not panel.start_button.isEnabled()
    with qtbot.waitSignal(panel.finished, timeout=60000) as blocker:
        panel.cancel()
    assert blocker.args == [None] and "已取消" in panel.label.text()
    assert not (tmp_path / "cancelled").exists()
    assert all(not rd.issued_list(store, cid) for cid in ids)
    # Then the whole batch: one PDF per case and one print file.
    panel.out_dir.setText(str(tmp_path / "out"))
    with qtbot.waitSignal(panel.finished, timeout=120000) as blocker:
        panel.run()
    result = blocker.args[0]
    assert [i.state for i in result.items] == ["新出具"] * 3 and result.print_file.is_file()
    assert panel.table.rowCount() == 3 and panel.progress.value() == panel.progress.maximum()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        [i.path.name for i in result.items] + [result.print_file.name])


def test_batch_of_listed_case_numbers_reports_an_unknown_number(qtbot, store, case, tmp_path):
    dlg = RoutineDocumentsDialog(make_ctx(store), case)
    qtbot.addWidget(dlg)
    panel = dlg.batch
    panel.listed_cases.setChecked(True)
    panel.numbers.setPlainText("（2026）鲁0102执999号")
    panel.out_dir.setText(str(tmp_path / "x"))
    panel.run()
    assert "999" in panel.label.text() and panel.start_button.isEnabled()
    assert not (tmp_path / "x").exists()
    assert rd.issued_list(store, case) == []


def test_a_broken_court_template_is_named_at_start_up_and_the_window_stays_usable(qtbot, store, case, data_dir,
                                                                                 monkeypatch, screenshot_dir):
    """Issue 16 §6: every template is checked at start-up, off the GUI thread (the housekeeping worker after the
    first paint). A court's copy naming an unknown field is told in Chinese — the file and the field — in a
    non-modal box; the program goes on (backup, deadlines) and the other documents still work."""
    import gc

    from PySide6.QtWidgets import QMessageBox

    from execdesk.resources import resource_path
    from execdesk.ui import app as ui_app
    from execdesk.ui.main_window import MainWindow

    src = (resource_path("templates") / "notice.toml").read_text(encoding="utf-8")
    (data_dir / "templates" / "notice.toml").write_text(src.replace("{debtors}：", "{debtor_spouse}：", 1),
                                                        encoding="utf-8")
    win = MainWindow(make_ctx(store))
    qtbot.addWidget(win)
    win.show()
    monkeypatch.setattr(gc, "freeze", lambda: None)  # (the real freeze is checked in the app process test)
    task = ui_app.start_housekeeping(win, store)
    steps: list[str] = []
    task.progress.connect(lambda _d, _t, step: steps.append(step))
    finished: list = []
    task.finished.connect(finished.append)
    with qtbot.waitSignal(task.done, timeout=120_000):
        pass
    assert ui_app.TEMPLATES_CHECKED in steps and finished  # the housekeeping went on to its end
    box = win.findChild(QMessageBox, "templateProblems")
    assert box is not None and box.isVisible() and not box.isModal()
    assert "用户模板 templates/notice.toml" in box.text() and "未知字段“debtor_spouse”" in box.text()
    assert "其他文书和功能照常使用" in box.text() and "可用的字段" not in box.text()  # the long list: not here
    assert win.isEnabled() and win.isVisible()
    box.grab().save(str(screenshot_dir / "template_problems.png"))
    box.close()
    # The broken kind cannot be made; every other one still can.
    with pytest.raises(ValidationError, match="debtor_spouse"):
        rd.draft(store, "执行通知书", case, today=TODAY)
    assert rd.draft(store, "报告财产令", case, today=TODAY).pdf.startswith(b"%PDF")
    # The 日常文书 window still opens with every kind listed and the problem in red.
    dlg = RoutineDocumentsDialog(make_ctx(store), case)
    qtbot.addWidget(dlg)
    assert dlg.kind.count() == len(rd.SLUGS)
    qtbot.waitUntil(lambda: not dlg.problems.isHidden(), timeout=30000)  # checked in a worker
    assert "未知字段“debtor_spouse”" in dlg.problems.text()


def test_all_templates_good_no_start_up_notice(qtbot, store, data_dir, monkeypatch):
    import gc

    from PySide6.QtWidgets import QMessageBox

    from execdesk.ui import app as ui_app
    from execdesk.ui.main_window import MainWindow

    win = MainWindow(make_ctx(store))
    qtbot.addWidget(win)
    monkeypatch.setattr(gc, "freeze", lambda: None)
    task = ui_app.start_housekeeping(win, store)
    with qtbot.waitSignal(task.done, timeout=120_000):
        pass
    assert win.findChild(QMessageBox, "templateProblems") is None


def test_the_preview_pages_are_rendered_in_the_worker_not_on_the_gui_thread(qtbot, store, case, monkeypatch):
    """Rendering a document's pages takes 100–400 ms (QtPdf): the preview and the issued copy are rendered in the
    worker that made them, so the window never waits for it (issue 16: longest GUI stall ≤ 50 ms)."""
    import threading

    from execdesk.ui import pdf_view
    from execdesk.ui import routine_documents as ui_rd

    threads: list[bool] = []
    real = pdf_view.render_pages

    def recording(data, dpi=96, **kw):  # the real renderer; records on which thread it ran
        threads.append(threading.current_thread() is threading.main_thread())
        return real(data, dpi, **kw)

    monkeypatch.setattr(ui_rd, "render_pages", recording)
    monkeypatch.setattr(pdf_view, "render_pages", recording)
    dlg = RoutineDocumentsDialog(make_ctx(store), case)
    qtbot.addWidget(dlg)
    choose(dlg.kind, "报告财产令")
    dlg.preview_button.click()
    qtbot.waitUntil(lambda: dlg.last_draft is not None, timeout=30000)
    with qtbot.waitSignal(dlg.issued, timeout=30000):
        dlg.issue_button.click()
    assert threads == [False, False] and dlg.view.page_count() >= 1
