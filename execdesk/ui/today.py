"""今日待办: the first screen after sign-in (issue 17 item 2) — everything due for this person, most urgent
first, one line per task saying what, by when and in which case; Enter or a double click goes to the place
where it is done (``services.today``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QT_TRANSLATE_NOOP, QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from execdesk.services.database import Store
from execdesk.services.profiles import MyCases
from execdesk.services.today import TodoItem, today_items

NO_PARENT = QModelIndex()
RED = QColor("#c62828")
ORANGE = QColor("#e65100")
RED_BG = QColor("#ffebee")

PLACES = {  # target → where it is done, in words (the last column)
    "case:deadlines": QT_TRANSLATE_NOOP("TodayModel", "案件 · 期限"),
    "case:property": QT_TRANSLATE_NOOP("TodayModel", "案件 · 财产（查控、线索）"),
    "case:payments": QT_TRANSLATE_NOOP("TodayModel", "案件 · 执行款"),
    "case:measures": QT_TRANSLATE_NOOP("TodayModel", "案件 · 执行措施（续封、续冻）"),
    "case:nodes": QT_TRANSLATE_NOOP("TodayModel", "案件 · 流程节点"),
    "approval": QT_TRANSLATE_NOOP("TodayModel", "终本助手 · 审批"),
    "supervision": QT_TRANSLATE_NOOP("TodayModel", "督办与预警 · 回复"),
}


class TodayModel(QAbstractTableModel):
    HEADERS = (QT_TRANSLATE_NOOP("TodayModel", "期限"), QT_TRANSLATE_NOOP("TodayModel", "到期日"),
               QT_TRANSLATE_NOOP("TodayModel", "案号"), QT_TRANSLATE_NOOP("TodayModel", "待办事项"),
               QT_TRANSLATE_NOOP("TodayModel", "在哪里办理"))

    def __init__(self, parent=None):
        super().__init__(parent)
        self.items: list[TodoItem] = []
        self.today = date.today()

    def set_items(self, items: list[TodoItem], today: date) -> None:
        self.beginResetModel()
        self.items, self.today = items, today
        self.endResetModel()

    def rowCount(self, parent=NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent=NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.tr(self.HEADERS[section])
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.items):
            return None
        item = self.items[index.row()]
        col = index.column()
        left = item.days_left(self.today)
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                if left is None:
                    return self.tr("尽快办理")
                if left < 0:
                    return self.tr("已超期{0}天").format(-left)
                return self.tr("今天到期") if left == 0 else self.tr("{0}天后到期").format(left)
            if col == 1:
                return f"{item.due_on.year}年{item.due_on.month}月{item.due_on.day}日" if item.due_on else ""
            if col == 2:
                return item.case_number or ""
            if col == 3:
                return item.what
            if col == 4:
                return self.tr(PLACES.get(item.target.split(":")[0] if item.target.startswith("supervision")
                                          else item.target, ""))
        if role == Qt.ItemDataRole.ForegroundRole and col == 0 and left is not None:
            return QBrush(RED if left < 0 else ORANGE) if left <= 10 else None
        if role == Qt.ItemDataRole.BackgroundRole and left is not None and left < 0:
            return QBrush(RED_BG)
        if role == Qt.ItemDataRole.ToolTipRole and item.basis:
            return item.basis
        return None


class TodayTable(QTableView):
    activated_row = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activated_row.emit(self.currentIndex().row())
            return
        super().keyPressEvent(event)


class TodayPage(QWidget):
    """The list of today's work. ``go`` carries the chosen task to the main window, which opens its place."""

    go = Signal(object)  # TodoItem

    def __init__(self, store: Store, user_id: str | None, role: str, title: str | None, mine: MyCases,
                 parent: QWidget | None = None, *, clock: Callable[[], date] = date.today,
                 display_name: str = ""):
        super().__init__(parent)
        self.store, self.user_id, self.role, self.title_, self.mine, self.clock = (store, user_id, role, title,
                                                                                  mine, clock)
        self.display_name = display_name
        self.model = TodayModel(self)
        self.heading = QLabel()
        self.heading.setObjectName("todayHeading")
        self.heading.setWordWrap(True)
        refresh = QPushButton(self.tr("刷新"))
        refresh.clicked.connect(self.refresh)
        self.table = TodayTable()
        self.table.setObjectName("todayTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)  # 待办事项 takes what the screen has
        for col, width in enumerate((100, 120, 205, 560, 160)):
            # Never narrower than the heading with its sort arrow (issue 17 item 9: readable at 1366 px).
            self.table.setColumnWidth(col, max(width, header.sectionSizeHint(col)))
        self.table.doubleClicked.connect(lambda idx: self.open_row(idx.row()))
        self.table.activated_row.connect(self.open_row)
        self.hint = QLabel(self.tr("↑↓ 选择，回车（或双击）转到办理的地方；Ctrl+0 回到今日待办。"))
        self.hint.setStyleSheet("color:#555")
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(refresh)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.hint)
        self.refresh()

    def refresh(self) -> None:
        """The most urgent lines now (a few indexed reads); the totals for the heading off the GUI thread."""
        today = self.clock()
        keep = self.table.currentIndex().row()
        with self.store.query() as con:
            items = today_items(con, user_id=self.user_id, role=self.role, title=self.title_,
                                handler_id=self.mine.handler_id, clerk_id=self.mine.clerk_id, today=today,
                                limit=self.LIMIT)
        self.model.set_items(items, today)
        self._heading(items, None)
        if items:
            self.table.selectRow(min(max(keep, 0), len(items) - 1))
        if len(items) >= self.LIMIT:
            self._count_later(items)
        else:
            self._heading(items, {})

    LIMIT = 500  # lines shown; the heading says how many there are in all

    def _count_later(self, items) -> None:
        from execdesk.services.today import deadline_counts
        from execdesk.ui.workers import start

        store, mine = self.store, self.mine

        def work(_job):
            with store.query() as con:
                return deadline_counts(con, handler_id=mine.handler_id, clerk_id=mine.clerk_id)

        start(self, work, on_done=lambda counts: self._heading(items, counts))

    def _heading(self, items, counts: dict | None) -> None:
        today = self.clock()
        who = f"{self.display_name}（{self.tr(self.mine.label)}）" if self.display_name else self.tr(self.mine.label)
        if not items:
            self.heading.setText(self.tr("<b>今日待办</b>　{0}：今天没有到期或预警的事项。").format(who))
            return
        overdue = sum(1 for i in items if i.due_on and i.due_on < today)
        now = sum(1 for i in items if i.due_on is None or i.due_on <= today)
        if counts:  # more than are shown: the totals of the deadline lines
            total = sum(counts.values()) + sum(1 for i in items if i.due_on is None or not i.target.startswith("case"))
            self.heading.setText(self.tr("<b>今日待办</b>　{0}：共 {1} 项，其中期限已过 {2} 项；按到期先后排列，显示最紧急的 {3} 项。")
                                 .format(who, total, counts.get("已超期", 0), len(items)))
        elif counts is None and len(items) >= self.LIMIT:
            self.heading.setText(self.tr("<b>今日待办</b>　{0}：按到期先后排列，显示最紧急的 {1} 项（正在统计总数…）")
                                 .format(who, len(items)))
        else:
            self.heading.setText(self.tr("<b>今日待办</b>　{0}：共 {1} 项，其中已超期 {2} 项、今天须办 {3} 项；"
                                         "按到期先后排列。").format(who, len(items), overdue, now - overdue))

    def current_item(self) -> TodoItem | None:
        row = self.table.currentIndex().row()
        return self.model.items[row] if 0 <= row < len(self.model.items) else None

    def open_row(self, row: int) -> None:
        if 0 <= row < len(self.model.items):
            self.go.emit(self.model.items[row])

    def focus_list(self) -> None:
        self.table.setFocus()
        if self.model.rowCount() and not self.table.currentIndex().isValid():
            self.table.selectRow(0)
