"""The Qt steps of `execdesk --selftest` (see execdesk/selftest.py): a Chinese font for the UI, the main window,
preview and printing through the app's own view. Kept here because Qt is imported only under execdesk/ui/."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from execdesk.selftest_state import SelfTestState, StepFailed, StepNote, StepSkipped, log, need_store  # noqa: F401


def _choose_platform() -> None:
    """Qt platform for the self-test: the caller's choice (QT_QPA_PLATFORM), else offscreen without a screen.

    On Windows the native platform is kept and the window is made but never put on screen: that proves the
    bundled qwindows plugin loads (the classic frozen-Qt failure). Qt's offscreen platform on Windows reads
    fonts from a folder (QFreeTypeFontDatabase), so it is pointed at the Windows font folder.
    """
    if not os.environ.get("QT_QPA_PLATFORM") and sys.platform.startswith("linux") and not (
            os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen" and sys.platform == "win32":
        os.environ.setdefault("QT_QPA_FONTDIR", str(Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"))


def _qt_app(state: SelfTestState):
    """The application object the way the real program makes it (explicit Chinese UI font, Qt's zh_CN)."""
    if state.qt_app is None:
        _choose_platform()
        from execdesk.ui.app import install_translators, make_application

        state.qt_app = make_application(["execdesk", "--selftest"])
        state.qt_translations = tuple(install_translators(state.qt_app, "zh_CN"))
    return state.qt_app


def step_qt_font(state: SelfTestState) -> str:
    app = _qt_app(state)
    from PySide6.QtGui import QFontDatabase, QFontInfo

    families = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    if not families:
        raise StepFailed("Qt 找不到任何简体中文字体，界面上的中文会显示为方框。"
                         "请安装中文字体（Windows 自带宋体/微软雅黑；Linux 可安装 fonts-wqy-zenhei）。")
    used = QFontInfo(app.font()).family()
    if not state.qt_translations:
        raise StepFailed("Qt 自带的中文翻译（qtbase_zh_CN.qm）未能加载，标准按钮和对话框会显示英文。"
                         "安装不完整，请重新安装。")
    return (f"界面平台 {app.platformName()}，界面字体 {used}（本机共 {len(families)} 种中文字体），"
            f"Qt 中文翻译 {'、'.join(state.qt_translations)}")


def step_main_window(state: SelfTestState) -> str:
    store = need_store(state)
    app = _qt_app(state)
    from PySide6.QtCore import Qt

    from execdesk.config import Settings
    from execdesk.services.profiles import actor_for
    from execdesk.ui.context import UiContext
    from execdesk.ui.main_window import MainWindow

    # Errors raised inside Qt slots do not propagate to the caller: collect them while the window runs.
    errors: list[str] = []
    previous_hook = sys.excepthook

    def collect(exc_type, exc, tb) -> None:
        log.error("self-test: error in the main window", exc_info=(exc_type, exc, tb))
        errors.append(f"{exc_type.__name__}：{exc}")

    sys.excepthook = collect
    try:
        window = MainWindow(UiContext(store=store, actor=actor_for(store, "selftest_cbr"), settings=Settings()))
        if app.platformName() not in ("offscreen", "minimal"):
            # A real screen: build, lay out and paint the window without showing it to anyone.
            window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        window.show()
        app.processEvents()
        tabs = getattr(window, "tabs", None)
        pages = tabs.count() if tabs is not None else 0
        for index in range(pages):  # every screen is built on first show: build them all
            tabs.setCurrentIndex(index)
            app.processEvents()
        title = window.windowTitle()
        image = window.grab()
        closed = window.close()
        app.processEvents()
        window.deleteLater()
        app.processEvents()
    finally:
        sys.excepthook = previous_hook
    if errors:
        raise StepFailed(f"主窗口运行出错：{'；'.join(errors[:3])}")
    if image.isNull() or image.width() == 0:
        raise StepFailed("主窗口无法绘制。")
    if not closed:
        raise StepFailed("主窗口无法正常关闭。")
    return (f"“{title}” 打开、{pages} 个页面逐一显示并关闭正常"
            f"（{image.width()}×{image.height()}，平台 {app.platformName()}）")


def step_preview_and_print(state: SelfTestState) -> str:
    """The ruling shown in the app's own PDF view and printed through Qt's print path (to a PDF file here)."""
    if state.ruling_pdf is None:
        raise StepSkipped("未执行：上一步未能生成文书 PDF")
    app = _qt_app(state)
    from PySide6.QtPrintSupport import QPrinter

    from execdesk.ui.pdf_view import PdfView, print_to

    view = PdfView()
    view.set_pdf(state.ruling_pdf)
    app.processEvents()
    pages = view.page_count()
    view.deleteLater()
    app.processEvents()
    if pages == 0:
        raise StepNote("本机无法在程序内预览和打印文书（缺少 PDF 渲染组件 pdftoppm）；"
                       "文书可在预览窗口中点“用系统 PDF 阅读器打开”后打印。")
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed_file = state.workdir / "打印测试.pdf"
    printer.setOutputFileName(str(printed_file))
    printed = print_to(printer, state.ruling_pdf)
    if printed != pages or not printed_file.is_file() or printed_file.stat().st_size == 0:
        raise StepFailed(f"打印输出不完整：预览 {pages} 页，打印 {printed} 页。")
    return f"程序内预览 {pages} 页正常；打印通道输出 {printed} 页正常"


