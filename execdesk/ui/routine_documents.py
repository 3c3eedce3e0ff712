"""日常文书 (issue 16) from the case workspace: choose the kind → preview the draft → record approvals → issue;
a batch of one kind for many cases in a worker (progress, 取消 writes nothing); the 送签包 for the seal system
and the import of the sealed PDF. Thin: every decision is in ``services.routine_documents``.

Rendering runs in a worker (``ui.workers``), never on the GUI thread, and a batch in a child process of its own
(``rd.batch_in_process``: its rendering never holds this window's GIL): the window stays responsive.
"""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from execdesk.rules.errors import ValidationError
from execdesk.services import routine_documents as rd
from execdesk.ui.context import UiContext
from execdesk.ui.pdf_view import PdfView, render_pages
from execdesk.ui.screen_fit import fit_window
from execdesk.ui.widgets import DateField, fill_table, make_table, selected_id
from execdesk.ui.workers import start


def with_pages(doc):
    """(doc, its page images) — rendered in the worker that made ``doc``, not on the GUI thread; None when no
    renderer works here (the view then says why)."""
    try:
        return doc, render_pages(doc.pdf, dpi=PdfView.DPI)
    except (RuntimeError, OSError, subprocess.SubprocessError):
        return doc, None


# Labels of the fields a clerk types (services.routine_documents.TYPED_FIELDS).
FIELD_LABELS = {"release_reason": "解除/撤销理由", "credit_ground": "纳入失信的情形", "assist_body": "协助执行单位",
                "assist_action": "协助事项", "recipient": "受送达/受通知人", "recipient_address": "送达地址",
                "restore_reason": "恢复执行的原因", "interview_place": "约谈地点"}


class RoutineDocumentsDialog(QDialog):
    """One case's routine documents. ``issued`` fires with the document id after each issue or import."""

    issued = Signal(str)

    def __init__(self, ctx: UiContext, case_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.case_id = ctx, case_id
        self.setWindowTitle(self.tr("日常执行文书"))
        fit_window(self, 1100, 760)
        self.last_draft: rd.Draft | None = None
        self.last_issued: rd.IssuedRoutine | None = None
        self.task = None
        self.problems = QLabel()  # a court's broken template copy, in Chinese (checked in a worker)
        self.problems.setObjectName("templateProblems")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #b00020;")
        self.problems.hide()
        self.check_task = start(self, lambda job: rd.check_templates(), on_done=self._show_problems)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._issue_tab(), self.tr("生成与出具"))
        self.batch = BatchPanel(ctx, self)
        self.tabs.addTab(self.batch, self.tr("批量生成"))
        self.tabs.addTab(self._seal_tab(), self.tr("已出具与送签"))
        lay = QVBoxLayout(self)
        lay.addWidget(self.problems)
        lay.addWidget(self.tabs)
        self._kind_changed()
        self.refresh_issued()

    def _show_problems(self, problems: list[str]) -> None:
        self.problems.setText("\n".join(problems))
        self.problems.setVisible(bool(problems))

    # ------------------------------------------------------------ 生成与出具

    def _issue_tab(self) -> QWidget:
        w = QWidget()
        self.kind = QComboBox()
        self.kind.setObjectName("kind")
        for k in rd.kinds():
            self.kind.addItem(k.kind, k.slug)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.subject = QComboBox()
        self.subject.setObjectName("subject")
        self.subject_label = QLabel(self.tr("针对"))
        self.date = DateField(self.ctx.today(), optional=False)
        self.fields_box = QWidget()
        self.fields_form = QFormLayout(self.fields_box)
        self.fields_form.setContentsMargins(0, 0, 0, 0)
        self.field_edits: dict[str, QLineEdit] = {}
        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.status.setMinimumHeight(96)
        self.status.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview_button = QPushButton(self.tr("预览草稿"))
        self.preview_button.clicked.connect(self.preview)
        self.issue_button = QPushButton(self.tr("出具"))
        self.issue_button.setObjectName("issue")
        self.issue_button.clicked.connect(self.issue)
        form = QFormLayout()
        form.addRow(self.tr("文书种类"), self.kind)
        form.addRow(self.subject_label, self.subject)
        form.addRow(self.tr("文书日期"), self.date)
        form.addRow(self.fields_box)
        buttons = QHBoxLayout()
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.issue_button)
        # Approval of this draft (where the court's route requires it), with the approver's own password.
        self.approval = QGroupBox(self.tr("审批（审批人本人密码）"))
        self.step = QComboBox()
        self.approver = QLineEdit()
        self.approver.setPlaceholderText(self.tr("审批人账号"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.opinion = QLineEdit()
        self.approve_button = QPushButton(self.tr("同意"))
        self.approve_button.clicked.connect(lambda: self.approve("同意"))
        self.reject_button = QPushButton(self.tr("不同意"))
        self.reject_button.clicked.connect(lambda: self.approve("不同意"))
        af = QFormLayout(self.approval)
        af.addRow(self.tr("审批环节"), self.step)
        af.addRow(self.tr("审批人"), self.approver)
        af.addRow(self.tr("密码"), self.password)
        af.addRow(self.tr("意见"), self.opinion)
        ab = QHBoxLayout()
        ab.addWidget(self.approve_button)
        ab.addWidget(self.reject_button)
        af.addRow(ab)
        left = QVBoxLayout()
        left.addLayout(form)
        left.addLayout(buttons)
        left.addWidget(self.status)
        left.addWidget(self.approval)
        left.addStretch()
        self.view = PdfView()
        row = QHBoxLayout(w)
        lw = QWidget()
        lw.setLayout(left)
        lw.setMaximumWidth(420)
        row.addWidget(lw)
        row.addWidget(self.view, 1)
        return w

    def current_slug(self) -> str:
        return self.kind.currentData()

    def _kind_changed(self, *_args) -> None:
        slug = self.current_slug()
        info = next(k for k in rd.kinds() if k.slug == slug)
        self.subject.clear()
        options = rd.subjects(self.ctx.store, slug, self.case_id)
        for sid, label in options:
            self.subject.addItem(label, sid)
        needs = info.subject in ("measure",) or info.kind in ("送达回证", "财产调查笔录")
        if info.kind in ("送达回证", "财产调查笔录"):
            self.subject.insertItem(0, self.tr("（全案）"), None)
            self.subject.setCurrentIndex(0)
        self.subject.setVisible(needs)
        self.subject_label.setVisible(needs)
        while self.fields_form.rowCount():
            self.fields_form.removeRow(0)
        self.field_edits = {}
        for name in rd.TYPED_FIELDS.get(info.kind, ()):
            if name == "assist_action":
                edit = QComboBox()
                edit.addItems(list(rd.ASSIST_ACTIONS))
            else:
                edit = QLineEdit()
            edit.setObjectName(f"field_{name}")
            self.field_edits[name] = edit
            self.fields_form.addRow(self.tr(FIELD_LABELS.get(name, name)), edit)
        self.approval.setVisible(bool(info.approval))
        self.step.clear()
        try:
            route = rd.document_route(rd.template(slug)) if info.approval else None
        except ValidationError as exc:  # the court's copy of this template is broken: say so, keep the window
            self.status.setText(str(exc))
            return
        for s in route.steps if route else ():
            self.step.addItem(s.name, s.code)
        self.status.setText(info.description)

    def options(self) -> dict:
        out = {}
        for name, edit in self.field_edits.items():
            value = edit.currentText() if isinstance(edit, QComboBox) else edit.text().strip()
            if value:
                out[name] = value
        return out

    def _request(self) -> dict:
        return dict(subject_id=self.subject.currentData() if not self.subject.isHidden() else None,
                    document_date=self.date.value(), options=self.options(), today=self.ctx.today())

    def preview(self) -> None:
        """Render the draft in a worker and show it; the status says what is still missing."""
        slug, req = self.current_slug(), self._request()
        self.preview_button.setEnabled(False)
        self.status.setText(self.tr("正在生成草稿……"))
        self.task = start(self, lambda job: with_pages(rd.draft(self.ctx.store, slug, self.case_id, **req)),
                          on_done=self._show_draft, on_error=self._failed)

    def _show_draft(self, result: tuple[rd.Draft, list | None]) -> None:
        d, pages = result
        self.preview_button.setEnabled(True)
        self.last_draft = d
        self.view.set_pdf(d.pdf, pages)
        parts = [self.tr("{0}（{1}）草稿").format(d.kind, d.document_number)]
        if d.pending:
            parts.append(self.tr("尚需审批：{0}").format("、".join(d.pending)))
        if d.missing:
            parts.append(self.tr("尚缺：{0}").format("；".join(d.missing)))
        if not d.pending and not d.missing:
            parts.append(self.tr("可以出具"))
        self.status.setText("\n".join(parts))

    def _failed(self, exc: BaseException) -> None:
        self.preview_button.setEnabled(True)
        self.issue_button.setEnabled(True)
        self.batch.set_running(False)
        self.status.setText(str(exc) if isinstance(exc, ValidationError) else self.tr("出错，详见日志文件"))

    def issue(self) -> None:
        slug, req = self.current_slug(), self._request()
        self.issue_button.setEnabled(False)
        self.status.setText(self.tr("正在出具……"))
        self.task = start(self, lambda job: with_pages(rd.issue(self.ctx.store, self.ctx.actor, slug, self.case_id,
                                                                **req)),
                          on_done=self._issued, on_error=self._failed)

    def _issued(self, result: tuple[rd.IssuedRoutine, list | None]) -> None:
        r, pages = result
        self.issue_button.setEnabled(True)
        self.last_issued = r
        self.view.set_pdf(r.pdf, pages)
        verb = self.tr("已出具") if r.state == "新出具" else self.tr("沿用已出具的")
        self.status.setText(self.tr("{0}{1}第{2}版（{3}）\nSHA-256：{4}").format(
            verb, r.kind, r.version_no, r.document_number, r.sha256))
        self.refresh_issued()
        self.issued.emit(r.id)

    def approve(self, decision: str) -> None:
        """Record one step's decision in a worker (the password check, scrypt, and composing the draft take too
        long for the GUI thread); the password field is cleared at once."""
        req, slug, store, actor, case_id = self._request(), self.current_slug(), self.ctx.store, self.ctx.actor, \
            self.case_id
        step, step_name = self.step.currentData(), self.step.currentText()
        username, password = self.approver.text().strip(), self.password.text()
        opinion = self.opinion.text().strip() or None
        self.password.clear()
        self.approve_button.setEnabled(False)
        self.reject_button.setEnabled(False)
        self.status.setText(self.tr("正在核对审批人密码……"))

        def work(job):
            rd.approve(store, actor, slug, case_id, step=step, approver_username=username, password=password,
                       decision=decision, opinion=opinion, subject_id=req["subject_id"],
                       document_date=req["document_date"], options=req["options"], today=req["today"])
            return rd.status(store, slug, case_id, **req)

        self.task = start(self, work, on_done=lambda d: self._approved(d, step_name, decision),
                          on_error=self._approve_failed)

    def _approved(self, d: rd.Draft, step_name: str, decision: str) -> None:
        self.approve_button.setEnabled(True)
        self.reject_button.setEnabled(True)
        self.status.setText(self.tr("已记录：{0}{1}。").format(step_name, decision) +
                            (self.tr("尚需审批：{0}").format("、".join(d.pending)) if d.pending else self.tr("审批已完成，可以出具")))

    def _approve_failed(self, exc: BaseException) -> None:
        self.approve_button.setEnabled(True)
        self.reject_button.setEnabled(True)
        self.status.setText(str(exc) if isinstance(exc, ValidationError) else self.tr("出错，详见日志文件"))

    # ------------------------------------------------------------ 已出具与送签

    def _seal_tab(self) -> QWidget:
        w = QWidget()
        self.issued_table = make_table()
        self.issued_table.setObjectName("issuedTable")
        self.package_target = QLineEdit()
        self.package_target.setPlaceholderText(self.tr("送签包保存位置（目录，或以 .zip 结尾的文件）"))
        self.export_button = QPushButton(self.tr("导出送签包"))
        self.export_button.clicked.connect(self.export_package)
        self.package_source = QLineEdit()
        self.package_source.setPlaceholderText(self.tr("送签包（目录或 .zip）"))
        self.sealed_file = QLineEdit()
        self.sealed_file.setPlaceholderText(self.tr("签章系统返回的已签章 PDF"))
        self.import_button = QPushButton(self.tr("导入签章件"))
        self.import_button.clicked.connect(self.import_sealed)
        self.seal_status = QLabel()
        self.seal_status.setObjectName("sealStatus")
        self.seal_status.setWordWrap(True)
        lay = QVBoxLayout(w)
        lay.addWidget(self.issued_table, 1)
        f = QFormLayout()
        f.addRow(self.tr("送签包"), self.package_target)
        f.addRow(self.export_button)
        f.addRow(self.tr("送签包"), self.package_source)
        f.addRow(self.tr("签章件"), self.sealed_file)
        f.addRow(self.import_button)
        lay.addLayout(f)
        lay.addWidget(self.seal_status)
        return w

    def refresh_issued(self) -> None:
        rows = rd.issued_list(self.ctx.store, self.case_id)
        fill_table(self.issued_table, [self.tr("文书"), self.tr("版本"), self.tr("文号"), self.tr("日期"),
                                       self.tr("SHA-256"), self.tr("校验")],
                   [[r["kind"], r["version_no"], r["document_number"], r["document_date"].isoformat(),
                     r["sha256"][:16] + "…", self.tr("一致") if r["verified"] else self.tr("不一致")] for r in rows],
                   ids=[(r["kind"], r["version_no"]) for r in rows])

    def export_package(self) -> None:
        chosen = selected_id(self.issued_table)
        target = self.package_target.text().strip()
        if chosen is None or not target:
            self.seal_status.setText(self.tr("请先在上表中选择一份已出具的文书，并填写送签包保存位置"))
            return
        kind, version = chosen
        try:
            path = rd.export_seal_package(self.ctx.store, self.ctx.actor, self.case_id, kind, Path(target),
                                          version_no=version)
        except ValidationError as exc:
            self.seal_status.setText(str(exc))
            return
        self.package_source.setText(str(path))
        self.seal_status.setText(self.tr("已生成送签包：{0}").format(path))

    def import_sealed(self) -> None:
        package, sealed = self.package_source.text().strip(), self.sealed_file.text().strip()
        if not package or not sealed:
            self.seal_status.setText(self.tr("请填写送签包和签章件的位置"))
            return
        try:
            r = rd.import_sealed(self.ctx.store, self.ctx.actor, Path(package), Path(sealed).read_bytes())
        except (ValidationError, OSError) as exc:
            self.seal_status.setText(self.tr("签章件未导入：{0}").format(exc))
            return
        self.seal_status.setText(self.tr("已核验并保存签章件：{0}第{1}版").format(r.kind, r.version_no))
        self.refresh_issued()
        self.issued.emit(r.id)


class BatchPanel(QWidget):
    """One kind for many cases in a worker: progress bar, 取消 (nothing is stored or written), results."""

    finished = Signal(object)  # the BatchResult, or None when cancelled

    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.task = None
        self.result: rd.BatchResult | None = None
        self.kind = QComboBox()
        self.kind.setObjectName("batchKind")
        for k in rd.kinds():
            if k.subject == "case":
                self.kind.addItem(k.kind, k.slug)
        self.today_cases = QRadioButton(self.tr("今天立案的案件"))
        self.today_cases.setChecked(True)
        self.listed_cases = QRadioButton(self.tr("以下案号（每行一个）"))
        self.numbers = QPlainTextEdit()
        self.numbers.setObjectName("batchNumbers")
        self.out_dir = QLineEdit()
        self.out_dir.setObjectName("batchOut")
        self.out_dir.setPlaceholderText(self.tr("输出目录：每案一个PDF，另有一个打印文件"))
        self.start_button = QPushButton(self.tr("开始批量生成"))
        self.start_button.clicked.connect(self.run)
        self.cancel_button = QPushButton(self.tr("取消"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setObjectName("batchProgress")
        self.label = QLabel()
        self.label.setObjectName("batchStatus")
        self.label.setWordWrap(True)
        self.table = make_table()
        f = QFormLayout()
        f.addRow(self.tr("文书种类"), self.kind)
        f.addRow(self.today_cases)
        f.addRow(self.listed_cases, self.numbers)
        f.addRow(self.tr("输出目录"), self.out_dir)
        row = QHBoxLayout()
        row.addWidget(self.start_button)
        row.addWidget(self.cancel_button)
        lay = QVBoxLayout(self)
        lay.addLayout(f)
        lay.addLayout(row)
        lay.addWidget(self.progress)
        lay.addWidget(self.label)
        lay.addWidget(self.table, 1)

    def set_running(self, running: bool) -> None:
        self.start_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)

    def run(self) -> None:
        out = self.out_dir.text().strip()
        if not out:
            self.label.setText(self.tr("请填写输出目录"))
            return
        today: date = self.ctx.today()
        try:
            if self.today_cases.isChecked():
                ids = rd.new_today_case_ids(self.ctx.store, today)
            else:
                ids = rd.case_ids_for(self.ctx.store, [n.strip() for n in self.numbers.toPlainText().splitlines()
                                                       if n.strip()])
        except (ValidationError, LookupError) as exc:
            self.label.setText(str(exc))
            return
        if not ids:
            self.label.setText(self.tr("没有符合条件的案件"))
            return
        slug, store, actor = self.kind.currentData(), self.ctx.store, self.ctx.actor
        self.set_running(True)
        self.progress.setRange(0, len(ids) + 1)
        self.progress.setValue(0)
        self.label.setText(self.tr("正在生成{0}件……").format(len(ids)))

        def work(job):  # in a child process: rendering there never holds this window's GIL (bench RESULTS)
            return rd.batch_in_process(store.path, actor, slug, ids, Path(out), today=today, progress=job.progress,
                                       cancelled=lambda: job.cancelled)

        self.task = start(self, work, on_done=self._done, on_error=self._error, on_cancel=self._cancelled)
        self.task.progress.connect(self._progress)

    def _progress(self, done: int, total: int, text: str) -> None:
        self.progress.setMaximum(total)
        self.progress.setValue(done)
        if text:
            self.label.setText(text)

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.label.setText(self.tr("正在取消……"))

    def _done(self, result: rd.BatchResult) -> None:
        self.set_running(False)
        self.result = result
        fill_table(self.table, [self.tr("案号"), self.tr("结果"), self.tr("文件"), self.tr("说明")],
                   [[i.case_number, i.state, i.path.name if i.path else "", i.message] for i in result.items])
        self.label.setText(self.tr("共{0}件，出具{1}件。打印文件：{2}").format(
            len(result.items), result.issued, result.print_file or self.tr("无")))
        self.finished.emit(result)

    def _error(self, exc: BaseException) -> None:
        self.set_running(False)
        if isinstance(exc, rd.BatchCancelled):
            self._cancelled()
            return
        self.label.setText(str(exc) if isinstance(exc, ValidationError) else self.tr("批量生成出错，详见日志文件"))
        self.finished.emit(None)

    def _cancelled(self) -> None:
        self.set_running(False)
        self.progress.setValue(0)
        self.label.setText(self.tr("已取消：未出具任何文书，未写入任何文件"))
        self.finished.emit(None)


# ---------------------------------------------------------------- the start-up check of every template


_FIELD_LIST = re.compile(r"（[^（）]*可用的字段：[^（）]*）")


def show_template_problems(parent: QWidget, problems: list[str]) -> QMessageBox:
    """A non-modal warning naming each broken template and its field; the window stays usable. The list of the
    fields a kind may use (long) is left to the log, the 日常文书 window and ``execdesk doc check-templates``."""
    from execdesk.config import data_dir

    short = "\n".join("• " + _FIELD_LIST.sub("", p) for p in problems)
    box = QMessageBox(QMessageBox.Icon.Warning, parent.tr("文书模板有误"),
                      parent.tr("以下文书模板有错误，改正前相应的文书不能生成；其他文书和功能照常使用。\n\n{0}\n\n"
                                "本院的模板副本在 {1} 中：改正或删除有错的文件即可（无需重新启动）。"
                                "可用字段的完整列表见“日常文书”窗口或命令 execdesk doc check-templates。")
                      .format(short, data_dir() / "templates"),
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("templateProblems")
    box.setWindowModality(Qt.WindowModality.NonModal)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    box.show()
    return box


def open_for_case(ctx: UiContext, case_id: str, parent: QWidget | None = None) -> RoutineDocumentsDialog:
    """The hook the case workspace calls: a non-modal window of the case's routine documents."""
    dlg = RoutineDocumentsDialog(ctx, case_id, parent)
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    dlg.show()
    return dlg
