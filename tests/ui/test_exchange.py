"""Import and export of case files from the desktop (issue 6 §9: long work such as import in a worker with
progress and cancel; docs/data-format.md). Real files, real databases, the window's own actions."""

from __future__ import annotations

import json

from conftest import TODAY, sample_case_input
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import func, select
from uihelpers import dispose_widgets, make_ctx, on_modal  # noqa: F401  (autouse fixture)

from execdesk.models import AuditEntry, Case, Party
from execdesk.models.migrate import open_database
from execdesk.services import cases
from execdesk.services.accounts import create_user, ensure_court
from execdesk.ui.main_window import MainWindow


def count(store, model) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def window(qtbot, store) -> MainWindow:
    win = MainWindow(make_ctx(store))
    qtbot.addWidget(win)
    win.show()
    return win


def other_court_database(tmp_path, actor):
    """A second desktop (another clerk's PC): same court, no cases yet."""
    store = open_database(tmp_path / "other.sqlite3")
    ensure_court(store, actor, code="鲁0102", name="济南市历下区人民法院")
    create_user(store, actor, username="zhangwei", display_name="张伟", role="承办人", password="password123")
    return store


def answer_message_box(texts: list[str]) -> None:
    """Note the text of the next message box and close it (the progress dialog, if shown first, is skipped)."""
    def act(w) -> None:
        if isinstance(w, QMessageBox):
            texts.append(w.text())
            w.accept()
        else:
            on_modal(act, exclude=w)

    on_modal(act)


def test_export_all_then_import_on_another_desktop_shows_the_cases(qtbot, store, actor, tmp_path):
    for n in (1, 2, 3):
        cases.register_case(store, actor, sample_case_input(f"（2026）鲁0102执{n}号"), today=TODAY)
    win = window(qtbot, store)
    assert win.findChild(QAction, "act_import") and win.findChild(QAction, "act_export_all")
    path = tmp_path / "执行案件.json"
    with qtbot.waitSignal(win.case_exchange().exported, timeout=30_000) as exported:
        win.case_exchange().export_file(path)
    assert exported.args == [3, str(path)]
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert sorted(c["case"]["case_number"] for c in doc["cases"]) == [f"（2026）鲁0102执{n}号" for n in (1, 2, 3)]
    assert "已导出 3 件案件" in win.statusBar().currentMessage()

    other = other_court_database(tmp_path, actor)
    win2 = window(qtbot, other)
    assert win2.case_list.model.total == 0
    with qtbot.waitSignal(win2.case_exchange().imported, timeout=60_000) as imported:
        win2.case_exchange().import_file(path)
    assert imported.args == [3]
    assert count(other, Case) == 3 and count(other, Party) == count(store, Party)
    qtbot.waitUntil(lambda: win2.case_list.model.total == 3, timeout=10_000)  # the list shows them at once
    assert "已从 执行案件.json 导入 3 件案件" in win2.statusBar().currentMessage()
    other.close()


def test_export_selected_case_only(qtbot, store, actor, tmp_path):
    for n in (1, 2):
        cases.register_case(store, actor, sample_case_input(f"（2026）鲁0102执{n}号"), today=TODAY)
    win = window(qtbot, store)
    win.case_list.table.selectRow(1)
    number = win.case_list.selected_case_number()
    path = tmp_path / "one.json"
    with qtbot.waitSignal(win.case_exchange().exported, timeout=30_000):
        win.case_exchange().export_file(path, [number])
    assert [c["case"]["case_number"] for c in json.loads(path.read_text(encoding="utf-8"))["cases"]] == [number]


def test_a_bad_record_imports_nothing_and_says_which_record_and_why(qtbot, store, actor, tmp_path):
    """Bad input gets a clear Chinese error message, and nothing is half-written (brief; ID check by GB 11643)."""
    cases.register_case(store, actor, sample_case_input("（2026）鲁0102执1号"), today=TODAY)
    cases.register_case(store, actor, sample_case_input("（2026）鲁0102执2号"), today=TODAY)
    path = tmp_path / "bad.json"
    win = window(qtbot, store)
    with qtbot.waitSignal(win.case_exchange().exported, timeout=30_000):
        win.case_exchange().export_file(path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    for n, rec in enumerate(doc["cases"]):  # as if from another court's file: new numbers, one broken ID number
        rec["case"]["case_number"] = f"（2026）鲁0102执{100 + n}号"
    debtor = next(p for p in doc["cases"][1]["parties"] if p["kind"] == "自然人")
    debtor["id_number"] = debtor["id_number"][:-1] + ("0" if debtor["id_number"][-1] != "0" else "1")
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    before = (count(store, Case), count(store, AuditEntry))

    texts: list[str] = []
    answer_message_box(texts)
    with qtbot.waitSignal(win.case_exchange().refused, timeout=30_000) as refused:
        win.case_exchange().import_file(path)
    qtbot.waitUntil(lambda: bool(texts), timeout=10_000)
    assert "没有导入任何案件" in refused.args[0] and "第2件案件" in refused.args[0] and "身份证" in refused.args[0]
    assert texts[0] == refused.args[0]
    assert (count(store, Case), count(store, AuditEntry)) == before


def test_cancelling_an_import_imports_nothing(qtbot, store, actor, tmp_path):
    for n in range(1, 61):
        cases.register_case(store, actor, sample_case_input(f"（2026）鲁0102执{n}号"), today=TODAY)
    win = window(qtbot, store)
    path = tmp_path / "many.json"
    with qtbot.waitSignal(win.case_exchange().exported, timeout=60_000):
        win.case_exchange().export_file(path)
    other = other_court_database(tmp_path, actor)
    win2 = window(qtbot, other)
    task = win2.case_exchange().import_file(path)
    with qtbot.waitSignal(task.cancelled, timeout=60_000):
        task.cancel()  # the 取消 of the progress dialog
    assert count(other, Case) == 0 and count(other, Party) == 0  # one transaction: all or nothing
    other.close()
