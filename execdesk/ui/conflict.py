"""The conflict dialog: someone saved this record after the form was opened (issue 11, no lost update).

The service refused the save (``ConflictError``: nothing written). The dialog lists each field that differs,
what this person typed (您填写的) next to what is stored now (当前保存的), and who changed it, and offers two
ways on: 放弃我的修改（重新载入） shows the stored version; 在最新版本上重新填写 loads the stored version and
puts the typed values back on top of it, unsaved, to be checked and saved again. Closing the dialog keeps the
form as it is (still unsaved). Nothing is ever overwritten without the person seeing both values.
"""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from execdesk.rules.errors import ConflictError
from execdesk.ui.screen_fit import fit_window

RELOAD = "reload"
REAPPLY = "reapply"
CANCEL = "cancel"

MINE_BG = QColor("#fff8e1")
THEIRS_BG = QColor("#e3f2fd")


class ConflictDialog(QDialog):
    def __init__(self, exc: ConflictError, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("conflictDialog")
        self.exc = exc
        self.choice = CANCEL
        self.setWindowTitle(self.tr("保存冲突：记录已被他人修改"))
        who = exc.changed_by or self.tr("他人")
        head = QLabel(self.tr("{0}在您打开后已被 {1} 修改并保存（您打开时是第 {2} 版，现在是第 {3} 版）。"
                              "为避免覆盖对方的修改，您的这次保存没有执行，数据库中的内容保持不变。")
                      .format(exc.what, who, exc.read_version, exc.current_version))
        head.setObjectName("conflictText")
        head.setWordWrap(True)
        f = QFont(head.font())
        f.setBold(True)
        head.setFont(f)

        self.table = QTableWidget(0, 3)
        self.table.setObjectName("conflictTable")
        self.table.setHorizontalHeaderLabels([self.tr("项目"), self.tr("您填写的"), self.tr("当前保存的")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for d in exc.diffs:
            r = self.table.rowCount()
            self.table.insertRow(r)
            for c, (text, bg) in enumerate(((d.field, None), (d.mine or self.tr("（空）"), MINE_BG),
                                            (d.theirs or self.tr("（空）"), THEIRS_BG))):
                item = QTableWidgetItem(text)
                if bg is not None:
                    item.setBackground(QBrush(bg))
                item.setToolTip(text)
                self.table.setItem(r, c, item)
        self.table.resizeRowsToContents()
        if not exc.diffs:
            self.table.hide()
        changed = QLabel(self.tr("修改人：{0}").format(who))
        changed.setObjectName("changedBy")
        hint = QLabel(self.tr("“放弃我的修改”显示对方保存的内容；“在最新版本上重新填写”载入最新版本并把您填写的内容"
                              "填回表单，核对后请再次保存。"))
        hint.setWordWrap(True)
        hint.setStyleSheet("color:#555")

        self.reload_button = QPushButton(self.tr("放弃我的修改（重新载入）"))
        self.reload_button.setObjectName("conflictReload")
        self.reload_button.clicked.connect(lambda: self._pick(RELOAD))
        self.reapply_button = QPushButton(self.tr("在最新版本上重新填写"))
        self.reapply_button.setObjectName("conflictReapply")
        self.reapply_button.setDefault(True)
        self.reapply_button.clicked.connect(lambda: self._pick(REAPPLY))
        row = QHBoxLayout()
        row.addStretch()
        row.addWidget(self.reload_button)
        row.addWidget(self.reapply_button)

        lay = QVBoxLayout(self)
        lay.addWidget(head)
        lay.addWidget(self.table, 1)
        lay.addWidget(changed)
        lay.addWidget(hint)
        lay.addLayout(row)
        fit_window(self, 680, 200 + 34 * max(1, len(exc.diffs)))

    def _pick(self, choice: str) -> None:
        self.choice = choice
        self.accept()

    def rows(self) -> list[tuple[str, str, str]]:
        """The table as text (field, mine, theirs), for tests and screen readers."""
        return [tuple(self.table.item(r, c).text() for c in range(3)) for r in range(self.table.rowCount())]


def resolve_conflict(parent: QWidget | None, exc: ConflictError) -> str:
    """Show the conflict and return the person's choice: RELOAD, REAPPLY or CANCEL (closed with Esc)."""
    dlg = ConflictDialog(exc, parent)
    try:
        dlg.exec()
        return dlg.choice
    finally:
        dlg.deleteLater()
