"""Walk ExecDesk's real widget tree on a virtual screen and report every size against the room there is.

    QT_QPA_PLATFORM="offscreen:configfile=screen.json" python tests/helpers/screen_fit_probe.py DB OUT.json

Run by tests/ui/test_screen_fit.py in its own process, because the screen (e.g. 1366×728: a 1366×768 laptop
with the Windows taskbar) is fixed when Qt starts. For the main window (after every page and a case's every tab
were shown), every main page, the case workspace's every tab, and every dialog a clerk opens (new case, every
node kind's entry form, every record form, every correction form, the 终本 assistant, the PDF preview, the
routine documents, the Excel import, the conflict dialog, sign-in, first start), it writes one row:
``{"name", "what", "width", "height", "room_width", "room_height"}`` where ``what`` is ``minimum`` (the
layout's minimumSizeHint: the window cannot be made smaller) or ``shown`` (the frame of the shown window, which
must lie inside the available area: ``x``, ``y`` are given too).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(db: str, out: str) -> int:
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from execdesk.services.database import open_database
    from execdesk.services.profiles import actor_for, users_by_role
    from execdesk.ui.app import install_translators, make_application
    from execdesk.ui.context import UiContext
    from execdesk.ui.screen_fit import available_rect, room

    app = make_application(["execdesk"])
    install_translators(app, "zh_CN")
    store = open_database(db)
    ctx = UiContext(store=store, actor=actor_for(store, "zhangwei"))
    ctx.settings.window_state = {}
    rows: list[dict] = []
    avail = available_rect(None)

    def settle() -> None:
        for _ in range(3):
            app.processEvents()

    def minimum(name: str, widget, window=None) -> None:
        hint = widget.minimumSizeHint()
        space = room(window or widget.window())
        rows.append({"name": name, "what": "minimum", "width": hint.width(), "height": hint.height(),
                     "room_width": space.width(), "room_height": space.height()})

    def shown(name: str, window) -> None:
        settle()
        frame = window.frameGeometry()
        rows.append({"name": name, "what": "shown", "x": frame.x(), "y": frame.y(), "width": frame.width(),
                     "height": frame.height(), "room_width": avail.width(), "room_height": avail.height(),
                     "avail_x": avail.x(), "avail_y": avail.y()})
        minimum(name, window)

    def dialog(name: str, dlg) -> None:
        dlg.show()
        shown(name, dlg)
        dlg.hide()
        dlg.deleteLater()

    def modal(name: str, open_it) -> None:
        """A dialog our code runs with exec(): measured when it is up, then dismissed."""
        seen: list = []

        def poll(left: int = 500) -> None:
            w = QApplication.activeModalWidget()
            if w is not None:
                seen.append(w)
                shown(name, w)
                w.reject()
                return
            if left:
                QTimer.singleShot(10, lambda: poll(left - 1))

        QTimer.singleShot(0, poll)
        open_it()
        if not seen:
            raise SystemExit(f"no dialog came up for {name}")

    from execdesk.ui.main_window import MainWindow

    win = MainWindow(ctx)
    win.show()
    settle()
    for key in ("today", "cases", "explanations", "supervision", "sync", "dashboard", "quality"):
        page = win.show_page(key)
        settle()
        minimum(f"page:{key}", page, win)
    from execdesk.services.search import CaseQuery, list_cases

    with store.query() as con:
        case_row = list_cases(con, CaseQuery(view="open"), limit=1)[0]
    ws = win.open_case(case_row.id)
    settle()
    for i in range(ws.tabs.count()):
        ws.tabs.setCurrentIndex(i)
        settle()
        minimum(f"case tab:{ws.tabs.tabText(i)}", ws.tabs.widget(i), win)
    shown("main window", win)
    bar = win.statusBar()
    bottom_left = bar.mapToGlobal(bar.rect().bottomLeft())
    rows.append({"name": "status bar", "what": "status", "bottom": bottom_left.y() + 1, "width": bar.width(),
                 "visible": bar.isVisible(), "room_width": avail.width(), "room_height": avail.height()})
    # Every case-list column at least as wide as its heading (no column squeezed to "…" by the window size).
    table = win.case_list.table
    header = table.horizontalHeader()
    metrics = header.fontMetrics()
    for col in range(header.count()):
        text = str(table.model().headerData(col, Qt.Orientation.Horizontal))
        rows.append({"name": f"case list column:{text}", "what": "column", "width": header.sectionSize(col),
                     "text_width": metrics.horizontalAdvance(text), "room_width": avail.width(),
                     "room_height": avail.height(), "height": 0})

    # Dialogs.
    from execdesk.ui import corrections
    from execdesk.ui.dialogs import (
        CaseDialog,
        FirstStartDialog,
        NodeDialog,
        OpFormDialog,
        record_dialogs,
    )
    from execdesk.ui.operations import Changes

    dialog("新建案件", CaseDialog(ctx, win))
    probe = NodeDialog(ctx, ws.view.case, win)
    codes = [probe.picker.list.item(i).data(0x0100) for i in range(probe.picker.list.count())]
    probe.deleteLater()
    for code in codes:
        dialog(f"记录流程节点:{code}", NodeDialog(ctx, ws.view.case, win, code=code))
    for kind, (title, specs, submit) in record_dialogs(ctx, ws.case_id, ws.view.parties).items():
        dialog(f"记录:{title}", OpFormDialog(ws, title, specs, submit, changes=Changes.of([ws.case_id], {kind})))
    modal("更正案号", lambda: corrections.correct_case_number(ws))
    modal("新增当事人", lambda: corrections.add_party(ws))
    ws.tabs.setCurrentIndex(1)
    ws.parties.selectRow(0)
    modal("修改当事人", lambda: corrections.edit_party(ws))
    modal("更正执行依据", lambda: corrections.correct_basis(ws))
    from execdesk.ui.zhongben_wizard import ZhongbenWizard

    dialog("终本助手", ZhongbenWizard(ctx, ws.case_id, win))
    from execdesk.ui.pdf_view import PdfPreviewDialog
    from execdesk.ui.routine_documents import RoutineDocumentsDialog

    pdf = Path(__file__).resolve().parents[1] / "fixtures"
    sample = next(iter(sorted(pdf.rglob("*.pdf"))), None)
    data = sample.read_bytes() if sample else _tiny_pdf()
    dialog("PDF 预览", PdfPreviewDialog(data, "预览", "预览.pdf", win))
    dialog("常用文书", RoutineDocumentsDialog(ctx, ws.case_id, win))
    from execdesk.ui.excel_import import ExcelImportDialog

    dialog("Excel 补录", ExcelImportDialog(ctx, win))
    from execdesk.rules.errors import ConflictError, FieldDiff
    from execdesk.ui.conflict import ConflictDialog

    diffs = [FieldDiff(f"字段{i}", f"您填写的值{i}", f"当前保存的值{i}") for i in range(14)]  # a long one
    dialog("保存冲突", ConflictDialog(ConflictError("案件", read_version=3, current_version=4, changed_by="刘洋",
                                                   diffs=diffs), win))
    from execdesk.ui.sign_in import SignInDialog

    with store.query() as con:
        people = users_by_role(con)
    dialog("登录", SignInDialog(store, people, "zhangwei"))
    dialog("首次启动", FirstStartDialog())
    # A layout saved on a 1920×1080 monitor (window 1800×1000 at 100,50), opened on this screen.
    from PySide6.QtWidgets import QMainWindow

    big = QMainWindow()
    big.setGeometry(100, 50, 1800, 1000)
    import base64

    saved = base64.b64encode(bytes(big.saveGeometry().data())).decode("ascii")
    big.deleteLater()
    win.ctx.settings.window_state = {}
    win.hide()
    ctx2 = UiContext(store=store, actor=ctx.actor)
    ctx2.settings.window_state = {"geometry": saved}
    again = MainWindow(ctx2)
    again.show()
    shown("restored from a 1920×1080 screen", again)
    ctx2.settings.window_state = {}
    again.hide()
    store.close()
    Path(out).write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


def _tiny_pdf() -> bytes:
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.drawString(100, 750, "ExecDesk")
    c.showPage()
    c.save()
    return buf.getvalue()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], sys.argv[2]))
