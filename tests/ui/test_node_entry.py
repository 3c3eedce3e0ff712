"""Issue 11, desktop half: one entry path for nodes and the records they evidence, the conflict dialog, the
operation helper. Real widgets offscreen on a real SQLite file; data checked by reading the database back.

Rules: DOMAIN.md §4.4 (node catalogue), R26 (查封/冻结 expiry by asset class), R27 (auction chain on the asset),
issue 11 items 1 (one fact, one record, two views), 3 (stale edit → conflict, nothing written), 5 (closed
vocabularies as choices), 6 (UserError to the form, anything else to the error dialog).
"""

from __future__ import annotations

from datetime import date

import pytest
from conftest import TODAY, sample_case_input
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QWidget
from sqlalchemy import func, select
from uihelpers import click_button, dispose_widgets, fill_node, make_ctx, on_modal, save  # noqa: F401

from execdesk.models import Case, FoundAsset, Measure, Node
from execdesk.rules.fields import vocabulary
from execdesk.services import cases
from execdesk.ui.conflict import ConflictDialog
from execdesk.ui.dialogs import NodeDialog
from execdesk.ui.main_window import MainWindow
from execdesk.ui.node_form import ALL_DEBTORS, CheckList, ChoiceBox, DateLineEdit
from execdesk.ui.operations import Op

DEBTOR = "济南鲁信商贸有限公司"


FAILURES: list[BaseException] = []


def guarded(action):
    """An on_modal action that, if it fails, still closes the dialog (no test waits on a dialog nobody answers)
    and keeps the failure for ``raise_failures``."""
    def run(dlg):
        try:
            action(dlg)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test
            FAILURES.append(exc)
        finally:
            if dlg.isVisible():
                dlg.reject()
    return run


def raise_failures() -> None:
    if FAILURES:
        exc = FAILURES[0]
        FAILURES.clear()
        raise exc


def count(store, model, *where) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where)) or 0


@pytest.fixture
def case_id(store, actor):
    return cases.register_case(store, actor, sample_case_input(), today=TODAY)


@pytest.fixture
def win(qtbot, store):
    w = MainWindow(make_ctx(store))
    qtbot.addWidget(w)
    w.show()
    yield w
    for ws in w.workspaces():  # a failed test must not leave a "save changes?" box blocking teardown
        ws.reload(keep_edits=False)


@pytest.fixture
def dialog(qtbot, store, case_id, win):
    ws = win.open_case(case_id)
    dlg = NodeDialog(make_ctx(store), ws.view.case, ws)
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


# ---------------------------------------------------------------- the node picker


def test_node_picker_finds_nodes_by_name_as_you_type(qtbot, dialog):
    """DOMAIN §4.4: people know node names, not N-codes. Typing 查封 finds 查封/扣押/冻结; Enter picks it."""
    picker = dialog.picker
    assert all(not name.startswith("N") for name in picker.names())  # names, never codes
    picker.search.insert("查封")  # what an input method commits (QTest types ASCII only)
    assert picker.names()[0] == "查封/扣押/冻结"
    assert "执行通知书及报告财产令" not in picker.names()
    QTest.keyClick(picker.search, Qt.Key.Key_Return)
    assert dialog.current_code() == "N11" and dialog.heading.text() == "查封/扣押/冻结"
    picker.search.clear()
    picker.search.insert("约谈")
    assert picker.names() == ["约谈申请执行人"]  # a single hit: Enter takes it
    QTest.keyClick(picker.search, Qt.Key.Key_Return)
    assert dialog.current_code() == "N22"
    picker.search.clear()
    QTest.keyClicks(picker.search, "N11")
    assert picker.names() == []  # codes are not searched


# ---------------------------------------------------------------- typed widgets


def test_enum_fields_offer_only_the_vocabulary(dialog):
    """Issue 11 (5): closed vocabularies are choices; no free text can be typed into an enum field."""
    dialog.set_code("N11")
    seal, kind, party = dialog.field("seal_kind"), dialog.field("asset_kind"), dialog.field("party")
    assert isinstance(seal, ChoiceBox) and not seal.isEditable()
    assert seal.choices() == list(vocabulary("seal_kinds").values)
    assert kind.choices() == list(vocabulary("asset_kinds").values) and not kind.isEditable()
    assert "房产" not in [kind.itemText(i) for i in range(kind.count())]  # the word that used to skip R26
    assert [party.itemText(i) for i in range(party.count())] == [ALL_DEBTORS, DEBTOR]  # optional: 全部被执行人
    dialog.set_code("N06")
    scopes = dialog.field("scopes")
    assert isinstance(scopes, CheckList) and scopes.choices() == list(vocabulary("inquiry_scopes").values)
    dialog.set_code("N11")
    form = dialog.typed.layout()
    marks = {}
    for spec in dialog.typed.specs:  # required fields are marked with *, the others are not (the catalogue says)
        label = form.labelForField(dialog.typed.widgets[spec.key].parentWidget())
        marks[spec.key] = ("*" in label.text(), spec.required)
    assert all(shown == required for shown, required in marks.values()), marks
    assert marks["seal_kind"] == (True, True) and marks["value"] == (False, False)


def test_a_bad_date_names_the_field_and_saves_nothing(qtbot, store, case_id, dialog):
    """A date the rules cannot read is an error under that field, in Chinese; nothing is written."""
    nodes = count(store, Node, Node.case_id == case_id)
    fill_node(dialog, "N11", date(2026, 4, 1), {"seal_kind": "查封", "asset_kind": "不动产",
                                                 "asset_description": "历下区经十路100号房产",
                                                 "expires_on": "2026-13-45"})
    save(dialog)
    assert dialog.isVisible()
    under = dialog.typed.errors["expires_on"]
    assert under.isVisibleTo(dialog) and "不是" in under.text()
    assert "届满日期" in dialog.error.text()
    assert dialog.field("expires_on").property("invalid") is True
    assert count(store, Node, Node.case_id == case_id) == nodes and count(store, FoundAsset) == 0


def test_dates_are_read_as_people_write_them_and_a_blank_date_stays_blank(qtbot, store, case_id, dialog):
    """2026.3.5 / 20260305 / 2026年3月5日 are one date; a blank optional date is not filled in by the form
    (R26: the seal then expires by the statutory maximum for its asset class)."""
    field = DateLineEdit("反馈日期")
    for text in ("2026-03-05", "2026.3.5", "20260305", "2026年3月5日"):
        field.setText(text)
        assert field.value() == "2026-03-05", text
    field.setText("")
    assert field.value() is None
    fill_node(dialog, "N11", date(2026, 4, 1), {"seal_kind": "冻结", "asset_kind": "存款",
                                                 "asset_description": "工商银行账户存款", "amount": "50,000.00",
                                                 "party": DEBTOR})
    assert dialog.field("expires_on").text() == ""
    save(dialog)
    assert not dialog.isVisible(), dialog.error.text()
    with store.read() as s:
        node = s.get(Node, dialog.node_id)
        assert "expires_on" not in node.data  # blank stayed blank
        m = s.scalar(select(Measure).where(Measure.node_id == node.id))
        assert m.kind == "冻结" and m.expires_on == date(2027, 4, 1)  # 存款: 1 year (R26)


# ---------------------------------------------------------------- one fact, two views


def _rows(table) -> list[list[str]]:
    return [[table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())]
            for r in range(table.rowCount())]


def _header(table) -> list[str]:
    return [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]


def test_recording_a_seal_as_a_node_shows_the_found_asset_in_the_property_tab(win, store, case_id):
    """Issue 11 (1): N11 recorded in the node list is the found asset and the seal measure in the 财产 and 措施
    tabs, each showing the node it is; the node row names its records."""
    ws = win.open_case(case_id)

    def seal(dlg):
        fill_node(dlg, "N11", date(2026, 4, 1), {"seal_kind": "查封", "asset_kind": "不动产",
                                                  "asset_description": "历下区经十路100号房产", "value": "800,000",
                                                  "party": DEBTOR})
        save(dlg)

    seen = on_modal(guarded(seal))
    ws.button("add_node").click()
    raise_failures()
    assert seen and not seen[0].isVisible()
    with store.read() as s:
        asset = s.scalar(select(FoundAsset).where(FoundAsset.case_id == case_id))
        node = s.get(Node, asset.node_id)
    assert node.code == "N11" and asset.kind == "不动产" and asset.value_fen == 80_000_000
    assets = _rows(ws.assets)
    assert len(assets) == 1 and assets[0][2] == "历下区经十路100号房产"
    assert assets[0][_header(ws.assets).index("节点")] == f"第{node.seq}号 查封/扣押/冻结"
    measures = _rows(ws.measures)
    assert measures[0][0] == "查封" and measures[0][_header(ws.measures).index("节点")].endswith("查封/扣押/冻结")
    row = next(r for r in _rows(ws.nodes) if r[1] == "查封/扣押/冻结")
    info, linked = row[_header(ws.nodes).index("业务信息")], row[_header(ws.nodes).index("对应记录")]
    assert "财产类别：不动产" in info and "财产价值：800,000.00元" in info and f"被执行人：{DEBTOR}" in info
    assert "asset_kind" not in info and "80000000" not in info  # labels and formatted values, not keys or fen
    assert "已查明财产：历下区经十路100号房产" in linked and "执行措施：查封" in linked


def test_the_property_tab_records_through_the_same_dialog_and_the_node_list_shows_it(win, store, case_id):
    """Issue 11 (1), the other way: 财产 tab → 记录查封/扣押/冻结 opens the node dialog preset to N11; the new
    asset is a node in the node list. A payment recorded by the old service function is a node too."""
    ws = win.open_case(case_id)

    def seal(dlg):
        assert dlg.current_code() == "N11"
        fill_node(dlg, "N11", date(2026, 4, 2), {"seal_kind": "扣押", "asset_kind": "车辆",
                                                  "asset_description": "鲁A12345 小型轿车"})
        save(dlg)

    on_modal(guarded(seal))
    ws.button("add_asset").click()
    raise_failures()
    assert [r[2] for r in _rows(ws.assets)] == ["鲁A12345 小型轿车"]
    node_rows = [r for r in _rows(ws.nodes) if r[1] == "查封/扣押/冻结"]
    assert len(node_rows) == 1 and "鲁A12345 小型轿车" in node_rows[0][_header(ws.nodes).index("对应记录")]

    cases.record_payment(store, make_ctx(store).actor, case_id, kind="到账", amount="30,000.00",
                         paid_on=date(2026, 5, 6), route="划拨", today=TODAY)
    ws.reload()
    pay = _rows(ws.payments)[0]
    assert pay[1] == "30,000.00" and "第" in pay[_header(ws.payments).index("节点")]
    assert any("执行款：到账 30,000.00元" in r[_header(ws.nodes).index("对应记录")] for r in _rows(ws.nodes))


def test_an_auction_names_the_asset_from_the_case(win, store, case_id, actor):
    """R27: a 拍卖 (N13) is an event of a found asset; the form offers exactly the case's found assets."""
    cases.record_node(store, actor, case_id, cases.NodeInput(
        code="N11", started_on=date(2026, 4, 1), ended_on=date(2026, 4, 1),
        data={"seal_kind": "查封", "asset_kind": "不动产", "asset_description": "历下区经十路100号房产"}), today=TODAY)
    ws = win.open_case(case_id)
    with store.read() as s:
        asset_id = s.scalar(select(FoundAsset.id).where(FoundAsset.case_id == case_id))

    def auction(dlg):
        assert dlg.current_code() == "N13"
        assets = dlg.field("asset_id")
        assert [assets.itemText(i) for i in range(1, assets.count())] == ["历下区经十路100号房产（不动产）"]
        assert assets.choices() == [asset_id]  # exactly the case's found assets (the first entry is the blank)
        fill_node(dlg, "N13", date(2026, 6, 1), {"asset_id": "历下区经十路100号房产（不动产）",
                                                  "method": "网络司法拍卖", "result": "流拍", "round": "1"})
        save(dlg)

    seen = on_modal(guarded(auction))
    ws.button("add_disposal").click()
    raise_failures()
    assert seen and not seen[0].isVisible(), seen[0].error.text()
    with store.read() as s:
        node = s.scalar(select(Node).where(Node.case_id == case_id, Node.code == "N13"))
        asset = s.scalar(select(FoundAsset).where(FoundAsset.case_id == case_id))
    assert node.data["asset_id"] == asset.id
    row = next(r for r in _rows(ws.nodes) if r[1] == "拍卖/变卖/以物抵债")
    assert "处置的财产：历下区经十路100号房产（不动产）" in row[_header(ws.nodes).index("业务信息")]
    assert asset.id not in row[_header(ws.nodes).index("业务信息")]  # the asset's name, never its id


# ---------------------------------------------------------------- conflicts


def test_a_stale_overview_edit_shows_both_values_and_writes_nothing(win, store, case_id):
    """Issue 11 (3): a form read at version v saved after another person saved v+1 is a conflict shown with
    您填写的 / 当前保存的 and who changed it; nothing is written until the person decides."""
    ws = win.open_case(case_id)
    read_version = ws.overview.version
    ws.overview.cause.setText("买卖合同纠纷")
    ws.overview._edited()
    other = make_ctx(store, "liuyang")  # 刘洋 saves the same case meanwhile, from another window
    cases.update_case(store, other.actor, case_id, cause="金融借款合同纠纷", expected_version=read_version,
                      today=TODAY)
    seen: list = []

    def look(dlg):
        seen.append((dlg.rows(), dlg.findChild(QWidget, "changedBy").text(), dlg.windowTitle()))
        click_button(dlg, "放弃我的修改（重新载入）")

    on_modal(look)
    assert ws.save() is False
    assert seen, "the conflict dialog did not open"
    rows, who, title = seen[0]
    assert ("案由", "买卖合同纠纷", "金融借款合同纠纷") in rows
    assert "刘洋" in who and "冲突" in title
    with store.read() as s:
        assert s.get(Case, case_id).cause == "金融借款合同纠纷"  # the other person's value stands
    assert ws.overview.cause.text() == "金融借款合同纠纷" and not ws.has_unsaved_changes()


def test_reapplying_on_the_latest_version_keeps_what_was_typed_for_a_second_save(win, store, case_id):
    ws = win.open_case(case_id)
    read_version = ws.overview.version
    ws.overview.notes.setPlainText("已电话联系申请执行人")
    other = make_ctx(store, "liuyang")
    cases.update_case(store, other.actor, case_id, cause="金融借款合同纠纷", expected_version=read_version,
                      today=TODAY)
    on_modal(lambda dlg: click_button(dlg, "在最新版本上重新填写"))
    assert ws.save() is False  # the first save was refused: nothing written
    with store.read() as s:
        assert s.get(Case, case_id).notes is None
    assert ws.overview.notes.toPlainText() == "已电话联系申请执行人" and ws.has_unsaved_changes()
    assert ws.overview.cause.text() == "金融借款合同纠纷" and ws.overview.version > read_version
    assert ws.save() is True  # now on the latest version, by the person's own second save
    with store.read() as s:
        c = s.get(Case, case_id)
        assert c.notes == "已电话联系申请执行人" and c.cause == "金融借款合同纠纷"


def test_a_stale_node_correction_shows_the_conflict_dialog(win, store, case_id, actor):
    node_id = cases.record_node(store, actor, case_id, cases.NodeInput(
        code="N04", started_on=date(2026, 3, 4), ended_on=date(2026, 3, 4), data={"service_method": "直接送达"}),
        today=TODAY)
    ws = win.open_case(case_id)
    node = next(n for n in ws.view.nodes if n.id == node_id)
    dlg = NodeDialog(make_ctx(store), ws.view.case, ws, correcting=node)
    dlg.show()
    cases.correct_node(store, make_ctx(store, "liuyang").actor, node_id, cases.NodeInput(
        code="N04", started_on=date(2026, 3, 5), ended_on=date(2026, 3, 5), data={"service_method": "邮寄送达"}),
        "送达方式录入错误", expected_version=node.version, today=TODAY)
    seen: list = []
    on_modal(lambda box: (seen.append(isinstance(box, ConflictDialog)), click_button(box, "在最新版本上重新填写")),
             exclude=dlg)
    dlg.reason.setText("送达日期录入错误")
    save(dlg)
    assert seen == [True]
    with store.read() as s:
        corrections = s.scalars(select(Node).where(Node.case_id == case_id, Node.code == "N04")).all()
    assert len(corrections) == 2  # only the other person's correction: ours was not written
    dlg.reject()


# ---------------------------------------------------------------- the operation helper


PROGRAMMING_ERROR_RUN = r"""
import json, os, sys
sys.path[:0] = [sys.argv[1], os.path.dirname(sys.argv[1])]
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([])
from uihelpers import on_modal
from execdesk.ui import app as app_module
from execdesk.ui.operations import Op
w = QWidget()
w.show()
seen, refused = [], []
on_modal(lambda box: (seen.append([box.objectName(), box.icon().name, box.detailedText()]), box.accept()))
op = Op(w, lambda: {}["missing"]).failure(refused.append)
ok = op.run_and_wait()
print(json.dumps({"ok": ok, "seen": seen, "refused": [str(r) for r in refused],
                  "errors": len(app_module.uncaught_errors), "enabled": w.isEnabled()}))
os._exit(0)
"""


def test_a_programming_error_in_an_operation_reaches_the_error_dialog_not_a_red_label(tmp_path):
    """Issue 11 (6): only UserError is shown as a message; a KeyError is a programming error: the error
    dialog with its traceback (and the log), never the form's failure handler. Run in its own app process
    (the real error dialog, its real modal loop)."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "EXECDESK_DATA_DIR": str(tmp_path)}
    env.pop("EXECDESK_QUIT_AFTER_MS", None)
    r = subprocess.run([sys.executable, "-c", PROGRAMMING_ERROR_RUN, str(Path(__file__).parent)],
                       capture_output=True, text=True, env=env, timeout=120)
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert out["ok"] is False and out["refused"] == []  # not handed to the form as if it were bad input
    assert out["seen"], "the error dialog did not open"
    name, icon, details = out["seen"][0]
    assert name == "internalErrorBox" and icon == "Critical"
    assert "KeyError" in details and "Traceback" in details
    assert out["errors"] == 1 and out["enabled"] is True
    assert "KeyError" in (tmp_path / "logs" / "execdesk.log").read_text(encoding="utf-8") \
        if (tmp_path / "logs" / "execdesk.log").exists() else "KeyError" in r.stderr


def test_a_user_error_goes_to_the_form_and_the_screens_hear_only_about_success(qtbot, store, case_id, win):
    ws = win.open_case(case_id)
    heard: list = []
    ws.changed.connect(heard.append)
    refused: list = []
    from execdesk.services.inputs import NodeInput
    from execdesk.ui.operations import Changes

    ctx = make_ctx(store)
    bad = Op(ws, lambda: cases.record_node(store, ctx.actor, case_id, NodeInput(code="N99", ended_on=TODAY),
                                           today=TODAY), changes=Changes.of([case_id], {"node"}))
    assert bad.failure(refused.append).run_and_wait() is False
    assert refused and "节点" in str(refused[0]) and heard == []
    good = Op(ws, lambda: cases.record_node(store, ctx.actor, case_id, NodeInput(code="N03", ended_on=TODAY),
                                            today=TODAY), changes=Changes.of([case_id], {"node"}))
    assert good.run_and_wait() is True
    assert heard == [case_id]  # the workspace re-read from what the operation reported
    assert any(r[1] == "受理通知书" for r in _rows(ws.nodes))


def test_the_dialog_is_disabled_while_its_save_runs(dialog):
    """No double submit: the save runs off the GUI thread and the form is disabled until it answers."""
    fill_node(dialog, "N03", date(2026, 3, 3), {})
    click_button(dialog, "保存")
    assert not dialog.isEnabled()
    QApplication.processEvents()
    from uihelpers import wait_op

    wait_op(dialog)
    assert not dialog.isVisible() and dialog.node_id


def test_no_combo_in_the_node_form_accepts_free_text(dialog):
    for code in ("N04", "N06", "N11", "N13", "N15", "N22"):
        dialog.set_code(code)
        for combo in dialog.typed.findChildren(QComboBox):
            assert not combo.isEditable(), (code, combo.objectName())
