"""The clerk's day (issue 17): 我的案件 by role, 今日待办 first after sign-in, the figures that agree.

Real widgets offscreen on a real SQLite file; data written through the services and read back.
Rules cited: R16 (execution limit 6 months), R23 (查控 node limit), R24 (leads verified within 7 days),
R26 (seal expiries), R9 (approval route), R36 (overdue cases).
"""

from __future__ import annotations

from datetime import date

import pytest
from conftest import TODAY, sample_case_input
from PySide6.QtCore import Qt
from uihelpers import dispose_widgets, make_ctx  # noqa: F401  (autouse fixture)

from execdesk.services import cases
from execdesk.services.accounts import create_user
from execdesk.services.profiles import my_cases
from execdesk.services.search import CaseQuery, list_cases, status_summary, view_counts
from execdesk.services.today import today_items
from execdesk.ui.main_window import MainWindow


@pytest.fixture
def two_clerks(store, actor):
    """Case A: handler 张伟, clerk 刘洋; case B: handler 张伟, clerk 陈静; case C: no handler, clerk 陈静."""
    create_user(store, actor, username="chenjing", display_name="陈静", role="书记员", password="password123")
    a = cases.register_case(store, actor, sample_case_input("（2026）鲁0102执100号"), today=TODAY)
    b = cases.register_case(store, actor, sample_case_input("（2026）鲁0102执101号", clerk_username="chenjing"),
                            today=TODAY)
    c = cases.register_case(store, actor, sample_case_input("（2026）鲁0102执102号", clerk_username="chenjing",
                                                            handler_username=None), today=TODAY)
    return {"a": a, "b": b, "c": c}


def _window(qtbot, store, username):
    w = MainWindow(make_ctx(store, username))
    qtbot.addWidget(w)
    w.show()
    return w


# ---------------------------------------------------------------- item 1: 我的案件 per role


@pytest.mark.parametrize("username, expected, label", [
    ("liuyang", {"a"}, "我的案件（书记员）"),  # a clerk: the cases where they are 书记员 (before: 0 cases)
    ("chenjing", {"b", "c"}, "我的案件（书记员）"),
    ("zhangwei", {"a", "b"}, "我的案件"),  # a 承办人: the cases they handle
    ("zhaolei", {"a", "b", "c"}, "本局案件"),  # a 执行局长: the bureau's cases
])
def test_my_cases_follow_the_role(qtbot, store, two_clerks, username, expected, label):
    win = _window(qtbot, store, username)
    lst = win.case_list
    assert lst.scope.currentData() == "mine" and lst.scope.currentText() == label
    assert {r.id for r in lst.model.rows} == {two_clerks[k] for k in expected}
    qtbot.waitUntil(lambda: lst.views.item(0).text().endswith(f"（{len(expected)}）"), timeout=10_000)
    assert label in win.warning_label.text() or not win.warning_label.text()


def test_my_cases_scope_in_the_service_for_a_clerk(store, two_clerks):
    """The service half: the clerk's scope filters on cases.clerk_id in list, counts and status bar alike."""
    with store.query() as con:
        from execdesk.services.profiles import find_profile

        clerk = find_profile(con, "liuyang")
        mine = my_cases(clerk.role, clerk.id)
        assert mine.clerk_id == clerk.id and mine.handler_id is None
        rows = list_cases(con, CaseQuery(view="all", clerk_id=mine.clerk_id))
        counts = view_counts(con, today=TODAY, clerk_id=mine.clerk_id)
        st = status_summary(con, today=TODAY, clerk_id=mine.clerk_id)
    assert [r.id for r in rows] == [two_clerks["a"]]
    assert counts["all"] == 1 and counts["open"] == 1
    assert st.overdue == 1  # filed 2026-03-02: the 6-month limit (R16) passed 2026-09-02


# ---------------------------------------------------------------- item 2: 今日待办


@pytest.fixture
def busy_day(store, actor):
    """A day's work for 张伟 (承办人) / 刘洋 (书记员) on 2026-11-25:
    overdue case (limit 2026-09-02, R16); a recent case whose 查控 node is due (R23); a lead given 2026-11-20
    (verify within 7 days, R24: due 2026-11-27); a seal expiring 2026-12-01 (R26 warning window)."""
    old = cases.register_case(store, actor, sample_case_input("（2026）鲁0102执300号"), today=TODAY)
    recent = cases.register_case(store, actor, sample_case_input(
        "（2026）鲁0102执301号", filed_on=date(2026, 10, 20)), today=TODAY)
    cases.record_lead(store, actor, recent, source="申请执行人", content="被执行人在历城区有一处房产",
                      given_on=date(2026, 11, 20), today=TODAY)
    cases.record_measure(store, actor, recent, kind="冻结", asset_kind="存款", started_on=date(2026, 10, 25),
                         expires_on=date(2026, 12, 1), today=TODAY)
    return {"old": old, "recent": recent}


def test_today_lists_everything_due_most_urgent_first(store, busy_day):
    with store.query() as con:
        from execdesk.services.profiles import find_profile

        me = find_profile(con, "zhangwei")
        items = today_items(con, user_id=me.id, role=me.role, handler_id=me.id, today=TODAY)
    whats = [i.what for i in items]
    dues = [i.due_on for i in items if i.due_on]
    assert dues == sorted(dues), "by how soon"
    assert items[0].case_id == busy_day["old"] and items[0].due_on < TODAY  # the most overdue first
    assert any("执行期限" in w for w in whats)
    lead = next(i for i in items if "线索" in i.what)
    assert lead.due_on == date(2026, 11, 27) and lead.target == "case:property"  # R24: 7 days
    seal = next(i for i in items if "冻结届满" in i.what)
    assert seal.due_on == date(2026, 12, 1) and seal.target == "case:measures"
    assert all(i.case_number for i in items)


def test_today_is_the_first_screen_and_enter_opens_the_task(qtbot, store, busy_day):
    win = _window(qtbot, store, "liuyang")  # the clerk of both cases
    page = win.today_page
    assert win.tabs.currentWidget() is page and win.tabs.tabText(0) == "今日待办"
    assert page.model.rowCount() >= 3
    heading = page.heading.text()
    assert "刘洋" in heading and "已超期" in heading
    first = page.model.items[0]
    assert page.model.data(page.model.index(0, 0)).startswith("已超期")
    assert page.model.data(page.model.index(0, 2)) == "（2026）鲁0102执300号"
    # the lead line: Enter goes to the case's 财产 tab, the focus on the button that records it
    row = next(r for r, i in enumerate(page.model.items) if "线索" in i.what)
    page.table.setFocus()
    page.table.selectRow(row)
    from PySide6.QtTest import QTest

    QTest.keyClick(page.table, Qt.Key.Key_Return)
    ws = win.current_workspace()
    assert ws is not None and ws.case_id == busy_day["recent"]
    assert ws.tabs.tabText(ws.tabs.currentIndex()) == "财产"
    assert first.case_id == busy_day["old"]
    win.show_today()
    assert win.tabs.currentWidget() is page


def test_status_bar_list_views_and_report_agree_on_overdue(qtbot, store, busy_day, actor):
    """The status bar's 超期, the list's 执行期限已超期 and 统计's 超期案件数 (open part) are one number; cases with
    only a node deadline passed are 节点超期 everywhere (before: 已超期 16 vs 超期案件数 14, unexplained)."""
    win = _window(qtbot, store, "zhaolei")  # the bureau's figures
    lst = win.case_list
    qtbot.waitUntil(lambda: "超期" in win.warning_label.text(), timeout=10_000)
    qtbot.waitUntil(lambda: "（" in lst.views.item(1).text(), timeout=10_000)
    counts = {lst.views.item(i).data(Qt.ItemDataRole.UserRole): lst.views.item(i).text()
              for i in range(lst.views.count())}
    with store.query() as con:
        st = status_summary(con, today=TODAY)
        vc = view_counts(con, today=TODAY)
    assert counts["overdue"].endswith(f"（{vc['overdue']}）") and st.overdue == vc["overdue"] == 1
    assert st.node_overdue == vc["node_overdue"]
    assert f"超期 {st.overdue} 件" in win.warning_label.text()
    page = win.show_page("dashboard")
    qtbot.waitUntil(lambda: page.figures is not None and not page.loading, timeout=20_000)
    assert page.figures.overdue == st.overdue and page.figures.node_overdue == st.node_overdue
    line = next(x for x in page.lines if x.indicator_id == "overdue_count")
    assert f"其中未结 {st.overdue} 件" in line.note  # the report's figure explained in the same numbers
    assert "执行期限已超期 1 件" in page.headline.text()


# ---------------------------------------------------------------- item 3: corrections from the workspace


def test_overpayment_asks_first_and_returning_saves_nothing(qtbot, store, actor):
    """标的 85,000 元: recording 到账 850,000 元 (a zero too many) asks; 返回修改 keeps the form, 确认 saves.
    The payment is recorded in the unified node dialog (N15, issue 11) — the question comes before the save."""
    from uihelpers import click_button, fill_node, on_modal, save

    from execdesk.models import Payment
    from execdesk.ui.case_workspace import CaseWorkspace

    case_id = cases.register_case(store, actor, sample_case_input("（2026）鲁0102执100号"), today=TODAY)
    ws = CaseWorkspace(make_ctx(store), case_id)
    qtbot.addWidget(ws)
    answers: list[str] = []
    failures: list[BaseException] = []

    def fill(dlg):
        try:
            fill_node(dlg, "N15", date(2026, 5, 6), {"payment_kind": "到账", "amount": "850000"})
            on_modal(lambda box: (answers.append(box.text()), click_button(box, "返回修改")), exclude=dlg)
            save(dlg)  # the question comes up; 返回修改
            assert dlg.isVisible() and "核对" in dlg.error.text() + dlg.field("amount").toolTip() + \
                "".join(label.text() for label in dlg.typed.errors.values())
            on_modal(lambda box: (answers.append(box.text()), click_button(box, "确认金额无误，保存")), exclude=dlg)
            save(dlg)
        except BaseException as exc:  # noqa: BLE001 - re-raised below; the dialog must not stay open
            failures.append(exc)
        finally:
            if dlg.isVisible():
                dlg.reject()

    on_modal(fill)
    ws.record("payment")
    if failures:
        raise failures[0]
    assert len(answers) == 2 and "85,000.00" in answers[0]
    from sqlalchemy import select

    with store.read() as s:
        rows = s.scalars(select(Payment).where(Payment.case_id == case_id)).all()
    assert [p.amount_fen for p in rows] == [85_000_000]  # one row: saved once, after the confirmation


def test_payment_reversed_from_the_workspace_stays_listed(qtbot, store, actor):
    from uihelpers import on_modal, submit

    from execdesk.ui.case_workspace import CaseWorkspace

    case_id = cases.register_case(store, actor, sample_case_input("（2026）鲁0102执100号"), today=TODAY)
    cases.record_payment(store, actor, case_id, kind="到账", amount="1000", paid_on=date(2026, 6, 1), today=TODAY)
    ws = CaseWorkspace(make_ctx(store), case_id)
    qtbot.addWidget(ws)
    ws.payments.selectRow(0)
    on_modal(lambda dlg: (dlg.set_value("reason", "重复登记"), submit(dlg, "冲正")))
    ws.button("reverse_payment").click()
    assert ws.payments.rowCount() == 1 and ws.payments.item(0, 5).text() == "已冲正"
    assert ws.payments.item(0, 7).text() == "重复登记"
    assert "已到账 0.00 元" in ws.money.text()
    assert ws.audit.rowCount() >= 1 and any("冲正" == ws.audit.item(r, 2).text() for r in range(ws.audit.rowCount()))


def test_case_number_corrected_from_the_workspace(qtbot, store, actor):
    from uihelpers import on_modal, submit

    from execdesk.ui.case_workspace import CaseWorkspace

    case_id = cases.register_case(store, actor, sample_case_input("（2026）鲁0102执100号"), today=TODAY)
    ws = CaseWorkspace(make_ctx(store), case_id)
    qtbot.addWidget(ws)
    on_modal(lambda dlg: (dlg.set_value("number", "（2026）鲁0102执110号"), dlg.set_value("reason", "录错"),
                          submit(dlg, "更正")))
    ws.button("correct_number").click()
    assert ws.title.text() == "（2026）鲁0102执110号"
    assert "曾用案号" in ws.facts.text() and "（2026）鲁0102执100号" in ws.facts.text()


# ---------------------------------------------------------------- item 4: date entry


def test_date_field_typing_blank_calendar_and_tab(qtbot):
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget

    from execdesk.ui.widgets import DateField

    form = QWidget()
    lay = QVBoxLayout(form)
    first = DateField(None, clock=lambda: TODAY)
    second = QLineEdit()
    lay.addWidget(first)
    lay.addWidget(second)
    qtbot.addWidget(form)
    form.show()
    form.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is form, timeout=5000)
    assert first.value() is None and first.text() == ""  # a blank date stays blank
    for typed, expected in (("2026-03-05", date(2026, 3, 5)), ("2026.3.5", date(2026, 3, 5)),
                            ("20260305", date(2026, 3, 5)), ("3月5日", date(2026, 3, 5))):
        first.edit.clear()
        first.setFocus()
        if typed.isascii():
            QTest.keyClicks(first.edit, typed)
        else:  # what a Chinese input method does: commit the composed text
            from PySide6.QtGui import QInputMethodEvent

            ev = QInputMethodEvent()
            ev.setCommitString(typed)
            QApplication.sendEvent(first.edit, ev)
        assert first.value() == expected, typed
    QTest.keyClick(first.edit, Qt.Key.Key_Tab)  # Tab leaves the field (not year → month → day)
    assert QApplication.focusWidget() is second
    assert first.text() == "2026-03-05"  # shown normalised once left
    first.set_value(None)
    cal = first.open_calendar()
    sel = cal.selectedDate()
    assert (sel.year(), sel.month(), sel.day()) == (2026, 11, 25)  # opens at today, not December 1989
    cal.clicked.emit(sel.addDays(-1))
    assert first.value() == date(2026, 11, 24)
    first.edit.setText("2026-13-01")
    first.edit.editingFinished.emit()
    assert first.edit.property("invalid") is True and first.value() == "2026-13-01"  # kept: the service names it


# ---------------------------------------------------------------- item 6: words for people


def test_audit_log_speaks_chinese_with_names_and_formatted_values(qtbot, store, actor):
    """Before: `payment`, `amount_fen=5000000`, `None`, `zhangwei`. Now: 执行款, 金额 50,000.00元, 张伟."""
    from execdesk.services.profiles import actor_for
    from execdesk.ui.case_workspace import CaseWorkspace

    zhang = actor_for(store, "zhangwei")
    case_id = cases.register_case(store, zhang, sample_case_input("（2026）鲁0102执100号"), today=TODAY)
    cases.record_payment(store, zhang, case_id, kind="到账", amount="50000", paid_on=date(2026, 6, 1), today=TODAY)
    from sqlalchemy import select

    from execdesk.models import Party
    from execdesk.services import corrections

    with store.read() as s:
        debtor = s.scalar(select(Party).where(Party.case_id == case_id, Party.role == "被执行人"))
    corrections.update_party(store, zhang, debtor.id, expected_version=debtor.version, phone="0531-1234567",
                             today=TODAY)
    ws = CaseWorkspace(make_ctx(store), case_id)
    qtbot.addWidget(ws)
    rows = [[ws.audit.item(r, c).text() for c in range(5)] for r in range(ws.audit.rowCount())]
    text = "\n".join("|".join(r) for r in rows)
    assert any(r[1] == "张伟" and r[3] == "执行款" and "金额 50,000.00元" in r[4] for r in rows), text
    assert any(r[3] == "当事人" and "联系电话：（空） → 0531-1234567" in r[4] for r in rows), text
    for developer_word in ("payment", "amount_fen", "None", "zhangwei", "phone", "=", "_id"):
        assert developer_word not in text, developer_word
    assert ws.documents.columnCount() == 5  # no SHA-256 column


def test_node_details_use_labels_and_hide_fingerprints():
    from execdesk.ui.case_workspace import _node_data_text

    text = _node_data_text("N23", {"panel": ["张伟", "赵磊", "孙立"], "ruling_date": "2026-11-20",
                                   "draft_sha256": "ab" * 32})
    assert text == "合议庭成员：张伟、赵磊、孙立；裁定日期：2026年11月20日"


def test_statistics_excel_writes_numbers_as_numbers(tmp_path):
    from openpyxl import load_workbook

    from execdesk.services.case_views import DashboardFigures
    from execdesk.ui.dashboard import IndicatorLine, export_excel

    f = DashboardFigures(open_cases=3, overdue=1, warnings=1, closed_this_year=2,
                         by_handler=[("张伟", 1, 1, 3)], by_age=[("3个月以内", 3)])
    lines = [IndicatorLine("执行到位率", 0.625, "rate", None, "5,000.00元 / 8,000.00元", "amount_rate"),
             IndicatorLine("超期案件数", 2, "count", None, "", "overdue_count")]
    assert lines[0].value_text() == "62.5%"
    out = export_excel(tmp_path / "统计.xlsx", f, lines)
    ws = load_workbook(out)["指标"]
    assert ws["B2"].value == 0.625 and ws["B2"].number_format == "0.0%"
    assert ws["B3"].value == 2 and isinstance(ws["B3"].value, int)


def test_case_list_exports_to_excel_with_typed_cells(qtbot, store, two_clerks, tmp_path):
    from decimal import Decimal

    from openpyxl import load_workbook

    win = _window(qtbot, store, "zhaolei")
    out = win.case_list.export_excel(str(tmp_path / "list.xlsx"))
    ws = load_workbook(out)["案件列表"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 3
    assert {r[0] for r in rows} == {"（2026）鲁0102执100号", "（2026）鲁0102执101号", "（2026）鲁0102执102号"}
    assert all(Decimal(str(r[4])) == Decimal("85000") for r in rows)  # a number, in 元
    assert rows[0][5].date() == date(2026, 3, 2)  # a date, not text


# ---------------------------------------------------------------- item 8: irreversible steps ask first


def test_cancel_or_esc_on_a_filled_form_asks_and_an_untouched_one_closes(qtbot):
    from PySide6.QtTest import QTest
    from uihelpers import click_button, on_modal

    from execdesk.ui.widgets import FieldSpec, FormDialog

    saved = []
    dlg = FormDialog(None, "记录执行款", [FieldSpec("amount", "金额（元）")], saved.append)
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.set_value("amount", "1000")
    asked = on_modal(lambda box: click_button(box, "继续填写"), exclude=dlg)
    QTest.keyClick(dlg, Qt.Key.Key_Escape)
    assert asked and asked[0].objectName() == "discardBox" and dlg.isVisible()  # kept, typing intact
    assert dlg.values()["amount"] == "1000"
    asked = on_modal(lambda box: click_button(box, "放弃填写"), exclude=dlg)
    click_button(dlg, "取消")
    assert asked and not dlg.isVisible() and saved == []
    clean = FormDialog(None, "核实线索", [FieldSpec("result", "核实结果")], saved.append)
    qtbot.addWidget(clean)
    clean.show()
    QTest.keyClick(clean, Qt.Key.Key_Escape)  # nothing typed: no question
    assert not clean.isVisible()


# ---------------------------------------------------------------- item 5: search


def test_search_updates_as_you_type_and_enter_opens_a_single_hit(qtbot, store, two_clerks):
    from PySide6.QtTest import QTest

    win = _window(qtbot, store, "zhaolei")
    lst = win.case_list
    win.focus_search()
    QTest.keyClicks(lst.search, "101")
    # no Enter yet: the list follows the typing (debounced)
    qtbot.waitUntil(lambda: [r.case_number for r in lst.model.rows] == ["（2026）鲁0102执101号"], timeout=5000)
    QTest.keyClick(lst.search, Qt.Key.Key_Return)
    ws = win.current_workspace()
    assert ws is not None and ws.case_id == two_clerks["b"]  # one hit: Enter opened it
    win.focus_search()
    lst.search.clear()
    QTest.keyClicks(lst.search, "2026")
    QTest.keyClick(lst.search, Qt.Key.Key_Return)
    assert lst.model.total == 3 and lst.table.hasFocus() or lst.table.currentIndex().row() == 0


# ---------------------------------------------------------------- the day by keyboard alone


def test_a_clerks_day_by_keyboard_only(qtbot, store, busy_day):
    """Sign in → 今日待办 → open the first case → record a 查控 result → save → next, with key clicks only."""
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication
    from sqlalchemy import select
    from uihelpers import on_modal

    from execdesk.config import Settings
    from execdesk.models import PropertyInquiry
    from execdesk.ui.app import sign_in

    def type_password(dlg):
        QTest.keyClicks(dlg.password, "password123")
        QTest.keyClick(dlg.password, Qt.Key.Key_Return)

    on_modal(type_password)
    actor = sign_in(store, Settings(current_user="liuyang"))
    assert actor is not None and actor.username == "liuyang"
    from execdesk.ui.context import UiContext

    win = MainWindow(UiContext(store=store, actor=actor, settings=Settings(), clock=lambda: TODAY))
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=5000)
    page = win.today_page
    assert win.tabs.currentWidget() is page and QApplication.focusWidget() is page.table
    # the first task: the overdue case's execution limit; the 查控 line is in the list too — go to it by keys
    target = next(r for r, i in enumerate(page.model.items) if i.target == "case:property")
    for _ in range(target):
        QTest.keyClick(page.table, Qt.Key.Key_Down)
    assert page.table.currentIndex().row() == target
    QTest.keyClick(page.table, Qt.Key.Key_Return)
    ws = win.current_workspace()
    assert ws is not None and ws.tabs.tabText(ws.tabs.currentIndex()) == "财产"
    button = QApplication.focusWidget()
    assert button is ws.button("add_inquiry")

    problems: list = []

    def fill_inquiry(dlg):
        from PySide6.QtWidgets import QDialog

        dlg.activateWindow()  # a window system makes the new dialog active; offscreen needs asking
        for _ in range(100):
            QApplication.processEvents()
            if QApplication.activeWindow() is dlg:
                break
        try:
            # The unified node dialog (issue 11), preset to N06 网络查控: dates typed, Tab to the next field,
            # the result typed, 发现财产 chosen with the arrow key, saved with the keyboard.
            from uihelpers import wait_op

            assert dlg.current_code() == "N06"
            dlg.started.edit.setFocus()
            QTest.keyClick(dlg.started.edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
            QTest.keyClicks(dlg.started.edit, "2026.11.20")
            QTest.keyClick(dlg.started.edit, Qt.Key.Key_Tab)
            assert QApplication.focusWidget() is not dlg.started.edit  # Tab leaves the date, not year → month
            dlg.ended.edit.setFocus()
            QTest.keyClick(dlg.ended.edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
            QTest.keyClicks(dlg.ended.edit, "11.24")
            result = dlg.field("result")
            result.setFocus()
            QTest.keyClicks(result, "bank account found")
            found = dlg.field("found_property")
            found.setFocus()
            while found.currentText() != "是":
                QTest.keyClick(found, Qt.Key.Key_Down)
            dlg.field("feedback_on").setFocus()
            QTest.keyClicks(dlg.field("feedback_on"), "2026.11.24")
            QTest.keyClick(dlg.field("feedback_on"), Qt.Key.Key_Return)  # 保存 is the default button
            wait_op(dlg)
        except Exception as exc:  # report, and close the dialog so the test ends
            problems.append(repr(exc))
        if dlg.isVisible():
            problems.append(dlg.error.text() or "dialog stayed open")
            QDialog.reject(dlg)

    seen = on_modal(fill_inquiry)
    QTest.keyClick(button, Qt.Key.Key_Space)
    assert seen and problems == []
    with store.read() as s:
        rows = s.scalars(select(PropertyInquiry).where(PropertyInquiry.case_id == busy_day["recent"])).all()
    assert len(rows) == 1 and rows[0].result == "bank account found" and rows[0].found_property
    assert rows[0].feedback_on == date(2026, 11, 24) and rows[0].queried_on == date(2026, 11, 20)
    # next: back to 今日待办 (Ctrl+0), the list re-read, and on to the next line
    win.activateWindow()  # the dialog closed: the window system gives the main window back its focus
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=5000)
    QTest.keyClick(QApplication.focusWidget() or win, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert win.tabs.currentWidget() is page and QApplication.focusWidget() is page.table
    before = page.table.currentIndex().row()
    QTest.keyClick(page.table, Qt.Key.Key_Down)
    assert page.table.currentIndex().row() == min(before + 1, page.model.rowCount() - 1)


# ---------------------------------------------------------------- item 10: a second ExecDesk


def test_second_instance_is_detected_and_a_stale_save_is_refused(store, actor, tmp_path):
    """Two ExecDesk on one file: the second is told (instance lock); a correction from a form read before the
    other instance saved is refused, never written over it (docs/decisions.md item 21)."""
    from execdesk.models import Case
    from execdesk.services import corrections
    from execdesk.ui import instance

    db = tmp_path / "shared.sqlite3"
    assert instance.claim(db) is True  # the first ExecDesk
    from PySide6.QtCore import QLockFile

    other = QLockFile(str(db) + ".instance.lock")
    assert other.tryLock(0) is False  # what the second one finds
    instance.release()
    assert other.tryLock(0) is True
    other.unlock()
    case_id = cases.register_case(store, actor, sample_case_input("（2026）鲁0102执100号"), today=TODAY)
    with store.read() as s:
        read_by_window_a = s.get(Case, case_id).version
    cases.update_case(store, actor, case_id, notes="窗口B保存", today=TODAY)  # the other instance saves
    with pytest.raises(corrections.VersionConflictError, match="已被修改"):
        corrections.correct_case_number(store, actor, case_id, "（2026）鲁0102执120号", "录错",
                                        expected_version=read_by_window_a, today=TODAY)
    with store.read() as s:
        assert s.get(Case, case_id).notes == "窗口B保存" and s.get(Case, case_id).case_number.endswith("100号")


# ---------------------------------------------------------------- item 7: Qt's own dialogs in Chinese


def test_qt_file_dialog_speaks_chinese(qtbot):
    from PySide6.QtWidgets import QApplication, QFileDialog, QLabel

    from execdesk.ui.app import install_translators

    loaded = install_translators(QApplication.instance(), "zh_CN")
    assert loaded and loaded[0].startswith("qt")
    dlg = QFileDialog(None, "导出案件列表", "", "Excel 工作簿 (*.xlsx)")
    dlg.setOption(QFileDialog.Option.DontUseNativeDialog)  # what Xvfb and most Linux desktops show
    qtbot.addWidget(dlg)
    labels = {lab.text() for lab in dlg.findChildren(QLabel)}
    assert "查找范围(&L)：" in labels and "文件类型(&T)：" in labels, labels
    assert not {"&Look in:", "Files of &type:"} & labels  # before: English in a Chinese dialog
