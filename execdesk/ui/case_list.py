"""The case list: a lazy Qt table model over ``services.search`` with search, filters and sorting.

Pages of 200 rows are fetched as the view scrolls (canFetchMore/fetchMore); a 100,000-case database never
loads more than the rows on screen plus a page. Each page is one indexed or ~30 ms scanning query.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from execdesk.rules.money import format_yuan
from execdesk.services.database import Store
from execdesk.services.profiles import MyCases
from execdesk.services.search import VIEWS, CaseQuery, CaseRow, count_cases, list_cases, view_counts

PAGE = 200
# The filter views' labels (services.search.VIEWS) marked for lupdate in this page's context.
VIEW_LABELS = {
    "open": QT_TRANSLATE_NOOP("CaseListPage", "全部未结"), "overdue": QT_TRANSLATE_NOOP("CaseListPage", "执行期限已超期"),
    "node_overdue": QT_TRANSLATE_NOOP("CaseListPage", "节点超期"),
    "warn10": QT_TRANSLATE_NOOP("CaseListPage", "预警（10日内到期）"),
    "warn5": QT_TRANSLATE_NOOP("CaseListPage", "预警（5日内到期）"),
    "livelihood": QT_TRANSLATE_NOOP("CaseListPage", "涉民生"),
    "small": QT_TRANSLATE_NOOP("CaseListPage", "标的不足10万元"),
    "zhongben_ready": QT_TRANSLATE_NOOP("CaseListPage", "可以终本"),
    "awaiting_approval": QT_TRANSLATE_NOOP("CaseListPage", "待审批"),
    "explanation_owed": QT_TRANSLATE_NOOP("CaseListPage", "须书面说明"),
    "closed": QT_TRANSLATE_NOOP("CaseListPage", "已结"), "all": QT_TRANSLATE_NOOP("CaseListPage", "全部案件"),
}
NO_PARENT = QModelIndex()  # the table's root: Qt's default argument, built once

RED = QColor("#c62828")
ORANGE = QColor("#e65100")
AMBER_BG = QColor("#fff3e0")
RED_BG = QColor("#ffebee")


class CaseTableModel(QAbstractTableModel):
    COLUMNS = [  # (header, sort key); headers marked for lupdate, translated in headerData
        (QT_TRANSLATE_NOOP("CaseTableModel", "案号"), "case_number"),
        (QT_TRANSLATE_NOOP("CaseTableModel", "案由"), "cause"),
        (QT_TRANSLATE_NOOP("CaseTableModel", "申请执行人"), None),
        (QT_TRANSLATE_NOOP("CaseTableModel", "被执行人"), None),
        (QT_TRANSLATE_NOOP("CaseTableModel", "申请标的（元）"), "amount"),
        (QT_TRANSLATE_NOOP("CaseTableModel", "立案日期"), "filed_on"),
        (QT_TRANSLATE_NOOP("CaseTableModel", "承办人"), None),
        (QT_TRANSLATE_NOOP("CaseTableModel", "执行期限届满"), "limit_due_on"),
        (QT_TRANSLATE_NOOP("CaseTableModel", "预警"), "overdue_days"),
        (QT_TRANSLATE_NOOP("CaseTableModel", "状态"), "status"),
    ]

    def __init__(self, store: Store, parent=None):
        super().__init__(parent)
        self.store = store
        self.query = CaseQuery()
        self.rows: list[CaseRow] = []
        self.total = 0
        self._exhausted = True
        self.today = date.today()
        self.loading_enabled = False  # set by the page once set up: header changes before that only record the order

    # -- loading

    def set_query(self, query: CaseQuery) -> None:
        self.beginResetModel()
        self.query = query
        with self.store.query() as con:
            self.rows = list_cases(con, query, offset=0, limit=PAGE)
            # A short first page is the whole result: no second scan just to count it.
            self.total = len(self.rows) if len(self.rows) < PAGE else count_cases(con, query)
        self._exhausted = len(self.rows) >= self.total
        self.endResetModel()

    def reload(self) -> None:
        self.set_query(self.query)

    def canFetchMore(self, parent=NO_PARENT) -> bool:
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent=NO_PARENT) -> None:
        if parent.isValid() or self._exhausted:
            return
        with self.store.query() as con:
            more = list_cases(con, self.query, offset=len(self.rows), limit=PAGE)
        if not more:
            self._exhausted = True
            return
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(more) - 1)
        self.rows.extend(more)
        self.endInsertRows()
        self._exhausted = len(self.rows) >= self.total or len(more) < PAGE

    # -- Qt model interface

    def rowCount(self, parent=NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.tr(self.COLUMNS[section][0])
        return None

    def warning_text(self, row: CaseRow) -> str:
        if row.status != "未结":
            return ""
        if row.overdue_days > 0:
            return self.tr("超期{0}天").format(row.overdue_days)
        if row.warning_level == -1:
            return self.tr("节点超期")  # a node deadline passed; the execution limit itself has not
        if row.warning_level in (10, 5) and row.next_due_on:
            return self.tr("{0}天后到期").format((row.next_due_on - self.today).days)
        return ""

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, col)
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 4:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and col == 8:
            if row.overdue_days > 0 or row.warning_level == -1:
                return QBrush(RED)
            if row.warning_level in (10, 5):
                return QBrush(ORANGE)
        if role == Qt.ItemDataRole.BackgroundRole and row.status == "未结":
            if row.overdue_days > 0 or row.warning_level == -1:
                return QBrush(RED_BG)
            if row.warning_level == 5:
                return QBrush(AMBER_BG)
        if role == Qt.ItemDataRole.ToolTipRole and col == 7 and row.deadlines_provisional:
            return self.tr("该日期所在年度的法定节假日安排尚未公布，届满日按周末推算，为暂定日期")
        return None

    def _display(self, row: CaseRow, col: int) -> str:
        if col == 0:
            flags = []
            if row.is_livelihood:
                flags.append(self.tr("民生"))
            if row.zhongben_ready:
                flags.append(self.tr("可终本"))
            return row.case_number + (f"  [{'/'.join(flags)}]" if flags else "")
        if col == 1:
            return row.cause
        if col == 2:
            return row.applicants
        if col == 3:
            return row.respondents
        if col == 4:
            return format_yuan(row.amount_fen)
        if col == 5:
            return row.filed_on.isoformat()
        if col == 6:
            return row.handler_name
        if col == 7:
            if row.limit_due_on is None:
                return ""
            return row.limit_due_on.isoformat() + (self.tr("（暂定）") if row.deadlines_provisional else "")
        if col == 8:
            return self.warning_text(row)
        if col == 9:
            return row.status
        return ""

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        key = self.COLUMNS[column][1]
        if key is None:
            return
        desc = order == Qt.SortOrder.DescendingOrder
        if not self.loading_enabled:  # the header being set up or restored: remember, load once later
            self.query = replace(self.query, sort=key, descending=desc)
            return
        self.set_query(replace(self.query, sort=key, descending=desc))

    def row_of(self, case_id: str) -> int | None:
        """The row showing ``case_id`` among the rows loaded so far."""
        return next((i for i, r in enumerate(self.rows) if r.id == case_id), None)

    def case_id_at(self, row: int) -> str | None:
        return self.rows[row].id if 0 <= row < len(self.rows) else None


class CaseListPage(QWidget):
    """Search box, 我的/全部, filter views with counts, and the lazy case table."""

    open_case = Signal(str)  # case id
    new_case = Signal()
    counts_loaded = Signal(dict)

    def __init__(self, store: Store, user_id: str | None, parent: QWidget | None = None, *,
                 clock: Callable[[], date] = date.today, mine: MyCases | None = None):
        super().__init__(parent)
        self.store = store
        self.user_id = user_id
        # 我的案件 by role (services.profiles.my_cases); without one, the cases this person handles.
        self.mine = mine if mine is not None else (MyCases(handler_id=user_id) if user_id else MyCases())
        self.clock = clock
        self.model = CaseTableModel(store, self)
        self.model.today = clock()

        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText(self.tr("搜索：案号片段、当事人姓名（如 张三）、身份证号或统一社会信用代码"))
        self.search.setClearButtonEnabled(True)
        self.scope = QComboBox()
        self.scope.setObjectName("scope")
        self.scope.addItem(self.tr(self.mine.label), "mine")
        if not self.mine.everything:
            self.scope.addItem(self.tr("全部案件"), "all")
        else:  # a bureau leader's 本局案件 is every case: one entry, nothing to switch
            self.scope.setEnabled(False)
        new_btn = QPushButton(self.tr("新建案件"))
        new_btn.clicked.connect(self.new_case)
        self.export_button = QPushButton(self.tr("导出 Excel…"))
        self.export_button.setObjectName("export_list")
        self.export_button.setToolTip(self.tr("把当前列表（当前筛选和搜索的全部结果）导出为 Excel 工作簿"))
        self.export_button.clicked.connect(lambda: self.export_excel())
        self.summary = QLabel()
        self.summary.setObjectName("summary")

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.scope)
        top.addWidget(new_btn)
        top.addWidget(self.export_button)

        self.views = QListWidget()
        self.views.setObjectName("views")
        for key, label in VIEWS.items():
            item = QListWidgetItem(self.tr(VIEW_LABELS.get(key, label)))
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.views.addItem(item)
        self.views.setCurrentRow(0)
        self.views.setMinimumWidth(170)
        self.views.setMaximumWidth(240)

        self.table = QTableView()
        self.table.setObjectName("caseTable")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(5, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # The names share what the window has beyond the fixed columns (a wide screen widens 案由 and the
        # parties, not 状态; issue 17 item 9); the other columns stay resizable by hand.
        header.setStretchLastSection(False)
        for col in (1, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        for col, width in enumerate((205, 120, 100, 150, 105, 88, 56, 140, 84, 44)):
            # Never narrower than the heading with its sort arrow (issue 17 item 9: readable at 1366 px).
            self.table.setColumnWidth(col, max(width, header.sectionSizeHint(col)))
        self.table.doubleClicked.connect(self._open_index)
        self.table.activated.connect(self._open_index)

        split = QSplitter()
        split.addWidget(self.views)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.table)
        rl.addWidget(self.summary)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([200, 1100])
        self.splitter = split

        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(split, 1)

        # Debounce typing: search 250 ms after the last key, not on every key.
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.apply)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.search.returnPressed.connect(self._search_entered)
        self.scope.currentIndexChanged.connect(lambda _i: self.refresh())
        self.views.currentRowChanged.connect(lambda _r: self.apply())
        # No query yet: the owner restores the saved layout (sort column, scope) first, then calls refresh().

    def current_query(self) -> CaseQuery:
        item = self.views.currentItem()
        view = item.data(Qt.ItemDataRole.UserRole) if item else "open"
        handler, clerk = self.scope_ids()
        q = self.model.query
        return CaseQuery(text=self.search.text(), view=view, handler_id=handler, clerk_id=clerk, sort=q.sort,
                         descending=q.descending,
                         today=self.clock())

    def _search_entered(self) -> None:
        """Enter in the search box: search now; a single hit opens at once (issue 17 item 5), several put the
        keyboard on the first row (↓ and Enter open another)."""
        self.apply()
        if self.model.total == 1 and self.model.rows:
            self.open_case.emit(self.model.rows[0].id)
        elif self.model.rows:
            self.table.setFocus()
            self.table.selectRow(0)

    def scope_ids(self) -> tuple[str | None, str | None]:
        """(handler id, clerk id) of the chosen scope: 我的案件 by role, or (None, None) for every case."""
        if self.scope.currentData() == "mine":
            return self.mine.handler_id, self.mine.clerk_id
        return None, None

    def apply(self) -> None:
        self._debounce.stop()
        keep = self.selected_case_id()
        self.model.set_query(self.current_query())
        self._update_summary()
        row = self.model.row_of(keep) if keep else None
        if row is not None:  # a re-read (after a save, a sync, the day's recompute) keeps the clerk's place
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        elif self.model.rowCount() and not self.table.currentIndex().isValid():
            self.table.selectRow(0)

    def refresh(self, *, counts_after_paint: bool = False) -> None:
        """Re-read the current page now and the filter counts in the background (after an edit, a sync or a
        scope change). The counts scan the whole table (~130 ms at 100,000 cases): off the GUI thread, and
        at start-up only once the window has painted (``counts_after_paint``)."""
        self.model.today = self.clock()
        self.model.loading_enabled = True
        self.apply()
        if counts_after_paint:
            QTimer.singleShot(0, self.refresh_counts)
        else:
            self.refresh_counts()

    def refresh_counts(self) -> None:
        from execdesk.ui.workers import start

        handler, clerk = self.scope_ids()
        store, today = self.store, self.clock()

        def work(_job):
            with store.query() as con:
                return view_counts(con, handler, today, clerk_id=clerk)

        self._counts_generation = getattr(self, "_counts_generation", 0) + 1
        generation = self._counts_generation

        def show(counts: dict) -> None:
            if generation != self._counts_generation:
                return  # an older request finishing late
            for i in range(self.views.count()):
                item = self.views.item(i)
                key = item.data(Qt.ItemDataRole.UserRole)
                item.setText(f"{self.tr(VIEW_LABELS.get(key, VIEWS[key]))}（{counts.get(key, 0)}）")
            self.counts_loaded.emit(counts)

        start(self, work, on_done=show)

    def _update_summary(self) -> None:
        q = self.model.query
        text = self.tr("共 {0} 件").format(self.model.total)
        if q.text.strip():
            text = self.tr("“{0}”的搜索结果：{1} 件").format(q.text.strip(), self.model.total)
        self.summary.setText(text)

    def export_excel(self, path: str | None = None):
        """The current list (filter, scope and search; every row, not just the loaded pages) as .xlsx: dates as
        dates, money as numbers in 元 (number format #,##0.00). Returns the path written, or None."""
        from pathlib import Path

        from PySide6.QtWidgets import QFileDialog, QMessageBox

        interactive = not path
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("导出案件列表"),
                                                  f"案件列表_{self.clock():%Y%m%d}.xlsx",
                                                  self.tr("Excel 工作簿 (*.xlsx)"))
        if not path:
            return None
        q = self.model.query
        with self.store.query() as con:
            rows = list_cases(con, q, limit=max(1, count_cases(con, q)))
        try:
            out = write_cases_xlsx(Path(path), rows, self.model)
        except OSError as exc:
            QMessageBox.warning(self, self.tr("导出案件列表"), self.tr("无法写入文件：{0}").format(exc))
            return None
        if interactive:
            QMessageBox.information(self, self.tr("导出案件列表"), self.tr("已导出 {0} 件：{1}").format(len(rows), out))
        return out

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _open_index(self, index: QModelIndex | QPersistentModelIndex) -> None:
        case_id = self.model.case_id_at(index.row())
        if case_id:
            self.open_case.emit(case_id)

    def selected_case_number(self) -> str | None:
        idx = self.table.currentIndex()
        row = idx.row() if idx.isValid() else -1
        return self.model.rows[row].case_number if 0 <= row < len(self.model.rows) else None

    def selected_case_id(self) -> str | None:
        idx = self.table.currentIndex()
        return self.model.case_id_at(idx.row()) if idx.isValid() else None


def write_cases_xlsx(path, rows: list[CaseRow], model: CaseTableModel):
    from decimal import Decimal

    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "案件列表"
    ws.append(["案号", "案由", "申请执行人", "被执行人", "申请标的（元）", "立案日期", "承办人", "执行期限届满", "预警",
               "状态", "涉民生"])
    for r in rows:
        ws.append([r.case_number, r.cause, r.applicants, r.respondents, Decimal(r.amount_fen) / 100, r.filed_on,
                   r.handler_name, r.limit_due_on, model.warning_text(r), r.status, "是" if r.is_livelihood else ""])
        ws.cell(ws.max_row, 5).number_format = "#,##0.00"
        ws.cell(ws.max_row, 6).number_format = "yyyy-mm-dd"
        ws.cell(ws.max_row, 8).number_format = "yyyy-mm-dd"
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for col, width in zip("ABCDEFGHIJK", (26, 16, 18, 24, 16, 12, 10, 14, 12, 8, 8), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    wb.save(path)
    return path
