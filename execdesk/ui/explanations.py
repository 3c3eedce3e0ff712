"""书面说明: the cases that owe a written explanation (overdue, R36), an editor for the reasons and the plan,
and a batch print of every explanation owed (one PDF with a cover list).

Saving and rendering go through ``services.explanations`` (issue 4) when installed.
"""

from __future__ import annotations

import importlib
import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from execdesk.rules.errors import ConflictError, UserError
from execdesk.services.case_views import issued_content, latest_explanation
from execdesk.services.search import explanation_cases
from execdesk.ui.context import UiContext
from execdesk.ui.pdf_view import PdfPreviewDialog
from execdesk.ui.widgets import (
    DateField,
    DraftKeeper,
    ErrorLabel,
    ask_save_or_discard,
    confirm_irreversible,
    fill_table,
    make_table,
    selected_id,
    show_error,
)
from execdesk.ui.workers import run_with_progress

log = logging.getLogger(__name__)


def _service():
    try:
        return importlib.import_module("execdesk.services.explanations")
    except ImportError:
        return None


class ExplanationsPage(QWidget):
    open_case = Signal(str)
    changed = Signal()
    batch_done = Signal(str)  # an issued document id was shown

    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.rows = []
        self.scope = QComboBox()
        self.scope.addItem(self.tr(ctx.mine.label), "mine")
        self.scope.addItem(self.tr("全院"), "all")
        self.scope.currentIndexChanged.connect(lambda _i: self.refresh())
        self.table = make_table()
        self.table.setObjectName("owed")
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _i: self._open())
        self.count = QLabel()
        self.batch_button = QPushButton(self.tr("批量打印全部书面说明…"))
        self.batch_button.setObjectName("batch_print")
        self.batch_button.clicked.connect(self.batch_print)

        self.reasons = QListWidget()
        self.reasons.setObjectName("reasons")
        self.reason_text = QPlainTextEdit()
        self.reason_text.setObjectName("reason_text")
        self.next_steps = QPlainTextEdit()
        self.next_steps.setObjectName("next_steps")
        self.planned_on = DateField(None)
        self.planned_method = QComboBox()
        self.error = ErrorLabel()
        self.save_button = QPushButton(self.tr("保存说明"))
        self.save_button.setObjectName("save_explanation")
        self.save_button.clicked.connect(self.save)
        self.issue_button = QPushButton(self.tr("出具并打印…"))
        self.issue_button.clicked.connect(self.issue)
        self.open_button = QPushButton(self.tr("打开案件"))
        self.open_button.clicked.connect(self._open)
        self.case_label = QLabel()
        self.case_label.setWordWrap(True)
        self.state_label = QLabel()
        self.director_opinion = QPlainTextEdit()
        self.director_opinion.setObjectName("director_opinion")
        self.director_opinion.setMaximumHeight(60)
        # Shown, never typed here: the 执行局长 signs it with their own password (issue 11 item 4).
        self.director_opinion.setReadOnly(True)
        self.director_opinion.setPlaceholderText(self.tr("由执行局长本人登录后签署"))
        editor = QGroupBox(self.tr("书面说明"))
        form = QFormLayout(editor)
        form.addRow(self.case_label)
        form.addRow(self.tr("超期原因："), self.reasons)
        form.addRow(self.tr("原因说明："), self.reason_text)
        form.addRow(self.tr("下一步措施："), self.next_steps)
        form.addRow(self.tr("计划结案日期："), self.planned_on)
        form.addRow(self.tr("计划结案方式："), self.planned_method)
        form.addRow(self.tr("执行局长意见："), self.director_opinion)
        form.addRow(self.state_label)
        form.addRow(self.error)
        br = QHBoxLayout()
        for b in (self.save_button, self.issue_button, self.open_button):
            br.addWidget(b)
        br.addStretch()
        form.addRow(br)
        self.service_note = QLabel()
        self.service_note.setWordWrap(True)

        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("范围：")))
        top.addWidget(self.scope)
        top.addWidget(self.count, 1)
        top.addWidget(self.batch_button)
        ll.addLayout(top)
        ll.addWidget(self.table)
        split = QSplitter()
        split.addWidget(left)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.service_note)
        rl.addWidget(editor)
        split.addWidget(right)
        split.setSizes([760, 600])
        lay = QVBoxLayout(self)
        lay.addWidget(split)
        self.editing_case: str | None = None  # whose 书面说明 the editor holds (may differ from the selection)
        self._loaded: dict = {}
        self._draft_version = 0  # the draft version the editor read (0: none yet); a stale save is a conflict
        self.draft = DraftKeeper(self, ctx, key=lambda: self.editing_case and f"explanation:{self.editing_case}",
                                 title=self.unsaved_title, values=self.values, dirty=self.has_unsaved_changes)
        for text_edit in (self.reason_text, self.next_steps, self.director_opinion):
            text_edit.textChanged.connect(self.draft.touch)
        self.reasons.itemChanged.connect(self.draft.touch)
        self.planned_on.dateChanged.connect(self.draft.touch)
        self.planned_method.currentTextChanged.connect(self.draft.touch)
        self._fill_reason_choices()
        self.refresh()

    def _fill_reason_choices(self) -> None:
        svc = _service()
        choices = dict(getattr(svc, "REASONS", {}) or {})
        self.reasons.clear()
        for code, label in choices.items():
            item = QListWidgetItem(str(label))
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.reasons.addItem(item)
        self.reasons.setMaximumHeight(170)
        methods = list(getattr(svc, "PLANNED_METHODS", []) or [])
        self.planned_method.clear()
        self.planned_method.addItems(["", *methods])
        if svc is None:
            self.service_note.setText(self.tr("书面说明的保存与出具（文书模块）尚未安装：可以查看须出具说明的案件，暂不能保存。"))
            self.service_note.setStyleSheet("color:#e65100")

    def refresh(self) -> None:
        mine = self.ctx.mine if self.scope.currentData() == "mine" else None
        with self.ctx.store.query() as con:
            self.rows = explanation_cases(con, mine.handler_id if mine else None,
                                          clerk_id=mine.clerk_id if mine else None)
        current = selected_id(self.table)
        fill_table(self.table, [self.tr(h) for h in ("案号", "超期天数", "届满日期", "须说明", "被执行人", "案由",
                                                     "承办人")],
                   [(r.case_number, r.overdue_days, r.limit_due_on, r.explanation_owed, r.respondents, r.cause,
                     r.handler_name) for r in self.rows], ids=[r.id for r in self.rows],
                   colors=[QColor("#c62828") if r.explanation_owed else None for r in self.rows])
        self.table.setColumnWidth(4, min(self.table.columnWidth(4), 200))
        self.count.setText(self.tr("共 {0} 件").format(len(self.rows)))
        self.table.blockSignals(True)
        if current:
            self.select_case(current)
        self.table.blockSignals(False)
        # A refresh comes from elsewhere (a save, a sync, the day's recompute): it never replaces what is being
        # typed. With no unsaved text the editor follows the selection.
        if not self.has_unsaved_changes():
            self._load_current()

    def select_case(self, case_id: str) -> None:
        for r in range(self.table.rowCount()):
            if self.table.item(r, 0).data(Qt.ItemDataRole.UserRole) == case_id:
                self.table.selectRow(r)
                return

    def current_case_id(self) -> str | None:
        return selected_id(self.table)

    def has_unsaved_changes(self) -> bool:
        return self.editing_case is not None and self.values() != self._loaded

    def unsaved_title(self) -> str:
        row = next((r for r in self.rows if r.id == self.editing_case), None)
        return self.tr("书面说明（{0}）").format(row.case_number if row else "")

    def _selection_changed(self) -> None:
        new = self.current_case_id()
        if new == self.editing_case:
            return
        if self.has_unsaved_changes():
            answer = ask_save_or_discard(self, self.tr("{0} 有未保存的修改。是否保存？").format(self.unsaved_title()))
            if answer == "cancel" or (answer == "save" and not self.save()):
                self.table.blockSignals(True)  # back to the case being edited, text as typed
                self.select_case(self.editing_case)
                self.table.blockSignals(False)
                return
            if answer == "discard":
                self.discard_draft()
        self._load_current()

    def discard_draft(self) -> None:
        """The clerk chose 不保存: the typed text goes, from the crash journal too."""
        self.draft.drop()

    def apply_values(self, values: dict) -> None:
        """Fill the editor (the stored draft, or a recovered one: unsaved until the clerk saves); missing keys
        leave their field empty."""
        chosen = set(values.get("reasons") or [])
        for i in range(self.reasons.count()):
            item = self.reasons.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in chosen
                               else Qt.CheckState.Unchecked)
        self.reason_text.setPlainText(values.get("reason_text") or "")
        self.next_steps.setPlainText(values.get("next_steps") or "")
        self.planned_on.set_value(values.get("planned_close_on"))
        self.planned_method.setCurrentText(values.get("planned_method") or "")
        self.director_opinion.setPlainText(values.get("director_opinion") or "")

    def restore_draft(self, case_id: str, values: dict) -> bool:
        """Show ``case_id``'s 书面说明 with the recovered values. False if the case is not in the list, or if the
        editor already holds another case's unsaved text (one recovered at a time; the rest stay journaled)."""
        if self.has_unsaved_changes() and self.editing_case != case_id:
            return False
        if self.scope.currentData() != "all":
            self.scope.setCurrentIndex(self.scope.findData("all"))
        self.select_case(case_id)
        if self.editing_case != case_id:
            return False
        self.apply_values(values)
        return True

    def _load_current(self) -> None:
        case_id = self.current_case_id()
        self.editing_case = case_id
        row = next((r for r in self.rows if r.id == case_id), None)
        enabled = row is not None and _service() is not None
        for w in (self.save_button, self.issue_button):
            w.setEnabled(enabled)
        self.open_button.setEnabled(row is not None)
        self.error.show_error("")
        if row is None:
            self.editing_case = None
            self._loaded = {}
            self.case_label.setText(self.tr("请在左侧选择案件。"))
            return
        self.case_label.setText(self.tr("{0}　{1}　超期 {2} 天").format(row.case_number, row.cause, row.overdue_days))
        with self.ctx.store.read() as s:
            draft = latest_explanation(s, case_id)
        svc = _service()
        self._draft_version = svc.draft_version(draft) if svc is not None else 0
        self.apply_values({key: getattr(draft, key) for key in (*self.values(), "director_opinion")} if draft else {})
        self.state_label.setText(self.tr("状态：{0}").format(draft.status) if draft else self.tr("状态：尚未填写"))
        self._loaded = self.values()

    def values(self) -> dict:
        return {
            "reasons": [self.reasons.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.reasons.count())
                        if self.reasons.item(i).checkState() == Qt.CheckState.Checked],
            "reason_text": self.reason_text.toPlainText().strip(),
            "next_steps": self.next_steps.toPlainText().strip(),
            "planned_close_on": self.planned_on.value(),
            "planned_method": self.planned_method.currentText().strip() or None,
        }

    def save(self) -> bool:
        """Save the draft of the case in the editor (validated by the service; nothing written on an error)."""
        case_id = self.editing_case
        svc = _service()
        if case_id is None or svc is None:
            return False
        try:
            svc.save_draft(self.ctx.store, self.ctx.actor, case_id, today=self.ctx.today(),
                           expected_version=self._draft_version, **self.values())
        except ConflictError as exc:
            self._save_conflict(exc)
            return False
        except UserError as exc:
            self.error.show_error(str(exc))
            return False
        self.error.show_error("")
        self._loaded = self.values()
        with self.ctx.store.read() as s:
            self._draft_version = svc.draft_version(latest_explanation(s, case_id))
        self.draft.drop()
        self.state_label.setText(self.tr("状态：已保存草稿"))
        self.changed.emit()
        return True

    def _save_conflict(self, exc: ConflictError) -> None:
        """Someone saved, started or issued this draft after the editor read it: nothing was written. The
        person sees both values and chooses (the same dialog as the case form)."""
        from execdesk.ui.conflict import REAPPLY, RELOAD, resolve_conflict

        mine = self.values()
        choice = resolve_conflict(self, exc)
        if choice == RELOAD:  # the stored draft stands; what was typed is dropped (journal too)
            self.draft.drop()
            self._load_current()
        elif choice == REAPPLY:  # the stored draft, with what was typed put back on top, unsaved
            self._load_current()
            self.apply_values({**mine, "director_opinion": self.director_opinion.toPlainText()})
            self.error.show_error(self.tr("已载入最新版本并填回了您的修改，请核对后再次保存。"))
        else:
            self.error.show_error(str(exc))

    def issue(self) -> str | None:
        """Save, issue as an immutable PDF version, and show it for printing."""
        case_id = self.editing_case
        svc = _service()
        if case_id is None or svc is None or not self.save():
            return None
        row = next((r for r in self.rows if r.id == case_id), None)
        if not confirm_irreversible(self, self.tr("出具书面说明"), self.tr(
                "将出具 {0} 的超期书面说明。\n\n出具后作为正式文书保存，不能修改或删除；如需改动只能另行出具新版本。"
                "确定出具吗？").format(row.case_number if row else ""), self.tr("确定出具")):
            return None
        try:
            doc_id = svc.issue_explanation(self.ctx.store, self.ctx.actor, case_id, today=self.ctx.today())
        except UserError as exc:
            self.error.show_error(str(exc))
            return None
        self.changed.emit()
        self.show_document(doc_id)
        self.refresh()
        return doc_id

    def batch_print(self) -> None:
        """Every overdue case in scope in one PDF with a cover list, built in a worker (progress, cancel)."""
        svc = _service()
        if svc is None:
            return
        from execdesk.services.documents import store_issued

        handler = self.ctx.actor.username if self.scope.currentData() == "mine" else None
        store, actor, today = self.ctx.store, self.ctx.actor, self.ctx.today()

        def work(job):
            def progress(done: int, total: int) -> None:
                job.progress(done, total, f"正在生成书面说明 {done}/{total}…")
                job.check()

            pdf, count = svc.batch_pdf(store, handler_username=handler, today=today, progress=progress)
            job.check()
            with store.transaction() as session:
                doc = store_issued(session, actor, case_id=None, kind=svc.EXPLANATION_BATCH, pdf=pdf,
                                   document_date=today, meta={"cases": count, "handler": handler})
                return doc.id

        def failed(exc: BaseException) -> None:
            if isinstance(exc, UserError):
                self.error.show_error(str(exc))
            else:
                show_error(self, self.tr("批量打印"), exc)

        self.batch_task = run_with_progress(self, self.tr("批量生成书面说明"), work,
                                            on_done=self.show_document, on_error=failed)

    def show_document(self, doc_id: str) -> PdfPreviewDialog | None:
        with self.ctx.store.read() as s:
            found = issued_content(s, doc_id)
        if found is None:
            return None
        content, kind, version = found
        row = next((r for r in self.rows if r.id == self.editing_case), None)
        number = row.case_number if row is not None and kind == "书面说明" else ""
        # The default file name carries the 案号 (issue 17 item 7); a batch is named by its date.
        name = f"{number}{kind}v{version}.pdf" if number else f"{kind}_{self.ctx.today():%Y%m%d}_v{version}.pdf"
        self.preview = PdfPreviewDialog(content, self.tr("{0}（第{1}版）").format(kind, version), name, self)
        self.preview.show()
        self.batch_done.emit(doc_id)
        return self.preview

    def _open(self) -> None:
        case_id = self.current_case_id()
        if case_id:
            self.open_case.emit(case_id)
