"""案件 → 移交承办人… on a real widget tree (issue 13 item 5): the dialog says what happens to the unsent work,
hands the case over through the service (audited, queued after the case's earlier changes) and the old
handler's copy becomes read-only. Screenshot: docs/screenshots/13_handover_1366x768.png."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import TODAY, sample_case_input
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QAction, QColor, QPainter
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QPlainTextEdit
from uihelpers import click_button, make_ctx, on_modal

from execdesk.rules.errors import ValidationError
from execdesk.services import cases
from execdesk.services.accounts import create_user
from execdesk.services.inputs import NodeInput
from execdesk.ui.main_window import MainWindow

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_handover_dialog_hands_the_case_over_and_leaves_a_read_only_copy(qtbot, store, actor):
    create_user(store, actor, username="wangfang", display_name="王芳", role="承办人", password="password123")
    case_id = cases.register_case(store, actor, sample_case_input("（2026）鲁0102执1300号"), today=TODAY)
    ctx = make_ctx(store, "zhangwei")
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    win.open_case(case_id)
    seen: list = []

    def fill(dlg) -> None:
        seen.append(dlg)
        combo = dlg.findChild(QComboBox, "to")
        assert [combo.itemText(i) for i in range(combo.count())][0].startswith("王芳（承办人，鲁0102/wangfang）")
        combo.setCurrentIndex(0)
        dlg.findChild(QPlainTextEdit, "reason").setPlainText("承办人调整到执行实施二组")
        texts = " ".join(lbl.text() for lbl in dlg.findChildren(QLabel))
        assert "张伟" in texts and "尚有" in texts and "只读副本" in texts  # unsent work and the copy, said first
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shot = win.grab()
        painter = QPainter(shot)
        pic = dlg.grab()
        # No window manager offscreen: the dialog is drawn over the window with a title bar of its own.
        x, y, bar = (shot.width() - pic.width()) // 2, (shot.height() - pic.height()) // 3, 26
        painter.fillRect(x - 1, y - bar - 1, pic.width() + 2, pic.height() + bar + 2, QColor("#5a6b80"))
        painter.setPen(QColor("white"))
        painter.drawText(QRect(x + 10, y - bar, pic.width() - 20, bar), Qt.AlignmentFlag.AlignVCenter,
                         dlg.windowTitle())
        painter.drawPixmap(QPoint(x, y), pic)
        painter.end()
        shot.save(str(SCREENSHOTS / "13_handover_1366x768.png"))
        click_button(dlg, "移交")

    on_modal(fill)
    win.findChild(QAction, "act_handover").trigger()
    assert seen and not seen[0].isVisible()
    QApplication.processEvents()
    from sqlalchemy import select

    from execdesk.models import AuditEntry, Case, OutboxEntry, User

    with store.read() as s:
        case = s.get(Case, case_id)
        assert s.get(User, case.handler_id).username == "wangfang"
        audit = s.scalar(select(AuditEntry).where(AuditEntry.action == "移交"))
        assert audit.actor == "zhangwei" and audit.after["reason"] == "承办人调整到执行实施二组"
        last = s.scalars(select(OutboxEntry).order_by(OutboxEntry.local_seq.desc())).first()
        assert last.entity == "handover" and last.payload["fields"]["to"] == "鲁0102/wangfang"
    with pytest.raises(ValidationError, match="只读副本"):
        cases.record_node(store, ctx.actor, case_id, NodeInput(code="N03", started_on=date(2026, 3, 3)), today=TODAY)
