"""文件 → 从Excel补录… and the 数据质量 screen (issue 15): a real Qt widget tree (offscreen), real .xlsx files, a real
database. The clerk's path: mapping → preview with every problem → import (all or nothing, or valid only with
the rejected rows saved) → the report of the import; 取消 writes nothing (one transaction)."""

from __future__ import annotations

import openpyxl
from conftest import TODAY
from excel_fixtures import HEADER, good_row, write_sheet
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import func, select
from uihelpers import dispose_widgets, make_ctx, on_modal  # noqa: F401  (autouse fixture)

from execdesk.models import AuditEntry, Case, OutboxEntry
from execdesk.ui.excel_import import ExcelImportDialog
from execdesk.ui.main_window import MainWindow


def count(store, model) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def window(qtbot, store) -> MainWindow:
    win = MainWindow(make_ctx(store))
    qtbot.addWidget(win)
    win.show()
    return win


def close_message_box(texts: list[str]) -> None:
    def act(w) -> None:
        if isinstance(w, QMessageBox):
            texts.append(w.text())
            w.accept()
        else:
            on_modal(act, exclude=w)

    on_modal(act)


def previewed(qtbot, dialog: ExcelImportDialog):
    with qtbot.waitSignal(dialog.previewed, timeout=60_000) as sig:
        dialog.run_preview()
    return sig.args[0]


def test_menu_entries_exist(qtbot, store):
    win = window(qtbot, store)
    assert win.findChild(QAction, "act_excel_import").text() == "从Excel补录…"
    assert win.findChild(QAction, "act_quality").text() == "数据质量报告"


def test_mapping_step_shows_every_column_and_takes_a_correction(qtbot, store, tmp_path, monkeypatch):
    monkeypatch.setenv("EXECDESK_DATA_DIR", str(tmp_path / "data"))
    header = HEADER[:]
    header[3] = "纠纷"
    rows = [good_row(1), good_row(2)]
    for r in rows:
        r["纠纷"] = r["案由"]
    path = write_sheet(tmp_path / "list.xlsx", rows, header=header)
    win = window(qtbot, store)
    dialog = win.excel_import(path)
    qtbot.addWidget(dialog)
    assert dialog.mapping_table.rowCount() == len(header)
    assert dialog.combo("案号").currentData() == "case_number"
    assert dialog.combo("纠纷").currentData() is None
    assert "案由" in dialog.missing_label.text()
    dialog.combo("纠纷").setCurrentIndex(dialog.combo("纠纷").findData("cause"))
    assert dialog.missing_label.text() == ""
    dialog.save_mapping.setChecked(True)
    pv = previewed(qtbot, dialog)
    assert len(pv.valid) == 2 and dialog.stack.currentIndex() == 1, [str(p) for p in pv.problems()]
    again = ExcelImportDialog(make_ctx(store), win)  # next time, this court's mapping is used
    qtbot.addWidget(again)
    again.open_file(path)
    assert again.combo("纠纷").currentData() == "cause"


def test_preview_lists_every_problem_and_all_or_nothing_imports_nothing(qtbot, store, tmp_path):
    rows = [good_row(n) for n in range(1, 5)]
    rows[1]["立案日期"] = "2026/2/30"
    rows[2]["承办人"] = "李白"
    path = write_sheet(tmp_path / "list.xlsx", rows)
    win = window(qtbot, store)
    dialog = win.excel_import(path)
    qtbot.addWidget(dialog)
    before = (count(store, Case), count(store, AuditEntry))
    pv = previewed(qtbot, dialog)
    assert (count(store, Case), count(store, AuditEntry)) == before  # the preview writes nothing
    model = dialog.model
    assert model.rowCount() == 4
    results = [model.data(model.index(r, 6)) for r in range(4)]
    assert results == ["可导入", "有问题", "有问题", "可导入"]
    assert "第3行 C列 立案日期：“2026/2/30”不是存在的日期" in model.data(model.index(1, 7))
    assert "本地没有名为“李白”的承办人账号" in model.data(model.index(2, 7))
    assert "可导入2件，有问题2件" in dialog.summary.text()
    dialog.only_problems.setChecked(True)
    assert dialog.proxy.rowCount() == 2
    texts: list[str] = []
    close_message_box(texts)
    with qtbot.waitSignal(dialog.refused, timeout=10_000) as refused:
        dialog.run_import(valid_only=False)
    assert "没有导入任何案件" in refused.args[0] and "第3行" in refused.args[0]
    qtbot.waitUntil(lambda: bool(texts), timeout=10_000)
    assert (count(store, Case), count(store, AuditEntry)) == before
    assert pv.blocking


def test_valid_only_imports_and_saves_the_rejected_rows_then_the_report_opens(qtbot, store, tmp_path):
    rows = [good_row(n) for n in range(1, 6)]
    rows[4]["执行标的（元）"] = "约五万"
    path = write_sheet(tmp_path / "list.xlsx", rows)
    win = window(qtbot, store)
    dialog = win.excel_import(path)
    qtbot.addWidget(dialog)
    previewed(qtbot, dialog)
    rejected = tmp_path / "未导入.xlsx"
    outbox_before = count(store, OutboxEntry)
    with qtbot.waitSignal(dialog.imported, timeout=60_000) as imported:
        dialog.run_import(valid_only=True, rejected=rejected)
    assert imported.args == [4]
    assert count(store, Case) == 4 and count(store, OutboxEntry) > outbox_before
    assert "已从 list.xlsx 导入 4 件案件" in dialog.done_label.text() and "未导入 1 件" in dialog.done_label.text()
    ws = openpyxl.load_workbook(rejected).active
    assert ws.cell(1, len(HEADER) + 1).value == "未导入原因" and "不是数字金额" in ws.cell(2, len(HEADER) + 1).value
    qtbot.waitUntil(lambda: win.case_list.model.total == 4, timeout=10_000)  # the list shows them
    dialog.report_requested.emit(list(dialog.imported_ids))
    page = win.pages["quality"]
    qtbot.waitUntil(lambda: page.report is not None and page.report.total == 4, timeout=20_000)
    assert page.report.scope == "本次补录的4件案件"
    assert "共 4 件" in page.headline.text()


def test_cancel_imports_nothing(qtbot, store, tmp_path):
    path = write_sheet(tmp_path / "many.xlsx", [good_row(n) for n in range(1, 81)])
    win = window(qtbot, store)
    dialog = win.excel_import(path)
    qtbot.addWidget(dialog)
    previewed(qtbot, dialog)
    before = (count(store, Case), count(store, AuditEntry), count(store, OutboxEntry))
    task = dialog.run_import()
    with qtbot.waitSignal(task.cancelled, timeout=60_000):
        task.cancel()  # the 取消 of the progress dialog
    assert (count(store, Case), count(store, AuditEntry), count(store, OutboxEntry)) == before


def test_quality_screen_counts_exports_and_prints(qtbot, store, actor, tmp_path):
    from execdesk.services import excel_import as xi

    rows = [good_row(n) for n in range(1, 4)]
    xi.import_file(store, actor, write_sheet(tmp_path / "list.xlsx", rows), today=TODAY)
    (tmp_path / "court.txt").write_text("（2026）鲁0102执1号\n（2026）鲁0102执2号\n（2026）鲁0102执50号\n",
                                        encoding="utf-8")
    win = window(qtbot, store)
    page = win.show_page("quality")
    qtbot.waitUntil(lambda: page.report is not None, timeout=20_000)
    assert page.report.total == 3
    assert page.checks.rowCount() == 5
    assert page.checks.item(0, 0).text() == "未经承办人签收" and page.checks.item(0, 1).text() == "3"
    page.set_court_list(tmp_path / "court.txt")
    qtbot.waitUntil(lambda: page.report.court_list is not None, timeout=20_000)
    assert page.checks.rowCount() == 7
    page.checks.selectRow(5)
    assert page.findings.rowCount() == 1 and page.findings.item(0, 0).text() == "（2026）鲁0102执50号"
    page.checks.selectRow(6)
    assert page.findings.item(0, 0).text() == "（2026）鲁0102执3号"
    close_message_box([])
    page.export_xlsx(tmp_path / "q.xlsx")
    assert openpyxl.load_workbook(tmp_path / "q.xlsx").sheetnames[0] == "汇总"
    assert page.save_pdf(tmp_path / "q.pdf").read_bytes()[:5] == b"%PDF-"
    preview = page.ask_pdf()
    qtbot.addWidget(preview)
    assert preview.view.page_count() >= 1
