"""数据质量 screen (issue 15 §3): the 补录 data-quality report on screen, exported to Excel, printed as the PDF the
中院院长 signs. Over all cases, or over one import (opened from the Excel 补录 wizard); with the court's own
list for the 帐外案/抽屉案 check. The report is computed in a worker (services.quality); the PDF is composed by
documents.quality_report and shown in the app's PDF preview, from which it prints.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from execdesk.services import quality
from execdesk.ui.context import UiContext
from execdesk.ui.widgets import fill_table, make_table, show_error
from execdesk.ui.workers import start

log = logging.getLogger(__name__)


class QualityPage(QWidget):
    loaded = Signal()
    open_case = Signal(str)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.report: quality.QualityReport | None = None
        self.case_ids: list[str] | None = None
        self.court_list: Path | None = None
        self.loading = False
        self._again = False
        self.pdf_preview: QWidget | None = None
        self.headline = QLabel()
        self.headline.setObjectName("headline")
        self.headline.setWordWrap(True)
        self.scope_button = QPushButton(self.tr("全部案件"))
        self.scope_button.setObjectName("scope_all")
        self.scope_button.clicked.connect(lambda: self.show_report(None))
        self.list_button = QPushButton(self.tr("核对法院名单…"))
        self.list_button.setObjectName("court_list")
        self.list_button.clicked.connect(self.ask_court_list)
        self.xlsx_button = QPushButton(self.tr("导出 Excel…"))
        self.xlsx_button.setObjectName("export_xlsx")
        self.xlsx_button.clicked.connect(self.ask_export_xlsx)
        self.pdf_button = QPushButton(self.tr("打印报告（PDF）…"))
        self.pdf_button.setObjectName("print_pdf")
        self.pdf_button.clicked.connect(self.ask_pdf)
        refresh = QPushButton(self.tr("刷新"))
        refresh.clicked.connect(self.refresh)
        self.checks = make_table()
        self.checks.setObjectName("checks")
        self.checks.itemSelectionChanged.connect(self._show_findings)
        self.handlers = make_table()
        self.handlers.setObjectName("handlers")
        self.findings = make_table()
        self.findings.setObjectName("findings")
        self.findings.cellDoubleClicked.connect(self._open_finding)
        self.findings_title = QLabel()
        top = QHBoxLayout()
        top.addWidget(self.headline, 1)
        for b in (self.scope_button, self.list_button, refresh, self.xlsx_button, self.pdf_button):
            top.addWidget(b)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(QLabel(self.tr("检查项（选中一项查看案件）")))
        ll.addWidget(self.checks, 2)
        ll.addWidget(QLabel(self.tr("承办人分布")))
        ll.addWidget(self.handlers, 1)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.findings_title)
        rl.addWidget(self.findings, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([560, 640])
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(split, 1)
        self.refresh()

    # -- data

    def show_report(self, case_ids: list[str] | None) -> None:
        """All cases (None) or the cases of one import."""
        self.case_ids = case_ids
        self.refresh()

    def refresh(self) -> None:
        if self.loading:
            self._again = True  # asked for another scope or list while computing: compute again after
            return
        self.loading = True
        self._again = False
        self.headline.setText(self.tr("正在检查…"))
        store, today, ids, court_list = self.ctx.store, self.ctx.today(), self.case_ids, self.court_list

        def work(_job):
            return quality.quality_report(store, today=today, case_ids=ids, court_list=court_list)

        def failed(exc: BaseException) -> None:
            self.loading = False
            self.headline.setText(self.tr("检查失败：{0}").format(exc))
            if court_list is not None:
                self.court_list = None
                show_error(self, self.tr("数据质量"), exc)
            if self._again:
                self.refresh()

        start(self, work, on_done=self._show, on_error=failed)

    def _show(self, report: quality.QualityReport) -> None:
        self.loading = False
        if self._again:  # what was computed is no longer what was asked for
            self.refresh()
            return
        self.report = report
        text = self.tr("{0}　{1}：共 {2} 件（未结 {3} 件），存在问题的案件 {4} 件。").format(
            report.court, report.scope, report.total, report.open, report.problem_cases)
        rows = [(c.title, c.count, c.basis) for c in report.checks]
        cl = report.court_list
        if cl is not None:
            t = quality.texts()["court_list"]
            rows += [(t["not_in_db"], len(cl.not_in_db), t["basis"]), (t["not_on_list"], len(cl.not_on_list), t["basis"])]
            text += self.tr("已核对法院名单 {0}（{1} 件）。").format(cl.source, cl.listed)
        self.headline.setText(text)
        fill_table(self.checks, [self.tr("检查项"), self.tr("案件数"), self.tr("依据")], rows)
        fill_table(self.handlers, [self.tr("承办人"), self.tr("案件"), self.tr("未结")] + [c.title for c in report.checks]
                   + [self.tr("合计")],
                   [(h.handler, h.total, h.open, *[h.by_check[k] for k in quality.CHECKS], h.problems)
                    for h in report.handlers])
        self.checks.resizeColumnsToContents()
        self.handlers.resizeColumnsToContents()
        first = next((i for i, r in enumerate(rows) if r[1]), 0)
        self.checks.selectRow(first)
        self._show_findings()
        self.loaded.emit()

    def _show_findings(self) -> None:
        r = self.report
        row = self.checks.currentRow()
        if r is None or row < 0:
            return
        if row < len(r.checks):
            c = r.checks[row]
            title, items = c.title, [(f.case_number, f.handler, f.detail, f.case_id) for f in c.findings]
        elif r.court_list is not None and row == len(r.checks):
            title = quality.texts()["court_list"]["not_in_db"]
            items = [(n, "", self.tr("法院名单中有，本系统中没有，须补录"), None) for n in r.court_list.not_in_db]
        else:
            title = quality.texts()["court_list"]["not_on_list"]
            items = [(f.case_number, f.handler, f.detail, f.case_id) for f in r.court_list.not_on_list]
        self.findings_title.setText(self.tr("{0}：{1} 件（双击打开案件）").format(title, len(items)))
        fill_table(self.findings, [self.tr("案号"), self.tr("承办人"), self.tr("问题")],
                   [i[:3] for i in items[:5000]], ids=[i[3] for i in items[:5000]])

    def _open_finding(self, row: int, _col: int) -> None:
        item = self.findings.item(row, 0)
        case_id = item.data(Qt.ItemDataRole.UserRole) if item else None
        if case_id:
            self.open_case.emit(case_id)

    # -- actions

    def ask_court_list(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("法院案件名单"), "",
                                              self.tr("案件名单 (*.xlsx *.xls *.csv *.txt)"))
        if path:
            self.set_court_list(Path(path))

    def set_court_list(self, path: Path | None) -> None:
        self.court_list = path
        self.refresh()

    def ask_export_xlsx(self) -> None:
        if self.report is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, self.tr("导出数据质量报告"), "数据质量报告.xlsx",
                                              self.tr("Excel 文件 (*.xlsx)"))
        if path:
            self.export_xlsx(Path(path))

    def export_xlsx(self, path: Path) -> None:
        quality.export_xlsx(self.report, path)
        QMessageBox.information(self, self.tr("导出"), self.tr("已导出：{0}").format(path))

    def pdf_bytes(self) -> bytes:
        from execdesk.documents.quality_report import render  # reportlab: loaded on first print

        return render(self.report, actor=self.ctx.actor.display_name)

    def ask_pdf(self) -> QWidget | None:
        """The report in the app's PDF preview, with 打印… and 另存为… (as issued documents are printed)."""
        if self.report is None:
            return None
        from execdesk.ui.pdf_view import PdfPreviewDialog

        self.pdf_preview = PdfPreviewDialog(self.pdf_bytes(), self.tr("数据质量报告（供中院院长审核确认）"),
                                            "数据质量报告.pdf", self)
        self.pdf_preview.show()
        return self.pdf_preview

    def save_pdf(self, path: Path) -> Path:
        tmp = path.with_name(path.name + ".partial")
        tmp.write_bytes(self.pdf_bytes())
        tmp.replace(path)
        return path
