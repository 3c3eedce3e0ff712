"""Main window: the case list (plain version; the full workspace is built in issue 6)."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow, QTableWidget, QTableWidgetItem
from sqlalchemy import select

from execdesk.models import Case
from execdesk.models.database import Store


class MainWindow(QMainWindow):
    def __init__(self, store: Store):
        super().__init__()
        self.store = store
        self.setWindowTitle("ExecDesk 执行办案桌面端")
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["案号", "案由", "立案日期", "状态"])
        self.setCentralWidget(self.table)
        self.resize(1000, 640)
        self.reload()

    def reload(self) -> None:
        with self.store.read() as s:
            rows = s.execute(select(Case.case_number, Case.cause, Case.filed_on, Case.status)
                             .order_by(Case.filed_on.desc()).limit(500)).all()
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(str(value)))
        self.statusBar().showMessage(f"共 {len(rows)} 件案件")
