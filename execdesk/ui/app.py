"""GUI entry point: QApplication, Chinese font and translations, database open, main window."""

from __future__ import annotations

import sys
from pathlib import Path


def run_gui(db_path: Path) -> int:
    from PySide6.QtWidgets import QApplication, QMessageBox

    from execdesk.models.migrate import DatabaseError, open_database

    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("ExecDesk")
    app.setOrganizationName("ExecDesk")
    try:
        store = open_database(db_path)
    except DatabaseError as exc:
        QMessageBox.critical(None, "无法打开数据库", str(exc))
        return 2
    from execdesk.ui.main_window import MainWindow

    window = MainWindow(store)
    window.show()
    return app.exec()
