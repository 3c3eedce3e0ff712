"""PDF preview and printing inside the app.

Pages are rendered with QtPdf (the PySide6-Pdf wheel, a project dependency: it works the same on Windows,
where there is no poppler). When QtPdf cannot be imported (an install missing that wheel) poppler's
``pdftoppm`` is used if it is on PATH. Printing paints the page images onto a QPrinter at 300 dpi. If neither
renderer is present the view says so and offers the system PDF reader.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from execdesk.ui.screen_fit import fit_window

log = logging.getLogger(__name__)


def pdftoppm_path() -> str | None:
    return shutil.which("pdftoppm")


def render_pages(data: bytes, dpi: int = 96, *, first: int | None = None, last: int | None = None) -> list[QImage]:
    """Render PDF bytes (pages ``first``..``last``, 1-based, inclusive) to images. Raises RuntimeError."""
    try:
        from PySide6.QtPdf import QPdfDocument  # noqa: F401
    except ImportError:
        return _render_with_pdftoppm(data, dpi, first=first, last=last)
    return _render_with_qtpdf(data, dpi, first=first, last=last)


def _render_with_qtpdf(data: bytes, dpi: int, *, first: int | None, last: int | None) -> list[QImage]:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
    from PySide6.QtPdf import QPdfDocument

    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    try:
        document.load(buffer)
        if document.status() != QPdfDocument.Status.Ready or document.pageCount() == 0:
            raise RuntimeError(f"PDF 无法读取（{document.error().name}）")
        start = (first or 1) - 1
        stop = min(last or document.pageCount(), document.pageCount())
        images = []
        for page in range(start, stop):
            points = document.pagePointSize(page)
            size = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
            image = document.render(page, size)
            if image.isNull():
                raise RuntimeError(f"第{page + 1}页渲染失败")
            images.append(image)
        return images
    finally:
        document.close()
        buffer.close()


def _render_with_pdftoppm(data: bytes, dpi: int, *, first: int | None, last: int | None) -> list[QImage]:
    exe = pdftoppm_path()
    if exe is None:
        raise RuntimeError("未找到 PDF 渲染组件（QtPdf 或 pdftoppm）")
    with tempfile.TemporaryDirectory(prefix="execdesk-pdf-") as tmp:
        src = Path(tmp) / "doc.pdf"
        src.write_bytes(data)
        cmd = [exe, "-png", "-r", str(dpi)]
        if first:
            cmd += ["-f", str(first)]
        if last:
            cmd += ["-l", str(last)]
        subprocess.run([*cmd, str(src), str(Path(tmp) / "page")], check=True, capture_output=True, timeout=120)
        images = []
        for png in sorted(Path(tmp).glob("page*.png"), key=lambda p: int(p.stem.split("-")[-1])):
            img = QImage(str(png))
            if not img.isNull():
                images.append(img)
        return images


class PdfView(QWidget):
    """Shows a PDF's pages one under the other."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.data: bytes | None = None
        self.pages: list[QImage] = []
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.inner = QWidget()
        self.inner_layout = QVBoxLayout(self.inner)
        self.scroll.setWidget(self.inner)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.open_external = QPushButton(self.tr("用系统 PDF 阅读器打开"))
        self.open_external.clicked.connect(self._open_external)
        self.open_external.hide()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.message)
        lay.addWidget(self.open_external)
        lay.addWidget(self.scroll, 1)
        self._tmp: Path | None = None

    DPI = 110

    def set_pdf(self, data: bytes, pages: list[QImage] | None = None) -> None:
        """Show ``data``; ``pages`` = its page images already rendered (``render_pages(data, PdfView.DPI)`` in a
        worker: rendering a few pages takes 100–400 ms, too long for the GUI thread), else rendered here."""
        self.data = data
        while self.inner_layout.count():
            item = self.inner_layout.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        try:
            self.pages = pages if pages is not None else render_pages(data, dpi=self.DPI)
        except (RuntimeError, subprocess.SubprocessError, OSError) as exc:
            log.warning("PDF preview unavailable: %s", exc)
            self.pages = []
            self.message.setText(self.tr("无法在程序内预览：{0}").format(exc))
            self.open_external.show()
            return
        self.message.setText(self.tr("共 {0} 页").format(len(self.pages)))
        self.open_external.show()
        for img in self.pages:
            lab = QLabel()
            lab.setPixmap(QPixmap.fromImage(img))
            lab.setStyleSheet("background: white; border: 1px solid #bbb; margin: 6px;")
            self.inner_layout.addWidget(lab)
        self.inner_layout.addStretch()

    def page_count(self) -> int:
        return len(self.pages)

    def _open_external(self) -> None:
        if self.data is None:
            return
        tmp = Path(tempfile.mkdtemp(prefix="execdesk-view-")) / "preview.pdf"
        tmp.write_bytes(self.data)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(tmp)))


def print_pdf(parent: QWidget, data: bytes) -> bool:
    """Print dialog, then each page rendered at 300 dpi onto the printer's page."""
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dlg = QPrintDialog(printer, parent)
    if dlg.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    print_to(printer, data)
    return True


def print_to(printer, data: bytes) -> int:
    """Paint every page onto ``printer`` (also used with a PDF-file QPrinter in tests). Returns pages printed."""
    pages = render_pages(data, dpi=300)
    painter = QPainter()
    if not painter.begin(printer):
        raise RuntimeError("无法开始打印")
    try:
        for i, img in enumerate(pages):
            if i:
                printer.newPage()
            rect = painter.viewport()
            size = img.size()
            size.scale(rect.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.setViewport(rect.x(), rect.y(), size.width(), size.height())
            painter.setWindow(img.rect())
            painter.drawImage(0, 0, img)
    finally:
        painter.end()
    return len(pages)



class PdfPreviewDialog(QWidget):
    """A PDF in a window of its own with 打印 and 另存为 (issued documents, batch explanations)."""

    def __init__(self, data: bytes, title: str, suggested_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QHBoxLayout

        self.setWindowFlag(Qt.WindowType.Window, True)
        self.setWindowTitle(title)
        self.data, self.suggested_name = data, suggested_name
        self.view = PdfView()
        self.view.set_pdf(data)
        print_button = QPushButton(self.tr("打印…"))
        print_button.clicked.connect(lambda: print_pdf(self, self.data))
        save_button = QPushButton(self.tr("另存为…"))
        save_button.clicked.connect(self.save_as)
        close_button = QPushButton(self.tr("关闭"))
        close_button.clicked.connect(self.close)
        row = QHBoxLayout()
        row.addWidget(print_button)
        row.addWidget(save_button)
        row.addStretch()
        row.addWidget(close_button)
        lay = QVBoxLayout(self)
        lay.addLayout(row)
        lay.addWidget(self.view, 1)
        fit_window(self, 900, 900)

    def save_as(self) -> str | None:
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getSaveFileName(self, self.tr("另存为"), self.suggested_name, self.tr("PDF 文件 (*.pdf)"))
        if path:
            Path(path).write_bytes(self.data)
        return path or None
