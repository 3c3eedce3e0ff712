"""督办与预警 inbox: what the platform sent down, the case it concerns (open it), and the reply."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from execdesk.rules.errors import UserError
from execdesk.services import supervision
from execdesk.ui.context import UiContext
from execdesk.ui.widgets import ErrorLabel, fill_table, make_table, selected_id


class SupervisionPage(QWidget):
    open_case = Signal(str)
    changed = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.items: list[supervision.InboxItem] = []
        self.filter = QComboBox()
        self.filter.addItem(self.tr("全部"), None)
        for state in supervision.STATES:
            self.filter.addItem(self.tr(state), state)
        self.filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.table = make_table()
        self.table.setObjectName("inbox")
        self.table.itemSelectionChanged.connect(self._show_current)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.reply = QPlainTextEdit()
        self.reply.setObjectName("reply")
        self.reply.setPlaceholderText(self.tr("回复内容：整改情况、下一步措施、预计结案时间"))
        self.error = ErrorLabel()
        self.send = QPushButton(self.tr("保存回复"))
        self.send.setObjectName("send_reply")
        self.send.clicked.connect(self.save_reply)
        self.open_button = QPushButton(self.tr("打开案件"))
        self.open_button.clicked.connect(self._open_case)
        self.empty = QLabel(self.tr("暂无督办或预警。省平台下发的督办、预警在同步后显示在这里。"))

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("状态：")))
        top.addWidget(self.filter)
        top.addStretch()
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.addWidget(self.detail, 1)
        rl.addWidget(QLabel(self.tr("回复：")))
        rl.addWidget(self.reply, 1)
        rl.addWidget(self.error)
        row = QHBoxLayout()
        row.addWidget(self.send)
        row.addWidget(self.open_button)
        row.addStretch()
        rl.addLayout(row)
        split = QSplitter()
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.empty)
        ll.addWidget(self.table)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([800, 500])
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(split, 1)
        self.refresh()

    def refresh(self) -> None:
        current = selected_id(self.table)
        with self.ctx.store.read() as s:
            self.items = supervision.list_items(s, state=self.filter.currentData())
        fill_table(self.table, [self.tr(h) for h in ("类型", "标题", "案号", "下发单位", "要求回复日期", "接收时间",
                                                     "状态")],
                   [(i.kind, i.title, i.case_number, i.issued_by, i.due_on,
                     i.received_at.astimezone().strftime("%Y-%m-%d %H:%M") if i.received_at else "", i.state)
                    for i in self.items], ids=[i.id for i in self.items],
                   colors=[QColor("#c62828") if i.state == "未读" else None for i in self.items])
        self.empty.setVisible(not self.items)
        for r, i in enumerate(self.items):
            if i.id == current:
                self.table.selectRow(r)
        self._show_current()

    def select_item(self, item_id: str) -> bool:
        """Show one item (今日待办 goes here for a 督办 reply): every state listed, the item selected, the reply
        box focused."""
        if all(i.id != item_id for i in self.items) and self.filter.currentIndex() != 0:
            self.filter.setCurrentIndex(0)
            self.refresh()
        for r, i in enumerate(self.items):
            if i.id == item_id:
                self.table.selectRow(r)
                self._show_current()
                self.reply.setFocus()
                return True
        return False

    def current(self) -> supervision.InboxItem | None:
        item_id = selected_id(self.table)
        return next((i for i in self.items if i.id == item_id), None)

    def _show_current(self) -> None:
        item = self.current()
        enabled = item is not None
        self.send.setEnabled(enabled)
        self.reply.setEnabled(enabled)
        self.open_button.setEnabled(bool(item and item.case_id))
        self.error.show_error("")
        if item is None:
            self.detail.setText("")
            self.reply.setPlainText("")
            return
        self.detail.setText(f"{item.kind}：{item.title}\n{self.tr('案号')}：{item.case_number or '—'}\n"
                            f"{self.tr('下发单位')}：{item.issued_by}\n\n{item.body}")
        self.reply.setPlainText(item.reply or "")
        if item.state == "未读":
            from execdesk.services.sync import mark_item_read

            mark_item_read(self.ctx.store, self.ctx.actor, item.id)

    def save_reply(self) -> None:
        item = self.current()
        if item is None:
            return
        from execdesk.services.sync import reply_to_item
        from execdesk.sync.errors import SyncError

        try:
            reply_to_item(self.ctx.store, self.ctx.actor, item.id, self.reply.toPlainText())
        except (UserError, SyncError) as exc:
            self.error.show_error(str(exc))
            return
        self.refresh()
        self.changed.emit()

    def _open_case(self) -> None:
        item = self.current()
        if item and item.case_id:
            self.open_case.emit(item.case_id)
