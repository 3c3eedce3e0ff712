"""Shared form pieces: optional date fields with a calendar, a validating form dialog, table helpers.

Validation lives in the services; a form collects text, calls the service, and on ``ValidationError`` shows
the Chinese message under the form and marks every field the message names. The service rolled back, so
nothing was half-written; the dialog stays open with the input intact.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from execdesk.rules.dates import chinese_date, read_date
from execdesk.rules.errors import UserError, ValidationError
from execdesk.rules.money import format_yuan

log = logging.getLogger(__name__)

def _emoji_drawn() -> bool:
    """Whether some installed font has the calendar emoji (checked once)."""
    global _EMOJI
    if _EMOJI is None:
        from PySide6.QtGui import QFontDatabase

        _EMOJI = any(f for f in QFontDatabase.families() if "emoji" in f.lower())
    return _EMOJI


_EMOJI: bool | None = None


class DateField(QWidget):
    """A date typed as text, with a calendar button (issue 17 item 4).

    Typing works the way clerks write dates: 2026-03-05, 2026.3.5, 20260305, 2026年3月5日, 3月5日 (this year);
    parsing is ``rules.dates.read_date``. A blank optional date stays blank (``value()`` is None). The calendar
    opens at the field's date, or at today when it is blank. Tab moves to the next field (one line edit, not
    year/month/day sections). Text that is not a date is kept as typed and returned by ``value()`` as text, so
    the service's validation names the field instead of the input being dropped.
    """

    dateChanged = Signal(object)  # date | None, when the value changes

    def __init__(self, value: date | None = None, *, optional: bool = True, parent: QWidget | None = None,
                 clock: Callable[[], date] = date.today):
        super().__init__(parent)
        self.optional = optional
        self.clock = clock
        self._last: date | None | str = None
        self.edit = QLineEdit()
        self.edit.setObjectName("dateText")
        self.edit.setPlaceholderText(self.tr("如 2026-03-05 或 3月5日") + (self.tr("（可不填）") if optional else ""))
        self.edit.setToolTip(self.tr("可输入 2026-03-05、2026.3.5、20260305、2026年3月5日 或 3月5日（本年）"))
        self.button = QToolButton()
        self.button.setObjectName("dateCalendar")
        # "📅" where a font of the system draws it (Windows: Segoe UI Emoji), else "▾": the CJK UI fonts of Linux
        # have no emoji and showed an empty box (seen in the 1366×768 screenshots, issue 17).
        self.button.setText("📅" if _emoji_drawn() else "▾")
        self.button.setToolTip(self.tr("选择日期"))
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes from field to field, not to the button
        self.button.clicked.connect(self.open_calendar)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.edit, 1)
        lay.addWidget(self.button)
        self.setFocusProxy(self.edit)
        self.edit.editingFinished.connect(self._normalize)
        self.edit.textChanged.connect(lambda _t: self._emit_if_changed())
        self.set_value(value)

    # -- value

    def set_value(self, value: date | str | None) -> None:
        """A date, None (blank; today for a required field) or text (restored from a journal, as typed)."""
        if value is None and not self.optional:
            value = self.clock()
        self.edit.setText(value.isoformat() if isinstance(value, date) else (value or ""))
        self._mark(False)
        self._emit_if_changed()

    def parsed(self) -> date | None:
        """The typed date; raises ValidationError for text that is not one."""
        return read_date(self.edit.text(), "日期", today=self.clock())

    def value(self) -> date | None | str:
        try:
            d = self.parsed()
        except ValidationError:
            return self.edit.text().strip()  # the service names the field
        if d is None and not self.optional:
            return ""  # required and blank: the service says 不能为空
        return d

    def text(self) -> str:
        return self.edit.text()

    def _emit_if_changed(self) -> None:
        v = self.value()
        if v != self._last:
            self._last = v
            if not isinstance(v, str):
                self.dateChanged.emit(v)

    def _normalize(self) -> None:
        """Leaving the field: a recognised date is shown as 2026-03-05; anything else is outlined in red."""
        try:
            d = self.parsed()
        except ValidationError as exc:
            self._mark(True, str(exc))
            return
        self._mark(False)
        if d is not None and self.edit.text() != d.isoformat():
            self.edit.setText(d.isoformat())

    def _mark(self, invalid: bool, message: str = "") -> None:
        self.edit.setStyleSheet("border: 2px solid #c62828;" if invalid else "")
        self.edit.setProperty("invalid", invalid)
        if invalid:
            self.edit.setToolTip(message)

    # -- calendar

    def open_calendar(self) -> QCalendarWidget:
        """A calendar at the field's date (today when blank); choosing a day fills the field."""
        cal = QCalendarWidget(self)
        cal.setWindowFlags(Qt.WindowType.Popup)
        cal.setObjectName("datePopup")
        cal.setGridVisible(True)
        try:
            current = self.parsed()
        except ValidationError:
            current = None
        d = current or self.clock()
        cal.setSelectedDate(QDate(d.year, d.month, d.day))

        def chosen(qd: QDate) -> None:
            self.set_value(date(qd.year(), qd.month(), qd.day()))
            cal.close()
            self.edit.setFocus()

        cal.clicked.connect(chosen)
        cal.activated.connect(chosen)
        cal.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        cal.move(self.mapToGlobal(self.rect().bottomLeft()))
        cal.show()
        cal.setFocus()
        self.calendar = cal
        return cal


@dataclass
class FieldSpec:
    key: str
    label: str
    kind: str = "text"  # text | multiline | date | choice | combo (editable) | bool | int | checklist
    choices: Sequence[str] = ()
    default: Any = None
    aliases: tuple[str, ...] = ()  # service field names that refer to this input
    placeholder: str = ""
    optional_date: bool = True
    minimum: int = 0
    maximum: int = 9999
    extra: dict = field(default_factory=dict)


def make_input(spec: FieldSpec) -> QWidget:
    k = spec.kind
    if k == "date":
        return DateField(spec.default, optional=spec.optional_date)
    if k in ("choice", "combo"):
        w = QComboBox()
        w.setEditable(k == "combo")
        w.addItems([str(c) for c in spec.choices])
        if spec.default is not None:
            w.setCurrentText(str(spec.default))
        return w
    if k == "bool":
        w = QCheckBox()
        w.setChecked(bool(spec.default))
        return w
    if k == "int":
        w = QSpinBox()
        w.setRange(spec.minimum, spec.maximum)
        w.setValue(int(spec.default or spec.minimum))
        return w
    if k == "multiline":
        w = QPlainTextEdit()
        w.setPlainText(spec.default or "")
        w.setMinimumHeight(70)
        w.setTabChangesFocus(True)
        return w
    if k == "checklist":
        w = QListWidget()
        chosen = set(spec.default or ())
        for c in spec.choices:
            item = QListWidgetItem(str(c))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if c in chosen else Qt.CheckState.Unchecked)
            w.addItem(item)
        w.setMaximumHeight(24 * min(len(spec.choices), 7) + 8)
        return w
    w = QLineEdit()
    w.setText("" if spec.default is None else str(spec.default))
    if spec.placeholder:
        w.setPlaceholderText(spec.placeholder)
    return w


def read_input(w: QWidget) -> Any:
    if isinstance(w, DateField):
        return w.value()
    if isinstance(w, QComboBox):
        return w.currentText().strip()
    if isinstance(w, QCheckBox):
        return w.isChecked()
    if isinstance(w, QSpinBox):
        return w.value()
    if isinstance(w, QPlainTextEdit):
        return w.toPlainText().strip()
    if isinstance(w, QListWidget):
        return [w.item(i).text() for i in range(w.count()) if w.item(i).checkState() == Qt.CheckState.Checked]
    if isinstance(w, QLineEdit):
        return w.text().strip()
    raise TypeError(type(w))


def mark_invalid(w: QWidget, invalid: bool) -> None:
    w.setProperty("invalid", invalid)
    w.setStyleSheet("border: 2px solid #c62828;" if invalid else "")


class ErrorLabel(QLabel):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setStyleSheet("color: #c62828; font-weight: bold;")
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_error(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))


class FormDialog(QDialog):
    """A dialog of labelled inputs whose OK button calls ``submit(values)``.

    ``submit`` runs the service; a ``ValidationError`` keeps the dialog open with the message shown and the
    named fields outlined in red.
    """

    def __init__(self, parent: QWidget | None, title: str, specs: Sequence[FieldSpec],
                 submit: Callable[[dict[str, Any]], Any], *, intro: str = "", ok_text: str | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.specs = list(specs)
        self.submit = submit
        self.result_value: Any = None
        self.inputs: dict[str, QWidget] = {}
        outer = QVBoxLayout(self)
        if intro:
            lab = QLabel(intro)
            lab.setWordWrap(True)
            outer.addWidget(lab)
        body = QWidget()
        form = QFormLayout(body)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for spec in self.specs:
            w = make_input(spec)
            w.setObjectName(spec.key)
            self.inputs[spec.key] = w
            form.addRow(spec.label + "：", w)
        if len(self.specs) > 10:
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setWidget(body)
            outer.addWidget(scroll)
        else:
            outer.addWidget(body)
        self.error = ErrorLabel()
        outer.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text or self.tr("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.try_accept)
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)
        self.buttons = buttons
        self.setMinimumWidth(520)

    def values(self) -> dict[str, Any]:
        return {k: read_input(w) for k, w in self.inputs.items()}

    def showEvent(self, event) -> None:
        if not hasattr(self, "_initial"):
            self._initial = self.values()  # what the form showed: 取消 asks only if something was typed since
        super().showEvent(event)

    def is_dirty(self) -> bool:
        return hasattr(self, "_initial") and self.values() != self._initial

    def reject(self) -> None:
        """取消 or Esc on a form with typed values asks before throwing them away (issue 17 item 8)."""
        if self.is_dirty() and self.result() != QDialog.DialogCode.Accepted:
            box = QMessageBox(QMessageBox.Icon.Question, self.windowTitle(), self.tr("已填写的内容尚未保存，确定放弃吗？"),
                              QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel, self)
            box.setObjectName("discardBox")
            box.button(QMessageBox.StandardButton.Discard).setText(self.tr("放弃填写"))
            box.button(QMessageBox.StandardButton.Cancel).setText(self.tr("继续填写"))
            box.setDefaultButton(QMessageBox.StandardButton.Cancel)
            if box.exec() != QMessageBox.StandardButton.Discard:
                return
        super().reject()

    def set_value(self, key: str, value: Any) -> None:
        w = self.inputs[key]
        if isinstance(w, DateField):
            w.set_value(value)
        elif isinstance(w, QComboBox):
            w.setCurrentText(str(value))
        elif isinstance(w, QCheckBox):
            w.setChecked(bool(value))
        elif isinstance(w, QSpinBox):
            w.setValue(int(value))
        elif isinstance(w, QPlainTextEdit):
            w.setPlainText(str(value))
        else:
            w.setText(str(value))

    def show_validation(self, exc: ValidationError) -> None:
        self.error.show_error(str(exc))
        named = {e.field for e in exc.errors}
        first = None
        for spec in self.specs:
            labels = {spec.label, *spec.aliases}
            hit = any(lbl in name or name in lbl for lbl in labels for name in named if name)
            mark_invalid(self.inputs[spec.key], hit)
            if hit and first is None:
                first = self.inputs[spec.key]
        if first is not None:
            first.setFocus()

    def try_accept(self) -> None:
        try:
            self.result_value = self.submit(self.values())
        except ValidationError as exc:
            self.show_validation(exc)
            return
        except UserError as exc:  # NotFoundError, ConflictError: a Chinese message, nothing saved
            self.error.show_error(str(exc))
            return
        self.accept()


def confirm_irreversible(parent: QWidget | None, title: str, text: str, ok_text: str) -> bool:
    """Ask before a step that cannot be undone (issuing a ruling or a 书面说明): the text names what will happen;
    the default button is 取消 so Enter never issues by accident."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text,
                      QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel, parent)
    box.setObjectName("confirmIrreversible")
    box.button(QMessageBox.StandardButton.Ok).setText(ok_text)
    box.button(QMessageBox.StandardButton.Cancel).setText(QCoreApplication.translate("FormDialog", "取消"))
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    return box.exec() == QMessageBox.StandardButton.Ok


def exec_dialog(dialog: QDialog) -> bool:
    """Run a modal dialog and dispose of it afterwards (deleteLater: its values can still be read now).

    Without this every dialog would stay alive as a hidden child of its parent until the window closes."""
    try:
        return dialog.exec() == QDialog.DialogCode.Accepted
    finally:
        dialog.deleteLater()


def fill_table(table: QTableWidget, headers: Sequence[str], rows: Sequence[Sequence[Any]],
               *, ids: Sequence[Any] | None = None, colors: Sequence[QColor | None] | None = None) -> None:
    """Replace a read-only table's contents. ``ids`` are kept in the first column's UserRole."""
    table.setSortingEnabled(False)
    table.clear()
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem(display(value))
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            if isinstance(value, int) and not isinstance(value, bool):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if c == 0 and ids is not None:
                item.setData(Qt.ItemDataRole.UserRole, ids[r])
            if colors is not None and colors[r] is not None:
                item.setForeground(colors[r])
            table.setItem(r, c, item)
    table.resizeColumnsToContents()
    header = table.horizontalHeader()
    header.setStretchLastSection(True)
    for c in range(table.columnCount()):
        if table.columnWidth(c) > 360:
            table.setColumnWidth(c, 360)


def make_table() -> QTableWidget:
    t = QTableWidget()
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setAlternatingRowColors(True)
    t.verticalHeader().setVisible(False)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    t.setWordWrap(False)
    return t


def selected_id(table: QTableWidget) -> Any:
    row = table.currentRow()
    if row < 0 or table.item(row, 0) is None:
        return None
    return table.item(row, 0).data(Qt.ItemDataRole.UserRole)


def display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return str(value)


def yuan(fen: int | None) -> str:
    return "" if fen is None else format_yuan(fen)


def cn_date(d: date | None) -> str:
    return chinese_date(d) if d else ""


def show_error(parent: QWidget | None, title: str, exc: BaseException) -> None:
    """A user-facing error: Chinese messages as they are; anything else names the log file."""
    if isinstance(exc, UserError):
        QMessageBox.warning(parent, title, str(exc))
        return
    from execdesk.logging_setup import log_file

    log.error("%s: %r", title, exc, exc_info=exc)
    text = QCoreApplication.translate("Errors", "操作未完成：{0}\n\n详细信息已写入日志文件：\n{1}")
    QMessageBox.critical(parent, title, text.format(str(exc) or type(exc).__name__, log_file()))


def ask_save_or_discard(parent: QWidget | None, text: str) -> str:
    """The unsaved-changes question: "save", "discard" or "cancel" (Esc and closing the box mean cancel)."""
    box = QMessageBox(QMessageBox.Icon.Warning, QCoreApplication.translate("Unsaved", "有未保存的修改"), text,
                      QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                      | QMessageBox.StandardButton.Cancel, parent)
    box.setObjectName("unsavedBox")
    box.button(QMessageBox.StandardButton.Save).setText(QCoreApplication.translate("Unsaved", "保存"))
    box.button(QMessageBox.StandardButton.Discard).setText(QCoreApplication.translate("Unsaved", "不保存"))
    box.button(QMessageBox.StandardButton.Cancel).setText(QCoreApplication.translate("Unsaved", "取消"))
    box.setEscapeButton(QMessageBox.StandardButton.Cancel)
    answer = box.exec()
    if answer == QMessageBox.StandardButton.Save:
        return "save"
    if answer == QMessageBox.StandardButton.Discard:
        return "discard"
    return "cancel"


class DraftKeeper(QObject):
    """Keeps one editor's unsaved values in the crash journal (``ui.drafts``): ``touch()`` on every edit; a
    second after the last one the values are written if the editor is dirty, or the entry removed if not.
    The journal file is only touched once this editor has something in it (loading a case costs no I/O)."""

    def __init__(self, parent: QObject, ctx, *, key: Callable[[], str | None], title: Callable[[], str],
                 values: Callable[[], dict[str, Any]], dirty: Callable[[], bool], delay_ms: int = 1000):
        super().__init__(parent)
        self.ctx = ctx
        self._key, self._title, self._values, self._dirty = key, title, values, dirty
        self._journaled: str | None = None  # the key this editor has an entry under
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.flush)

    def touch(self, *_args) -> None:
        self._timer.start()

    def flush(self) -> None:
        self._timer.stop()
        key = self._key()
        if key is not None and self._dirty():
            if self._journaled not in (None, key):  # the editor moved on to another case
                self._remove(self._journaled)
            try:
                self.ctx.drafts.put(key, self._title(), self.ctx.actor.username, self._values())
                self._journaled = key
            except OSError:  # a full or read-only disk must not stop the clerk typing; the log says so
                log.exception("could not write the draft journal")
        elif self._journaled is not None:
            self._remove(self._journaled)

    def drop(self) -> None:
        """The editor was saved or deliberately discarded: remove its entry, whether this window wrote it or it
        was restored from a crash."""
        self._timer.stop()
        for key in {self._journaled, self._key()} - {None}:
            self._remove(key)

    def _remove(self, key: str) -> None:
        try:
            self.ctx.drafts.drop(key, self.ctx.actor.username)
            if key == self._journaled:
                self._journaled = None
        except OSError:
            log.exception("could not update the draft journal")
