"""The desktop application's main flows (issue 6) with real widgets offscreen on a real SQLite file.

Dialogs are filled and their buttons pressed the way a person would; every assertion about data reads the
database back. Rules cited: R1 (终本 after 3 months), R9 (approval route), R16 (6-month limit), R36 (书面说明).
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest
from conftest import TODAY, sample_case_input
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import func, select
from uihelpers import click_button, dispose_widgets, fill_node, make_ctx, on_modal, save  # noqa: F401

from execdesk.models import Case, IssuedDocument, Node, Party, Payment, SupervisionItem
from execdesk.rules.identity import make_credit_code, make_resident_id
from execdesk.services import cases
from execdesk.ui.dialogs import CaseDialog
from execdesk.ui.main_window import MainWindow

APPLICANT_ID = make_resident_id("370102", date(1990, 4, 12), 128)
DEBTOR_CODE = make_credit_code("91370102MA3C1234X")


def count(store, model, *where) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where)) or 0


@pytest.fixture
def win(qtbot, store):
    w = MainWindow(make_ctx(store))
    qtbot.addWidget(w)
    w.show()
    yield w
    for ws in w.workspaces():  # a failed test must not leave a "save changes?" box blocking teardown
        ws.overview.load(ws.view)


def fill_case_dialog(dlg: CaseDialog, number: str, *, applicant_id: str = APPLICANT_ID,
                     filed: date = date(2026, 3, 2)) -> None:
    dlg.number.setText(number)
    dlg.check_number()  # what leaving the field does
    dlg.filed.set_value(filed)
    dlg.received.set_value(filed)
    dlg.cause.setCurrentText("民间借贷纠纷")
    dlg.amount.setText("85,000.00")
    t = dlg.parties
    t.item(0, 2).setText("王芳")
    t.item(0, 3).setText(applicant_id)
    t.cellWidget(1, 1).setCurrentText("法人")
    t.item(1, 2).setText("济南鲁信商贸有限公司")
    t.item(1, 3).setText(DEBTOR_CODE)
    t.item(1, 6).setText("李强")


# ---------------------------------------------------------------- create, validate


def test_create_case_with_ctrl_n_action_saves_and_opens_workspace(win, store):
    act = win.findChild(QAction, "act_new")
    assert act.shortcut() == QKeySequence(QKeySequence.StandardKey.New)
    seen = on_modal(lambda dlg: (fill_case_dialog(dlg, "(2026)鲁0102执200号"), click_button(dlg, "保存")))
    act.trigger()
    assert seen, "the create-case dialog did not open"
    with store.read() as s:
        case = s.scalar(select(Case).where(Case.case_number == "（2026）鲁0102执200号"))
        assert case is not None and case.amount_claimed_fen == 8_500_000
        assert sorted(p.name for p in s.scalars(select(Party).where(Party.case_id == case.id))) == \
            ["济南鲁信商贸有限公司", "王芳"]
    ws = win.current_workspace()
    assert ws is not None and ws.case_id == case.id
    assert win.tabs.tabText(win.tabs.currentIndex()) == "（2026）鲁0102执200号"
    assert win.case_list.model.total == 1


def test_invalid_case_input_shows_chinese_errors_and_saves_nothing(qtbot, store):
    dlg = CaseDialog(make_ctx(store))
    qtbot.addWidget(dlg)
    fill_case_dialog(dlg, "2026鲁0102执1", applicant_id="370102199013011234")
    dlg.amount.setText("12.345")
    dlg.buttons.button(dlg.buttons.StandardButton.Save).click()
    qtbot.waitUntil(lambda: dlg.isEnabled(), timeout=60_000)  # the save ran off the GUI thread and answered
    text = dlg.error.text()
    assert dlg.error.isVisibleTo(dlg)
    assert "案号" in text and "第1位当事人身份证号码" in text and "申请执行标的" in text
    assert dlg.number.property("invalid") is True
    assert dlg.case_id is None and count(store, Case) == 0 and count(store, Party) == 0


def test_duplicate_case_number_is_flagged_when_leaving_the_field(qtbot, store, actor):
    cases.register_case(store, actor, sample_case_input("（2026）鲁0102执100号"), today=TODAY)
    dlg = CaseDialog(make_ctx(store))
    qtbot.addWidget(dlg)
    dlg.number.setText("(2026)鲁0102执100号")
    dlg.check_number()
    assert "已存在" in dlg.number_hint.text()
    dlg.number.setText("（2026）鲁0102执101号")
    dlg.check_number()
    assert "首次执行" in dlg.number_hint.text() and "6个月" in dlg.number_hint.text()


# ---------------------------------------------------------------- workspace: nodes, records, warnings


@pytest.fixture
def case_id(store, actor):
    return cases.register_case(store, actor, sample_case_input(), today=TODAY)


def test_record_and_correct_a_node_append_only(win, store, case_id):
    ws = win.open_case(case_id)
    before_rows = ws.nodes.rowCount()

    def add(dlg):
        fill_node(dlg, "N04", date(2026, 3, 4), {"report_order_on": "2026年3月4日", "service_method": "直接送达"})
        save(dlg)

    on_modal(add)
    ws.button("add_node").click()
    with store.read() as s:
        n04 = s.scalar(select(Node).where(Node.case_id == case_id, Node.code == "N04"))
        assert n04.data == {"report_order_on": "2026-03-04", "service_method": "直接送达"}
    assert ws.nodes.rowCount() == before_rows + 1

    row = next(r for r in range(ws.nodes.rowCount())
               if ws.nodes.item(r, 0).data(Qt.ItemDataRole.UserRole) == n04.id)
    ws.nodes.selectRow(row)

    def correct(dlg):
        dlg.ended.set_value(date(2026, 3, 5))
        dlg.started.set_value(date(2026, 3, 5))
        dlg.reason.setText("送达日期录入错误")
        save(dlg)

    on_modal(correct)
    ws.button("correct_node").click()
    with store.read() as s:
        rows = s.scalars(select(Node).where(Node.case_id == case_id, Node.code == "N04").order_by(Node.seq)).all()
    assert [r.status for r in rows] == ["已更正", "已完成"]
    assert rows[1].corrects_id == rows[0].id and rows[1].ended_on == date(2026, 3, 5)
    assert "送达日期录入错误" in rows[0].description
    assert ws.nodes.rowCount() == before_rows + 2


def test_node_before_filing_is_refused_in_the_dialog(win, store, case_id):
    ws = win.open_case(case_id)
    messages = []

    def bad(dlg):
        fill_node(dlg, "N06", date(2025, 1, 1), {"scopes": ["商业银行"]}, ended=date(2025, 1, 2))
        save(dlg)
        messages.append(dlg.error.text())
        click_button(dlg, "取消")

    nodes_before = count(store, Node, Node.case_id == case_id)
    on_modal(bad)
    ws.button("add_node").click()
    assert messages and "不能早于收案/立案日期" in messages[0]
    assert count(store, Node, Node.case_id == case_id) == nodes_before


def test_invalid_payment_amount_names_the_field_and_saves_nothing(win, store, case_id):
    ws = win.open_case(case_id)
    messages = []

    def pay(dlg):
        fill_node(dlg, "N15", date(2026, 5, 6), {"payment_kind": "到账", "amount": "12.345"})
        save(dlg)
        messages.append(dlg.error.text())
        messages.append(dlg.field("amount").property("invalid"))
        messages.append(dlg.typed.errors["amount"].text())
        click_button(dlg, "取消")

    on_modal(pay)
    ws.record("payment")
    assert "金额" in messages[0] and "两位小数" in messages[0]
    assert messages[1] is True and "两位小数" in messages[2]  # the message under the field itself
    assert count(store, Payment) == 0


def test_payment_is_recorded_in_fen_and_shown(win, store, case_id):
    ws = win.open_case(case_id)
    on_modal(lambda dlg: (fill_node(dlg, "N15", date(2026, 5, 6), {"payment_kind": "到账", "amount": "1,234.56"}),
                          save(dlg)))
    ws.record("payment")
    with store.read() as s:
        assert s.scalar(select(Payment.amount_fen)) == 123456
    assert "1,234.56" in ws.money.text() and "83,765.44" in ws.money.text()


def test_overdue_and_warning_cases_show_banners_list_and_status_bar(qtbot, store, actor):
    """R16: filed 2026-03-02 → limit 2026-09-02, overdue on 2026-11-25; filed 2026-05-30 → due within 10 days."""
    overdue = cases.register_case(store, actor, sample_case_input("（2026）鲁0102执300号"), today=TODAY)
    soon = cases.register_case(store, actor, sample_case_input("（2026）鲁0102执301号", filed_on=date(2026, 5, 30)),
                               today=TODAY)
    win = MainWindow(make_ctx(store))
    qtbot.addWidget(win)
    ws = win.open_case(overdue)
    assert "已超过执行期限" in ws.banner.text() and not ws.banner.isHidden()
    ws2 = win.open_case(soon)
    assert "预警：执行期限届满" in ws2.banner.text() and "还剩 5 天" in ws2.banner.text()
    with store.read() as s:
        from execdesk.models import Deadline

        warned = set(s.scalars(select(Deadline.case_id).where(Deadline.status == "预警")))
    assert warned == {soon}
    qtbot.waitUntil(lambda: "超期 1 件" in win.warning_label.text(), timeout=10_000)  # computed off-thread
    assert "节点超期 1 件" in win.warning_label.text()
    assert "预警 1 件" in win.warning_label.text()
    lst = win.case_list
    lst.scope.setCurrentIndex(lst.scope.findData("all"))

    def show(view: str) -> list[str]:
        for row in range(lst.views.count()):
            if lst.views.item(row).data(Qt.ItemDataRole.UserRole) == view:
                lst.views.setCurrentRow(row)
        return [r.id for r in lst.model.rows]

    assert show("warn5") == [soon] and show("warn10") == [soon]
    # issue 17 item 2: 执行期限已超期 is the execution limit alone (= the report's 超期案件数); the case whose limit
    # still runs but whose node deadline passed is 节点超期, its own view and status-bar figure
    assert show("overdue") == [overdue] and show("node_overdue") == [soon]
    show("open")
    texts = {r.id: lst.model.data(lst.model.index(i, 8)) for i, r in enumerate(lst.model.rows)}
    assert texts[overdue] == "超期84天"  # 2026-09-02 → 2026-11-25
    assert texts[soon] == "节点超期"  # its limit is not past, a node deadline is


def test_search_box_finds_two_character_name_and_opens_with_enter(win, store, actor):
    data = sample_case_input("（2026）鲁0102执400号")
    data.parties[0].name = "张三"
    cases.register_case(store, actor, data, today=TODAY)
    cases.register_case(store, actor, sample_case_input("（2026）鲁0102执401号"), today=TODAY)
    lst = win.case_list
    lst.scope.setCurrentIndex(lst.scope.findData("all"))
    lst.search.setText("张三")
    lst.apply()
    assert [r.case_number for r in lst.model.rows] == ["（2026）鲁0102执400号"]
    assert "张三" in lst.summary.text() and "1 件" in lst.summary.text()
    lst.table.setFocus()
    lst.table.activated.emit(lst.model.index(0, 0))
    assert win.current_workspace().view.case.case_number == "（2026）鲁0102执400号"


def test_case_list_loads_lazily_in_pages(win, store, actor):
    for n in range(1, 231):
        cases.register_case(store, actor, sample_case_input(f"（2026）鲁0102执{n}号"), today=TODAY)
    lst = win.case_list
    lst.scope.setCurrentIndex(lst.scope.findData("all"))
    model = lst.model
    assert model.total == 230 and model.rowCount() == 200 and model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 230 and not model.canFetchMore()
    model.sort(0, Qt.SortOrder.AscendingOrder)
    assert model.rows[0].case_number == "（2026）鲁0102执1号" and model.rowCount() == 200


# ---------------------------------------------------------------- unsaved edits


def test_unsaved_edit_asks_on_close_cancel_discard_and_save(qtbot, store, case_id):
    def open_and_edit():
        w = MainWindow(make_ctx(store))
        qtbot.addWidget(w)
        w.show()
        ws = w.open_case(case_id)
        ws.overview.cause.setFocus()
        ws.overview.cause.end(False)
        qtbot.keyClicks(ws.overview.cause, " 2")  # QTest types ASCII only; a real keystroke edit
        assert ws.has_unsaved_changes()
        return w

    def cause() -> str:
        with store.read() as s:
            return s.get(Case, case_id).cause

    w = open_and_edit()
    seen = on_modal(lambda box: click_button(box, "取消"))
    assert w.close() is False and seen and w.isVisible()
    assert cause() == "民间借贷纠纷"
    on_modal(lambda box: click_button(box, "不保存"))
    assert w.close() is True
    assert cause() == "民间借贷纠纷"

    w = open_and_edit()
    on_modal(lambda box: click_button(box, "保存"))
    assert w.close() is True
    assert cause() == "民间借贷纠纷 2"


def test_invalid_overview_edit_keeps_form_and_writes_nothing(qtbot, win, store, case_id):
    ws = win.open_case(case_id)
    ws.overview.amount.selectAll()
    qtbot.keyClicks(ws.overview.amount, "-5")
    assert ws.save() is False
    assert "申请执行标的" in ws.overview.error.text()
    with store.read() as s:
        assert s.get(Case, case_id).amount_claimed_fen == 8_500_000
    ws.overview.revert_button.click()  # 放弃修改: the form shows the saved values again
    assert not ws.has_unsaved_changes() and ws.overview.amount.text() == "85,000.00"


def test_window_layout_is_remembered(qtbot, store):
    ctx = make_ctx(store)
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.show()
    w.resize(700, 520)  # within the offscreen screen (800×600): restoreGeometry keeps windows on screen
    w.case_list.scope.setCurrentIndex(w.case_list.scope.findData("all"))
    assert w.close()
    assert ctx.settings.window_state["scope"] == "all" and ctx.settings.window_state["geometry"]
    w2 = MainWindow(ctx)
    qtbot.addWidget(w2)
    w2.show()
    assert w2.case_list.scope.currentData() == "all"
    assert (w2.width(), w2.height()) == (700, 520)


def test_standard_shortcuts_are_bound(win):
    expect = {"act_new": QKeySequence.StandardKey.New, "act_find": QKeySequence.StandardKey.Find,
              "act_save": QKeySequence.StandardKey.Save, "act_print": QKeySequence.StandardKey.Print,
              "act_sync": QKeySequence.StandardKey.Refresh}
    for name, key in expect.items():
        assert win.findChild(QAction, name).shortcut() == QKeySequence(key), name
    assert QKeySequence(QKeySequence.StandardKey.Refresh).toString() == "F5"
    win.findChild(QAction, "act_find").trigger()
    assert win.tabs.currentWidget() is win.case_list


# ---------------------------------------------------------------- other screens


def test_supervision_reply_is_saved_and_empty_reply_refused(win, store, case_id):
    with store.transaction() as s:
        s.add(SupervisionItem(id="sup-1", server_seq=1, case_id=case_id, case_number="（2026）鲁0102执100号",
                              kind="督办", title="长期未结案件督办", body="请报告进展", issued_by="市中院执行指挥中心"))
    page = win.show_page("supervision")
    page.table.selectRow(0)
    assert "长期未结案件督办" in page.detail.text()
    page.reply.setPlainText("   ")
    page.save_reply()
    assert "回复内容" in page.error.text()
    with store.read() as s:
        assert s.get(SupervisionItem, "sup-1").state == "已读"  # opening it marked it read
    page.table.selectRow(0)
    page.reply.setPlainText("已完成网络查控，计划12月底前终本。")
    page.save_reply()
    with store.read() as s:
        item = s.get(SupervisionItem, "sup-1")
        assert item.state == "已回复" and item.reply.startswith("已完成网络查控")
        from execdesk.models import OutboxEntry

        queued = s.scalars(select(OutboxEntry).where(OutboxEntry.entity_id == "sup-1")).all()
        assert len(queued) == 1 and queued[0].state == "pending"  # goes up with the next sync


def test_dashboard_exports_excel_that_reads_back(qtbot, win, store, actor, tmp_path):
    cases.register_case(store, actor, sample_case_input("（2026）鲁0102执500号"), today=TODAY)
    page = win.show_page("dashboard")
    qtbot.waitUntil(lambda: page.figures is not None and not page.loading, timeout=20000)
    out = page.export(str(tmp_path / "统计.xlsx"))
    from openpyxl import load_workbook

    wb = load_workbook(out)
    assert wb.sheetnames == ["指标", "承办人", "立案时长"]
    handlers = {row[0].value: row[3].value for row in wb["承办人"].iter_rows(min_row=2)}
    assert handlers == {"张伟": 1}
    names = [row[0].value for row in wb["指标"].iter_rows(min_row=2)]
    assert "执行期限已超期（未结）" in names and len(names) > 4  # the indicator rows of the deadline engine come first


def test_explanation_saved_issued_and_batch_printed(qtbot, win, store, case_id):
    """R36: an overdue case owes a 书面说明; the editor saves it, issues a PDF, and a batch prints them all."""
    page = win.show_page("explanations")
    page.scope.setCurrentIndex(page.scope.findData("all"))
    page.select_case(case_id)
    assert page.current_case_id() == case_id
    page.next_steps.setPlainText("")
    on_modal(lambda box: click_button(box, "确定出具"))  # issue 17 item 8: issuing asks first
    assert page.issue() is None and "下一步" in page.error.text()  # incomplete: refused, nothing issued
    assert count(store, IssuedDocument) == 0
    for i in range(page.reasons.count()):
        if page.reasons.item(i).data(Qt.ItemDataRole.UserRole) == "assistance_pending":
            page.reasons.item(i).setCheckState(Qt.CheckState.Checked)
    page.next_steps.setPlainText("继续查控，约谈申请执行人")
    page.planned_on.set_value(date(2026, 12, 31))
    page.planned_method.setCurrentText("终结本次执行程序")
    asked = on_modal(lambda box: click_button(box, "确定出具"))
    doc_id = page.issue()
    assert asked and "不能修改或删除" in asked[0].text() and "（2026）" in asked[0].text()
    assert doc_id and page.preview.view.page_count() >= 1
    page.preview.close()
    with store.read() as s:
        assert s.get(IssuedDocument, doc_id).kind == "书面说明"
    with qtbot.waitSignal(page.batch_done, timeout=60000) as got:
        page.batch_print()
    with store.read() as s:
        batch = s.get(IssuedDocument, got.args[0])
        assert batch.kind == "书面说明汇总" and batch.meta["cases"] == 1
    page.preview.close()


def test_typed_explanation_survives_refreshes_and_is_never_dropped_silently(qtbot, win, store, actor, case_id):
    """Issue 6 §2/§5 and the brief (nothing typed may be lost): the 书面说明 editor keeps what is typed when the
    screen refreshes (a save elsewhere, a sync, the day's recompute); choosing another case or closing the
    window with unsaved text asks 保存 / 不保存 / 取消."""
    from execdesk.models import Explanation

    other = cases.register_case(store, actor, sample_case_input("（2026）鲁0102执2号"), today=TODAY)
    page = win.show_page("explanations")
    page.scope.setCurrentIndex(page.scope.findData("all"))
    page.select_case(case_id)
    assert page.editing_case == case_id and not page.has_unsaved_changes()
    page.reason_text.setPlainText("被执行人名下房产正在评估，评估报告预计12月出具")
    assert page.has_unsaved_changes()

    win.data_changed.emit()  # e.g. a sync round finished in the background
    assert page.editing_case == case_id and page.reason_text.toPlainText().startswith("被执行人名下房产")

    seen: list[str] = []
    on_modal(lambda box: (seen.append(box.text()), click_button(box, "取消")))
    page.select_case(other)  # another case while typing: 取消 keeps the text and the case
    assert seen and "未保存" in seen[0]
    assert page.current_case_id() == case_id and page.reason_text.toPlainText().startswith("被执行人名下房产")

    on_modal(lambda box: click_button(box, "保存"))
    page.select_case(other)  # 保存 writes the draft of the case being edited, then shows the other one
    assert page.editing_case == other and page.reason_text.toPlainText() == ""
    with store.read() as s:
        saved = s.scalar(select(Explanation).where(Explanation.case_id == case_id))
        assert saved.reason_text == "被执行人名下房产正在评估，评估报告预计12月出具"

    page.next_steps.setPlainText("继续查控")
    closing: list[str] = []
    on_modal(lambda box: (closing.append(box.text()), click_button(box, "取消")))
    win.close()
    assert closing and "书面说明" in closing[0] and win.isVisible()  # closing waits for the clerk's answer
    on_modal(lambda box: click_button(box, "不保存"))
    win.close()
    assert not win.isVisible()
    assert count(store, Explanation, Explanation.case_id == other) == 0  # 不保存: nothing written


# ---------------------------------------------------------------- the process


def test_app_process_starts_offscreen_paints_before_the_orm_loads_and_exits_zero(tmp_path):
    """PLATFORM.md: only a separate process catches a crash at exit (exit 134 on PySide6 6.12 + 3.11)."""
    import os

    db = tmp_path / "gui.sqlite3"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", EXECDESK_DATA_DIR=str(tmp_path / "data"))
    demo = subprocess.run([sys.executable, "-m", "execdesk", "--db", str(db), "demo", "--cases", "40"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert demo.returncode == 0, demo.stderr
    # The process quits once its warm-up is done and reported (EXECDESK_QUIT_WHEN_WARM), however long that takes
    # on a loaded machine; 150 s is only the longest wait (no timed assertion: issue 17, the flake under load).
    env.update(EXECDESK_PROFILE="zhangwei", EXECDESK_QUIT_AFTER_MS="150000", EXECDESK_QUIT_WHEN_WARM="1",
               EXECDESK_REPORT_STARTUP="1")
    r = subprocess.run([sys.executable, "-m", "execdesk", "--db", str(db)], capture_output=True, text=True,
                       env=env, timeout=170)
    assert r.returncode == 0, r.stderr[-3000:]
    ready = dict(field.split("=") for field in
                 next(line for line in r.stdout.splitlines() if line.startswith("EXECDESK_READY")).split()[2:])
    # Issue 6 start-up: the window and the case list's first page are shown before the ORM is imported
    # (docs/decisions.md, item 16); the warm-up imports it afterwards, off the GUI thread.
    assert int(ready["rows"]) > 0 and ready["orm"] == "0", ready
    log_text = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "data" / "logs").glob("*.log*"))
    assert "warm-up imports done" in log_text
    warm_line = next((line for line in r.stdout.splitlines() if line.startswith("EXECDESK_WARM")), None)
    assert warm_line is not None, (r.stdout[-2000:], r.stderr[-2000:])
    warm = dict(field.split("=") for field in warm_line.split()[2:])
    assert int(warm["frozen"]) > 1000  # the start-up objects were moved out of the collector's sight
    # No garbage collection ran between the first paint and the end of the warm-up: a full collection over the
    # start-up objects held the GIL 30–50 ms on the GUI thread (issue 17: the warm-up stall on the demo database).
    assert warm["gc_runs"] == "0", warm
    assert "Traceback" not in r.stderr and "Fatal Python error" not in r.stderr
    assert QMessageBox  # imported for click helpers; keeps linters quiet about the test's own imports


def test_first_start_offers_demo_data_and_loads_it_in_a_worker(qtbot, tmp_path):
    """An empty database: the first-start dialog offers the demo; it loads with a progress dialog."""
    from execdesk.models import User
    from execdesk.models.migrate import open_database
    from execdesk.services.context import Actor
    from execdesk.ui import app as ui_app

    store = open_database(tmp_path / "empty.sqlite3")
    shown: list[str] = []

    def finished(box):
        shown.append(box.text())
        box.accept()

    def choose_demo(dlg):
        # The "演示数据已载入" box that follows — not the progress dialog that may be modal before it on a loaded
        # machine (accepting that one instead left the message box open and the suite hanging: issue 11).
        on_modal(finished, exclude=dlg, tries=30_000,
                 match=lambda w: isinstance(w, QMessageBox) and "演示" in w.text() and "件" in w.text())
        click_button(dlg, "载入演示数据")

    on_modal(choose_demo)
    assert ui_app.first_start(store, Actor.local_system(), demo_cases=25) is True
    qtbot.waitUntil(lambda: bool(shown), timeout=30_000)
    assert "25 件" in shown[0] and "execdesk-demo" in shown[0]
    assert count(store, Case) == 25 and count(store, User) >= 5
    store.close()


def test_sign_in_dialog_checks_the_profile_password(qtbot, store):
    from execdesk.services.profiles import users_by_role
    from execdesk.ui.sign_in import SignInDialog

    with store.read() as s:
        profiles = users_by_role(s)
    dlg = SignInDialog(store, profiles, "zhaolei")
    qtbot.addWidget(dlg)
    assert dlg.profile.currentData() == "zhaolei"  # the last profile used is preselected
    dlg.password.setText("not-the-password")
    dlg.try_accept()
    assert dlg.actor is None and "密码不正确" in dlg.error.text()
    dlg.password.setText("password123")
    dlg.try_accept()
    assert dlg.actor is not None and dlg.actor.username == "zhaolei" and dlg.actor.role == "执行局长"


def test_housekeeping_after_the_first_paint_backs_up_refreshes_deadlines_and_freezes_startup_objects(qtbot, store,
                                                                                                 actor,
                                                                                                 monkeypatch):
    """After the window is shown, off the GUI thread: the warm-up imports, today's automatic backup (issue 2 §4,
    never on the start-up path), the deadline refresh for a new day (issue 3: warning levels move with the date)
    and gc.freeze() of everything loaded so far, so that no full garbage collection walks it with the GIL held
    in the middle of a sync (issue 6: it was the longest event-loop stall of a 100,000-change sync). The freeze is
    recorded here, not done: freezing this long-lived test process (and unfreezing it) changed the order in which
    later tests' Qt wrappers were collected; the real freeze is checked in the app process test above."""
    import gc
    import json

    from execdesk.models.backup import backups_dir
    from execdesk.services import derived
    from execdesk.ui import app as ui_app

    for n in (1, 2, 3):
        cases.register_case(store, actor, sample_case_input(f"（2026）鲁0102执{n}号"), today=TODAY)
    win = MainWindow(make_ctx(store))
    qtbot.addWidget(win)
    win.show()
    win.case_list.table.selectRow(1)
    chosen = win.case_list.selected_case_id()
    reloads: list[bool] = []
    win.case_list.model.modelReset.connect(lambda: reloads.append(True))
    freezes: list[bool] = []
    monkeypatch.setattr(gc, "freeze", lambda: freezes.append(True))
    state = derived._state_path()
    state.unlink(missing_ok=True)  # as on the first start of a day
    task = ui_app.start_housekeeping(win, store)
    steps: list[str] = []
    task.progress.connect(lambda _d, _t, step: steps.append(step))
    with qtbot.waitSignal(task.done, timeout=120_000):
        pass
    assert ui_app.WARM_UP_DONE in steps and freezes == [True]
    assert list(backups_dir(store.path).glob(f"{store.path.stem}.daily.*.sqlite3"))
    recorded = json.loads(state.read_text(encoding="utf-8"))
    assert str(store.path.resolve()) in recorded  # the day's recompute ran and was recorded
    # ... and the list was re-read to show the day's warnings, keeping the clerk's selected case
    assert reloads and win.case_list.selected_case_id() == chosen
