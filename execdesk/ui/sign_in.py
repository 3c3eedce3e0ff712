"""The sign-in dialog: choose a local profile and type its password.

Its own light module (no ORM import), so it is on screen at once while ``ui.app`` warms up the rest.
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from execdesk.rules.errors import ValidationError
from execdesk.services.profiles import Profile
from execdesk.ui.widgets import ErrorLabel

log = logging.getLogger(__name__)


class SignInDialog(QDialog):
    """Choose a local profile and type its password."""

    def __init__(self, store, profiles: list[Profile], last_user: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.actor = None
        self.setWindowTitle(self.tr("ExecDesk 执行办案桌面端 — 登录"))
        self.profile = QComboBox()
        self.profile.setObjectName("profile")
        for p in profiles:
            self.profile.addItem(f"{p.display_name}（{p.role}）", p.username)
        if last_user:
            self.profile.setCurrentIndex(max(0, self.profile.findData(last_user)))
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = ErrorLabel()
        form = QFormLayout()
        form.addRow(self.tr("本地账号："), self.profile)
        form.addRow(self.tr("密码："), self.password)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("登录"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("退出"))
        buttons.accepted.connect(self.try_accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        title = QLabel(self.tr("执行办案桌面端"))
        title.setStyleSheet("font-size: 18pt; font-weight: bold;")
        lay.addWidget(title)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(buttons)
        self.password.setFocus()
        self.setMinimumWidth(420)

    def try_accept(self) -> None:
        try:
            from execdesk.services import accounts  # the ORM: warm by now (ui.app starts it with this dialog)

            self.actor = accounts.authenticate(self.store, self.profile.currentData(), self.password.text())
        except ValidationError as exc:
            log.warning("sign-in failed for %s", self.profile.currentData())  # never the password
            self.error.show_error(str(exc))
            self.password.selectAll()
            return
        log.info("signed in: %s (%s)", self.actor.username, self.actor.role)
        self.accept()
