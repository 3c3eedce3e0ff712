"""Typed form fields for a node (issue 11): one widget per field type of the node catalogue.

text → line edit; date → a line edit that takes 2026-03-05, 2026.3.5, 20260305 or 2026年3月5日 (rules.dates;
blank stays blank); money → a line edit in 元; int → a line edit for a whole number; enum → a combo box of the
closed vocabulary only (no free text); enum_list → a checkable list of the vocabulary; party → the case's debtors
(plus 全部被执行人 where the field may be left empty); asset → the case's found assets. Required fields carry a
red *. The service parses again and is the judge; an error it names is shown under that field in Chinese.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from execdesk.rules.dates import chinese_date, parse_date
from execdesk.rules.errors import ValidationError
from execdesk.rules.fields import FieldSpec, vocabulary
from execdesk.rules.money import format_yuan, parse_amount
from execdesk.ui.widgets import mark_invalid

ALL_DEBTORS = "全部被执行人"
CHOOSE = "（请选择）"
NONE = "（无）"


class DateLineEdit(QLineEdit):
    """A date typed the way people write it; shown back as 2026-03-05 with 2026年3月5日 beside it."""

    checked = Signal(str)  # the error message ("" when fine)

    def __init__(self, label: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.label = label
        self.setPlaceholderText(self.tr("如 2026-03-05、2026.3.5、20260305 或 2026年3月5日"))
        self.editingFinished.connect(self.normalize)

    def normalize(self) -> str:
        """Parse what was typed; on success show the ISO form. Returns the error message or ""."""
        text = self.text().strip()
        if not text:
            self.setToolTip("")
            self.checked.emit("")
            return ""
        try:
            d = parse_date(text, self.label)
        except ValidationError as exc:  # the message goes under this field: its name is not repeated
            self.checked.emit(exc.errors[0].message)
            return str(exc)
        self.setText(d.isoformat())
        self.setToolTip(chinese_date(d))
        self.checked.emit("")
        return ""

    def value(self) -> str | None:
        """ISO text when it parses, else the text as typed (the service names the field); None when blank."""
        text = self.text().strip()
        if not text:
            return None
        try:
            return parse_date(text, self.label).isoformat()
        except ValidationError:
            return text

    def set_value(self, value: Any) -> None:
        self.setText("" if value in (None, "") else str(value))


class MoneyLineEdit(QLineEdit):
    checked = Signal(str)

    def __init__(self, label: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.label = label
        self.setPlaceholderText(self.tr("元，如 30,000.00"))
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.editingFinished.connect(self.normalize)

    def normalize(self) -> str:
        text = self.text().strip()
        if not text:
            self.checked.emit("")
            return ""
        try:
            fen = parse_amount(text, self.label)
        except ValidationError as exc:
            self.checked.emit(exc.errors[0].message)
            return str(exc)
        self.setText(format_yuan(fen))
        self.checked.emit("")
        return ""

    def value(self) -> str | None:
        return self.text().strip() or None

    def set_value(self, value: Any) -> None:
        """Stored values are integer fen; typed ones text."""
        if isinstance(value, int) and not isinstance(value, bool):
            self.setText(format_yuan(value))
        else:
            self.setText("" if value in (None, "") else str(value))


class ChoiceBox(QComboBox):
    """A closed list: the vocabulary (or the case's parties/assets) and nothing else; never editable."""

    def __init__(self, items: Sequence[tuple[str, str]], blank: str | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setEditable(False)
        if blank is not None:
            self.addItem(blank, "")
        for data, text in items:
            self.addItem(text, data)

    def choices(self) -> list[str]:
        """The values this box can give (the blank entry excluded)."""
        return [self.itemData(i) for i in range(self.count()) if self.itemData(i)]

    def value(self) -> str | None:
        return self.currentData() or None

    def set_value(self, value: Any) -> None:
        i = self.findData("" if value is None else str(value))
        self.setCurrentIndex(max(0, i))


class CheckList(QListWidget):
    def __init__(self, values: Sequence[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setFlow(QListWidget.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setSpacing(2)
        for v in values:
            item = QListWidgetItem(v)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.addItem(item)
        self.setMinimumHeight(64)
        self.setMaximumHeight(96)

    def choices(self) -> list[str]:
        return [self.item(i).text() for i in range(self.count())]

    def value(self) -> list[str] | None:
        out = [self.item(i).text() for i in range(self.count()) if self.item(i).checkState() == Qt.CheckState.Checked]
        return out or None

    def set_value(self, value: Any) -> None:
        chosen = set(value or ())
        for i in range(self.count()):
            self.item(i).setCheckState(Qt.CheckState.Checked if self.item(i).text() in chosen
                                       else Qt.CheckState.Unchecked)


class PlainLineEdit(QLineEdit):
    def __init__(self, placeholder: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        if placeholder:
            self.setPlaceholderText(placeholder)

    def value(self) -> str | None:
        return self.text().strip() or None

    def set_value(self, value: Any) -> None:
        self.setText("" if value in (None, "") else str(value))


def make_field_widget(spec: FieldSpec, debtors: Sequence[tuple[str, str]],
                      assets: Sequence[tuple[str, str]]) -> QWidget:
    if spec.type == "date":
        return DateLineEdit(spec.label)
    if spec.type == "money":
        return MoneyLineEdit(spec.label)
    if spec.type == "int":
        return PlainLineEdit("整数")
    if spec.type == "enum":
        values = vocabulary(spec.vocab or "").values
        return ChoiceBox([(v, v) for v in values], CHOOSE if spec.required else NONE)
    if spec.type == "enum_list":
        return CheckList(vocabulary(spec.vocab or "").values)
    if spec.type == "party":
        return ChoiceBox(debtors, CHOOSE if spec.required else ALL_DEBTORS)
    if spec.type == "asset":
        return ChoiceBox(assets, CHOOSE if spec.required else NONE)
    return PlainLineEdit()


class TypedFieldsForm(QWidget):
    """The typed fields of one node, each with its own error line."""

    def __init__(self, specs: Sequence[FieldSpec], *, debtors: Sequence[tuple[str, str]] = (),
                 assets: Sequence[tuple[str, str]] = (), parent: QWidget | None = None):
        super().__init__(parent)
        self.specs = list(specs)
        self.widgets: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for spec in self.specs:
            w = make_field_widget(spec, debtors, assets)
            w.setObjectName(f"data_{spec.key}")
            err = QLabel()
            err.setObjectName(f"error_{spec.key}")
            err.setStyleSheet("color:#c62828")
            err.setWordWrap(True)
            err.hide()
            if hasattr(w, "checked"):
                w.checked.connect(lambda msg, key=spec.key: self.set_error(key, msg))
            cell = QWidget()
            v = QVBoxLayout(cell)
            v.setContentsMargins(0, 0, 0, 0)
            v.setSpacing(1)
            v.addWidget(w)
            if spec.type == "asset" and not assets:
                empty = QLabel(self.tr("本案尚无已查明的财产：请先记录“查封/扣押/冻结”。"))
                empty.setStyleSheet("color:#e65100")
                empty.setWordWrap(True)
                v.addWidget(empty)
            v.addWidget(err)
            label = QLabel(spec.label + "：" + ("<span style='color:#c62828'>*</span>" if spec.required else ""))
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setToolTip(self.tr("必填") if spec.required else "")
            form.addRow(label, cell)
            self.widgets[spec.key] = w
            self.errors[spec.key] = err

    def values(self) -> dict[str, Any]:
        """What was filled in, as the service takes it (text, a list for enum_list, ids); blanks left out."""
        out = {}
        for key, w in self.widgets.items():
            value = w.value()
            if value not in (None, "", []):
                out[key] = value
        return out

    def set_values(self, data: dict[str, Any] | None) -> None:
        for key, value in (data or {}).items():
            if key in self.widgets:
                self.widgets[key].set_value(value)

    def set_error(self, key: str, message: str) -> None:
        label = self.errors[key]
        label.setText(message)
        label.setVisible(bool(message))
        mark_invalid(self.widgets[key], bool(message))

    def clear_errors(self) -> None:
        for key in self.widgets:
            self.set_error(key, "")

    def show_errors(self, exc: ValidationError) -> set[str]:
        """Put each error the service named under its field. Returns the field names it placed."""
        placed = set()
        for spec in self.specs:
            msgs = [e.message for e in exc.errors if _names(e.field, spec.label)]
            self.set_error(spec.key, "；".join(msgs))
            placed |= {e.field for e in exc.errors if _names(e.field, spec.label)}
        return placed

    def first_invalid(self) -> QWidget | None:
        for key, label in self.errors.items():
            if label.isVisibleTo(self) and label.text():
                return self.widgets[key]
        return None


def _names(field: str, label: str) -> bool:
    """Does an error's field name this form field? The service may prefix it (e.g. "节点内容·")."""
    return bool(field) and (field == label or field.endswith(label))
