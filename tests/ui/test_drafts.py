"""Typed, unsaved text survives a crash or a power cut (the brief: nothing they type may ever be lost; issue 6 §2:
unsaved edits are never lost silently). The crash is the process ending without any close or save: the next
start is a new window on the same database file, which offers the text back."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import TODAY, sample_case_input
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QMessageBox
from uihelpers import click_button, dispose_widgets, make_ctx, on_modal  # noqa: F401  (autouse fixture)

from execdesk.models import Case, Explanation
from execdesk.services import cases
from execdesk.ui.drafts import DraftJournal
from execdesk.ui.main_window import MainWindow


@pytest.fixture
def case_id(store, actor):
    return cases.register_case(store, actor, sample_case_input(), today=TODAY)


def start(qtbot, store) -> MainWindow:
    win = MainWindow(make_ctx(store))
    qtbot.addWidget(win)
    win.show()
    return win


def type_chinese(widget, text: str) -> None:
    """What a Chinese input method does when the clerk picks the characters: commit them to the widget."""
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def forget_unsaved(win: MainWindow) -> None:
    """What dies with the crashed process: the window's in-memory edits (so teardown asks nothing)."""
    for ws in win.workspaces():
        ws.overview.load(ws.view)
    page = win.pages.get("explanations")
    if page is not None:
        page._loaded = page.values()


def test_case_edits_typed_before_a_crash_are_offered_back_and_saved(qtbot, store, case_id):
    crashed = start(qtbot, store)
    ws = crashed.open_case(case_id)
    type_chinese(ws.overview.cause, "（含利息）")
    journal = crashed.ctx.drafts
    qtbot.waitUntil(lambda: bool(journal.drafts("zhangwei")), timeout=5_000)  # ~1 s after the last key
    forget_unsaved(crashed)
    with store.read() as s:
        assert s.get(Case, case_id).cause == "民间借贷纠纷"  # nothing was saved

    win = start(qtbot, store)  # the next start
    texts: list[str] = []
    on_modal(lambda box: (texts.append(box.text()), click_button(box, "恢复")))
    assert win.offer_recovery() == [f"case:{case_id}"]
    assert "（2026）鲁0102执100号" in texts[0] and "没有正常退出" in texts[0]
    restored = win.workspaces()[0]
    assert restored.overview.cause.text() == "民间借贷纠纷（含利息）" and restored.has_unsaved_changes()
    assert restored.save()
    with store.read() as s:
        assert s.get(Case, case_id).cause == "民间借贷纠纷（含利息）"
    assert journal.drafts() == []  # saved: nothing left to recover


def test_explanation_text_typed_before_a_crash_is_offered_back(qtbot, store, case_id):
    crashed = start(qtbot, store)
    page = crashed.show_page("explanations")
    page.scope.setCurrentIndex(page.scope.findData("all"))
    page.select_case(case_id)
    page.reason_text.setPlainText("被执行人长期在外务工，下落不明，已申请公告")
    page.planned_on.set_value(date(2026, 12, 31))
    qtbot.waitUntil(lambda: bool(crashed.ctx.drafts.drafts()), timeout=5_000)
    forget_unsaved(crashed)

    win = start(qtbot, store)
    on_modal(lambda box: click_button(box, "恢复"))
    assert win.offer_recovery() == [f"explanation:{case_id}"]
    restored = win.page("explanations")
    assert win.tabs.currentWidget() is restored and restored.editing_case == case_id
    assert restored.reason_text.toPlainText() == "被执行人长期在外务工，下落不明，已申请公告"
    assert restored.planned_on.value() == date(2026, 12, 31) and restored.has_unsaved_changes()
    assert restored.save()
    with store.read() as s:
        assert s.query(Explanation).filter_by(case_id=case_id).one().reason_text.startswith("被执行人长期在外务工")
    assert win.ctx.drafts.drafts() == []


def test_declining_recovery_or_choosing_not_to_save_leaves_nothing_behind(qtbot, store, case_id):
    crashed = start(qtbot, store)
    ws = crashed.open_case(case_id)
    type_chinese(ws.overview.notes, "电话联系申请执行人")
    journal = crashed.ctx.drafts
    qtbot.waitUntil(lambda: bool(journal.drafts()), timeout=5_000)
    forget_unsaved(crashed)
    win = start(qtbot, store)
    on_modal(lambda box: click_button(box, "放弃"))
    assert win.offer_recovery() == [] and journal.drafts() == []

    ws = win.open_case(case_id)
    type_chinese(ws.overview.notes, "再次联系")
    ws.draft.flush()
    assert journal.drafts()
    on_modal(lambda box: click_button(box, "不保存"))
    assert win.close_tab(win.tabs.indexOf(ws))
    assert journal.drafts() == []  # 不保存 is a decision, not a loss


def test_two_explanations_recovered_one_at_a_time_none_dropped(qtbot, store, actor, case_id):
    """The editor holds one case's text: a second recovered 书面说明 stays in the journal for the next start."""
    other = cases.register_case(store, actor, sample_case_input("（2026）鲁0102执2号"), today=TODAY)
    journal = DraftJournal(store.path)
    journal.put(f"explanation:{case_id}", "书面说明（一）", "zhangwei", {"reason_text": "第一件的说明"})
    journal.put(f"explanation:{other}", "书面说明（二）", "zhangwei", {"reason_text": "第二件的说明"})
    win = start(qtbot, store)
    on_modal(lambda box: click_button(box, "恢复"))
    assert win.offer_recovery() == [f"explanation:{case_id}"]  # no "save?" question in the middle
    assert win.page("explanations").reason_text.toPlainText() == "第一件的说明"
    assert "下次启动时会再次询问" in win.statusBar().currentMessage()
    assert {d.key for d in journal.drafts()} == {f"explanation:{case_id}", f"explanation:{other}"}
    forget_unsaved(win)


def test_only_the_person_who_typed_is_offered_the_text(qtbot, store, case_id):
    journal = DraftJournal(store.path)
    journal.put(f"case:{case_id}", "案件 （2026）鲁0102执100号 的修改", "zhaolei", {"cause": "买卖合同纠纷"})
    win = start(qtbot, store)  # signed in as zhangwei
    assert win.offer_recovery() == [] and QMessageBox  # no question asked
    assert [d.username for d in journal.drafts()] == ["zhaolei"]  # kept for zhaolei's next start
    ws = win.open_case(case_id)  # zhangwei edits and saves the same case: zhaolei's text is still kept
    type_chinese(ws.overview.notes, "张伟的备注")
    ws.draft.flush()
    assert ws.save()
    assert [(d.username, d.values) for d in journal.drafts()] == [("zhaolei", {"cause": "买卖合同纠纷"})]


def test_journal_writes_whole_files_and_sets_an_unreadable_one_aside(tmp_path):
    journal = DraftJournal(tmp_path / "court.sqlite3", directory=tmp_path / "drafts")
    journal.put("case:1", "案件一", "zhangwei", {"assigned_on": date(2026, 3, 4), "amount_claimed": "85,000.00"})
    journal.put("case:2", "案件二", "zhangwei", {"notes": "备注"})
    assert [d.key for d in journal.drafts()] == ["case:1", "case:2"]
    assert journal.drafts()[0].values == {"assigned_on": date(2026, 3, 4), "amount_claimed": "85,000.00"}
    assert not list((tmp_path / "drafts").glob("*.tmp"))  # replaced whole, no temporary left
    journal.drop("case:1", "zhangwei")
    journal.drop("case:2", "zhangwei")
    assert not journal.path.exists()
    journal.path.parent.mkdir(parents=True, exist_ok=True)
    journal.path.write_text("{ half a file", encoding="utf-8")  # e.g. a disk failing mid-write elsewhere
    assert journal.drafts() == []
    assert journal.path.with_suffix(".bad").exists()  # kept for IT, not silently deleted
