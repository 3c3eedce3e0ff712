"""文件 → 从Excel补录…: the court's case list into ExecDesk, in three steps (issue 15; docs/excel-import.md).

1. 列对应 — every column of the sheet with its header, sample values and the field it goes to (recognised from the
   header, or as this court saved it last time); the clerk corrects any and may save the mapping for the court.
2. 预览 — every case with its parsed values and every problem in Chinese, before anything is written; a choice:
   全部成功或全部不导入, or 只导入合格案件 with the rejected rows saved to an .xlsx with a 未导入原因 column.
3. 导入 — one transaction in a worker with progress; 取消 writes nothing. Then the data-quality report of the
   imported cases is one click away.

Reading and the preview also run in the worker (a 100,000-row sheet takes a while). Widgets only show what the
service (services.excel_import) returns; the law and the checks live there.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import (
    QAbstractTableModel,
    QEventLoop,
    QModelIndex,
    QObject,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from execdesk.rules.errors import ValidationError
from execdesk.services import excel_import as xi
from execdesk.ui.context import UiContext
from execdesk.ui.screen_fit import fit_window
from execdesk.ui.widgets import show_error
from execdesk.ui.workers import Task, run_with_progress

ERROR_COLOR = QColor("#c62828")


class PreviewModel(QAbstractTableModel):
    """The previewed cases: one line per case (a case of several rows shows its first row)."""

    HEADERS = ("行", "案号", "立案日期", "申请执行标的", "当事人", "节点", "结果", "问题")

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.cases: list[xi.CaseDraft] = []

    def set_preview(self, preview: xi.Preview | None) -> None:
        self.beginResetModel()
        self.cases = list(preview.cases) if preview else []
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008, N802 - Qt's signature
        return 0 if parent.isValid() else len(self.cases)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        d = self.cases[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.ForegroundRole and col in (6, 7) and not d.ok:
            return ERROR_COLOR
        if role == Qt.ItemDataRole.ToolTipRole and col == 7:
            return "\n".join(str(p) for p in d.problems) or None
        if role == Qt.ItemDataRole.UserRole:
            return d.ok
        if role == PROBLEM_ROLE:
            return "" if d.ok else "有问题"
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        v = d.validated
        if col == 0:
            return str(d.first_row) if len(d.rows) == 1 else f"{d.first_row}（{len([r for r in d.rows if r > 0])}行）"
        if col == 1:
            return d.case_number
        if col == 2:
            if v:
                return v["filed"].isoformat()
            filed = d.data.filed_on if d.data is not None else None
            return filed.isoformat() if hasattr(filed, "isoformat") else ""
        if col == 3:
            if v:
                return f"{v['amount'] / 100:,.2f}"
            amount = d.data.amount_claimed if d.data is not None else None
            return f"{Decimal(amount):,.2f}" if isinstance(amount, str) and amount else ""
        if col == 4:
            return d.parties_text()
        if col == 5:
            return str(len(d.nodes)) if d.nodes else ""
        if col == 6:
            return "可导入" if d.ok else "有问题"
        if col == 7:
            return "；".join(f"{p.location()} {p.field}：{p.message}" for p in d.problems)
        return None


PROBLEM_ROLE = Qt.ItemDataRole.UserRole + 1  # "有问题" or "": what 只看有问题的案件 filters on


class _ProblemsOnly(QSortFilterProxyModel):
    """只看有问题的案件 with Qt's own filter (on PROBLEM_ROLE): with the box unticked the filter is empty and
    Qt maps the rows without calling back into Python once per row (a 100,000-case preview)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setFilterRole(PROBLEM_ROLE)
        self.setFilterKeyColumn(0)

    def only(self, on: bool) -> None:
        self.setFilterFixedString("有问题" if on else "")


class ExcelImportDialog(QDialog):
    """The wizard. ``open_file(path)`` reads the layout; ``run_preview()``, ``run_import()`` drive it (tests)."""

    previewed = Signal(object)  # the Preview
    imported = Signal(int)  # cases imported
    refused = Signal(str)
    report_requested = Signal(list)  # case ids of this import

    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("ExcelImportDialog")
        self.setWindowTitle(self.tr("从Excel补录案件"))
        fit_window(self, 1180, 680)
        self.layout_: xi.Layout | None = None
        self.preview: xi.Preview | None = None
        self.court = xi.court_code_of(ctx.store)
        self.task: Task | None = None
        self.imported_ids: list[str] = []
        self.rejected_file: Path | None = None
        self.labels = xi.field_labels()

        self.steps = QLabel()
        self.steps.setObjectName("steps")
        self.stack = QStackedWidget()
        self.stack.addWidget(self._mapping_page())
        self.stack.addWidget(self._preview_page())
        self.stack.addWidget(self._done_page())
        lay = QVBoxLayout(self)
        lay.addWidget(self.steps)
        lay.addWidget(self.stack, 1)
        self._show_step(0)

    # -- pages

    def _mapping_page(self) -> QWidget:
        page = QWidget()
        self.file_label = QLabel()
        self.file_label.setWordWrap(True)
        self.mapping_table = QTableWidget(0, 5)
        self.mapping_table.setObjectName("mapping")
        self.mapping_table.setHorizontalHeaderLabels(
            [self.tr("列"), self.tr("表头"), self.tr("示例"), self.tr("导入为"), self.tr("依据")])
        self.mapping_table.verticalHeader().setVisible(False)
        self.mapping_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.mapping_table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.missing_label = QLabel()
        self.missing_label.setObjectName("missing")
        self.missing_label.setStyleSheet("color: #c62828")
        self.missing_label.setWordWrap(True)
        self.save_mapping = QCheckBox(self.tr("保存为本院的列对应（下次自动使用）"))
        self.save_mapping.setObjectName("save_mapping")
        self.next_button = QPushButton(self.tr("下一步：预览"))
        self.next_button.setObjectName("to_preview")
        self.next_button.clicked.connect(self.run_preview)
        cancel = QPushButton(self.tr("关闭"))
        cancel.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.save_mapping)
        bottom.addStretch(1)
        bottom.addWidget(cancel)
        bottom.addWidget(self.next_button)
        lay = QVBoxLayout(page)
        lay.addWidget(self.file_label)
        lay.addWidget(self.mapping_table, 1)
        lay.addWidget(self.missing_label)
        lay.addLayout(bottom)
        return page

    def _preview_page(self) -> QWidget:
        page = QWidget()
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.file_problems = QLabel()
        self.file_problems.setStyleSheet("color: #c62828")
        self.file_problems.setWordWrap(True)
        self.model = PreviewModel(self)
        self.proxy = _ProblemsOnly(self)
        self.proxy.setSourceModel(self.model)
        self.view = QTableView()
        self.view.setObjectName("preview")
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.setWordWrap(False)
        for col, width in enumerate((70, 190, 90, 100, 260, 45, 60)):
            self.view.setColumnWidth(col, width)
        self.only_problems = QCheckBox(self.tr("只看有问题的案件"))
        self.only_problems.setObjectName("only_problems")
        self.only_problems.toggled.connect(self._filter)
        self.all_or_nothing = QRadioButton(self.tr("全部成功或全部不导入（有任何错误则不导入）"))
        self.all_or_nothing.setObjectName("all_or_nothing")
        self.valid_only = QRadioButton(self.tr("只导入合格案件，有问题的行另存为 Excel（含“未导入原因”列，改正后可再导入）"))
        self.valid_only.setObjectName("valid_only")
        group = QButtonGroup(self)
        group.addButton(self.all_or_nothing)
        group.addButton(self.valid_only)
        self.all_or_nothing.setChecked(True)
        self.import_button = QPushButton(self.tr("导入"))
        self.import_button.setObjectName("do_import")
        self.import_button.clicked.connect(self.ask_import)
        self.save_rejected_button = QPushButton(self.tr("另存有问题的行…"))
        self.save_rejected_button.clicked.connect(self.ask_save_rejected)
        back = QPushButton(self.tr("上一步：列对应"))
        back.clicked.connect(lambda: self._show_step(0))
        options = QVBoxLayout()
        options.addWidget(self.all_or_nothing)
        options.addWidget(self.valid_only)
        bottom = QHBoxLayout()
        bottom.addLayout(options, 1)
        bottom.addWidget(back)
        bottom.addWidget(self.save_rejected_button)
        bottom.addWidget(self.import_button)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.only_problems)
        lay = QVBoxLayout(page)
        lay.addLayout(top)
        lay.addWidget(self.file_problems)
        lay.addWidget(self.view, 1)
        lay.addLayout(bottom)
        return page

    def _done_page(self) -> QWidget:
        page = QWidget()
        self.done_label = QLabel()
        self.done_label.setObjectName("done")
        self.done_label.setWordWrap(True)
        report = QPushButton(self.tr("查看本次补录的数据质量报告"))
        report.setObjectName("show_report")
        report.clicked.connect(lambda: self.report_requested.emit(list(self.imported_ids)))
        close = QPushButton(self.tr("完成"))
        close.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(report)
        bottom.addWidget(close)
        lay = QVBoxLayout(page)
        lay.addWidget(self.done_label)
        lay.addStretch(1)
        lay.addLayout(bottom)
        return page

    def _show_step(self, n: int) -> None:
        self.stack.setCurrentIndex(n)
        names = [self.tr("① 列对应"), self.tr("② 预览"), self.tr("③ 导入")]
        self.steps.setText("　→　".join(f"<b>{s}</b>" if i == n else s for i, s in enumerate(names)))

    # -- step 1

    def open_file(self, path: Path) -> bool:
        """Read the file's layout in a worker (finding the header parses the sheet: seconds for a 100,000-row
        list) while the window keeps running, with 取消; True once the mapping step shows it."""
        court = self.court
        outcome: dict = {}
        loop = QEventLoop(self)
        self.task = run_with_progress(
            self, self.tr("读取文件"), lambda job: xi.read_layout(Path(path), court_code=court),
            on_done=lambda lay: (outcome.update(layout=lay), loop.quit()),
            on_error=lambda exc: (outcome.update(error=exc), loop.quit()),
            on_cancel=loop.quit)
        loop.exec()  # results arrive as queued signals, so none is missed before the loop runs
        if "error" in outcome:
            exc = outcome["error"]
            if isinstance(exc, ValidationError):
                QMessageBox.warning(self, self.tr("从Excel补录"), str(exc))
            else:
                show_error(self, self.tr("从Excel补录"), exc)
            return False
        if "layout" not in outcome:  # 取消
            return False
        self.layout_ = outcome["layout"]
        lay = self.layout_
        first, last = lay.header_rows
        rows = self.tr("第{0}行").format(first) if first == last else self.tr("第{0}—{1}行").format(first, last)
        node = self.tr("；节点表“{0}”").format(lay.node_sheet) if lay.node_sheet else ""
        self.file_label.setText(self.tr("文件：{0}　工作表“{1}”，表头在{2}{3}。请核对每一列导入为哪一项。")
                                .format(Path(path).name, lay.sheet, rows, node))
        t = self.mapping_table
        t.setRowCount(len(lay.columns))
        keys = [None, *self.labels]
        for r, c in enumerate(lay.columns):
            t.setItem(r, 0, QTableWidgetItem(c.letter))
            t.setItem(r, 1, QTableWidgetItem(c.header))
            t.setItem(r, 2, QTableWidgetItem("　|　".join(s for s in c.samples if s)))
            box = QComboBox()
            box.addItem(self.tr("（不导入）"), None)
            for k in keys[1:]:
                box.addItem(self.labels[k], k)
            box.setCurrentIndex(keys.index(c.field) if c.field in keys else 0)
            box.currentIndexChanged.connect(lambda _i, col=c, b=box: self._mapped(col, b))
            t.setCellWidget(r, 3, box)
            t.setItem(r, 4, QTableWidgetItem(c.source))
            if c.field is None:
                for k in (0, 1, 4):
                    t.item(r, k).setForeground(QColor("#888888"))
        t.resizeColumnsToContents()
        t.setColumnWidth(3, 220)
        t.setColumnWidth(4, max(t.columnWidth(4), 90))
        t.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self._update_missing()
        self._show_step(0)
        return True

    def combo(self, header: str) -> QComboBox:
        """The 导入为 box of the column with this header (tests, and the screenshot script)."""
        for r, c in enumerate(self.layout_.columns):
            if c.header == header:
                return self.mapping_table.cellWidget(r, 3)
        raise KeyError(header)

    def _mapped(self, col: xi.Column, box: QComboBox) -> None:
        col.field = box.currentData()
        col.source = "人工指定"
        row = self.layout_.columns.index(col)
        self.mapping_table.item(row, 4).setText(self.tr("人工指定"))
        color = QColor("#888888") if col.field is None else self.palette().text().color()
        for k in (0, 1, 4):
            self.mapping_table.item(row, k).setForeground(color)
        self._update_missing()

    def _update_missing(self) -> None:
        missing = self.layout_.missing_required() if self.layout_ else []
        self.missing_label.setText(self.tr("缺少必需的列：{0}").format("、".join(missing)) if missing else "")

    # -- step 2

    def run_preview(self) -> Task | None:
        if self.layout_ is None:
            return None
        if self.save_mapping.isChecked():
            xi.save_mapping(self.court, self.layout_.mapping())
        store, layout, today = self.ctx.store, self.layout_, self.ctx.today()
        text = self.tr("正在读取并检查第 {0} 行…")

        def work(job):
            def progress(done: int, total: int) -> None:
                job.progress(done, total, text.format(done))
                job.check()

            return xi.build_preview(store, layout, today=today, progress=progress)

        self.task = run_with_progress(self, self.tr("预览"), work, on_done=self._previewed,
                                      on_error=lambda exc: show_error(self, self.tr("预览"), exc))
        return self.task

    def _previewed(self, preview: xi.Preview) -> None:
        self.preview = preview
        self.model.set_preview(preview)
        self.summary.setText(preview.summary())
        self.file_problems.setText("\n".join(str(p) for p in preview.file_problems))
        self.file_problems.setVisible(bool(preview.file_problems))
        self.save_rejected_button.setEnabled(bool(preview.rejected))
        self.valid_only.setEnabled(bool(preview.valid))
        if preview.blocking and preview.valid:
            self.summary.setText(self.summary.text() + self.tr("。有错误时可改正原表后重新预览，或选择只导入合格案件。"))
        self._show_step(1)
        self.previewed.emit(preview)

    def _filter(self, on: bool) -> None:
        self.proxy.only(on)

    def ask_save_rejected(self) -> None:
        path = self._ask_rejected_path()
        if path:
            n = xi.export_rejected(self.preview, path)
            QMessageBox.information(self, self.tr("另存有问题的行"), self.tr("已另存{0}行：{1}").format(n, path))

    def _ask_rejected_path(self) -> Path | None:
        src = self.layout_.path
        suggested = str(src.with_name(src.stem + "_未导入.xlsx"))
        path, _ = QFileDialog.getSaveFileName(self, self.tr("未导入的行另存为"), suggested, self.tr("Excel 文件 (*.xlsx)"))
        return Path(path) if path else None

    # -- step 3

    def ask_import(self) -> None:
        if self.preview is None:
            return
        rejected = None
        if self.valid_only.isChecked() and self.preview.rejected:
            rejected = self._ask_rejected_path()
            if rejected is None:
                return
        self.run_import(valid_only=self.valid_only.isChecked(), rejected=rejected)

    def run_import(self, *, valid_only: bool = False, rejected: Path | None = None) -> Task | None:
        pv = self.preview
        if pv is None:
            return None
        if pv.blocking and not valid_only:
            problems = [p for p in pv.problems() if p.level == xi.ERROR]
            shown = "\n".join(str(p) for p in problems[:15])
            more = self.tr("\n……另有{0}处").format(len(problems) - 15) if len(problems) > 15 else ""
            message = self.tr("没有导入任何案件（全部成功或全部不导入）：有{0}处错误，请改正后重新预览，"
                              "或选择“只导入合格案件”。\n{1}{2}").format(len(problems), shown, more)
            self.refused.emit(message)
            QMessageBox.warning(self, self.tr("从Excel补录"), message)
            return None
        store, actor, today = self.ctx.store, self.ctx.actor, self.ctx.today()
        text = self.tr("正在导入案件 {0}/{1}…")

        def work(job):
            def progress(done: int, total: int) -> None:
                job.progress(done, total, text.format(done, total))
                job.check()  # 取消: raises inside the one transaction, everything rolls back

            ids = xi.write_import(store, actor, pv, valid_only=valid_only, today=today, progress=progress)
            written = None
            if rejected is not None and pv.rejected:
                xi.export_rejected(pv, rejected)
                written = rejected
            return ids, written

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationError):
                message = self.tr("没有导入任何案件（全部成功或全部不导入）：\n{0}").format(exc)
                self.refused.emit(message)
                QMessageBox.warning(self, self.tr("从Excel补录"), message)
            else:
                show_error(self, self.tr("从Excel补录"), exc)

        self.task = run_with_progress(self, self.tr("导入案件"), work, on_done=self._imported, on_error=failed)
        return self.task

    def _imported(self, result) -> None:
        ids, written = result
        self.imported_ids, self.rejected_file = ids, written
        text = self.tr("已从 {0} 导入 {1} 件案件，每件案件和节点都已记入审计日志并排入同步队列。").format(
            self.layout_.path.name, len(ids))
        if written:
            text += self.tr("\n未导入 {0} 件，已另存：{1}（改正后可再次导入）。").format(len(self.preview.rejected), written)
        self.done_label.setText(text)
        self._show_step(2)
        self.imported.emit(len(ids))


def ask_excel_import(ctx: UiContext, window: QWidget) -> ExcelImportDialog | None:
    """文件 → 从Excel补录…: choose the file, then the wizard (non-modal, so the window stays usable)."""
    path, _ = QFileDialog.getOpenFileName(window, window.tr("从Excel补录"), "",
                                          window.tr("案件清单 (*.xlsx *.xlsm *.xls *.csv)"))
    if not path:
        return None
    dialog = ExcelImportDialog(ctx, window)
    if not dialog.open_file(Path(path)):
        dialog.deleteLater()
        return None
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
