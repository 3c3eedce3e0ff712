"""GUI entry point: QApplication with an explicit CJK font, Qt's own Chinese translations, an error hook that
names the log file, the database, sign-in (or first start), then the main window.

``run_gui(db_path)`` is what ``execdesk`` without a sub-command calls. For automated runs (tests, the
start-up benchmark, the screenshot script) two environment variables exist:
``EXECDESK_QUIT_AFTER_MS`` quits the event loop that many ms after the main window is shown (with
``EXECDESK_QUIT_WHEN_WARM=1`` it quits as soon as the start-up warm-up is done instead, the ms being only the
longest wait, so a run on a loaded machine is never cut short before its report), and
``EXECDESK_PROFILE`` opens that local profile without the sign-in dialog (the data file is the user's own;
passwords guard approvals, which always ask again).
"""

from __future__ import annotations

import gc
import importlib
import logging
import os
import sys
import threading
import time
import traceback
from pathlib import Path

log = logging.getLogger(__name__)

# Preferred UI fonts: Windows' own Chinese UI fonts first, then the Linux ones the project installs.
CJK_FONTS = ["Microsoft YaHei UI", "Microsoft YaHei", "SimSun", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
             "Noto Sans CJK SC", "Source Han Sans SC", "AR PL UMing CN"]

_translators: list = []  # keep QTranslator objects alive for the life of the application
from execdesk.ui.uncaught import uncaught_errors  # noqa: E402


def choose_font_family() -> str | None:
    from PySide6.QtGui import QFontDatabase

    chinese = set(QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese))
    for family in CJK_FONTS:
        if family in chinese:
            return family
    return sorted(chinese)[0] if chinese else None


def install_translators(app, language: str) -> list[str]:
    """Qt's own zh_CN strings (standard buttons, dialogs) and, for English, our execdesk_en.qm."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    loaded = []
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if language.startswith("zh"):
        QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        for name in ("qtbase_zh_CN", "qt_zh_CN"):
            tr = QTranslator(app)
            if tr.load(name, qt_dir):
                app.installTranslator(tr)
                _translators.append(tr)
                loaded.append(name)
                break
        # What qtbase_zh_CN leaves in English (the file dialog's "&Look in:", "Files of &type:"): ours, searched
        # first because it is installed last.
        from execdesk.resources import resource_path

        extra = QTranslator(app)
        if extra.load("qt_extra_zh_CN", str(resource_path("i18n"))):
            app.installTranslator(extra)
            _translators.append(extra)
            loaded.append("qt_extra_zh_CN")
    else:
        from execdesk.resources import resource_path

        tr = QTranslator(app)
        if tr.load(f"execdesk_{language}", str(resource_path("i18n"))):
            app.installTranslator(tr)
            _translators.append(tr)
            loaded.append(f"execdesk_{language}")
    return loaded


def install_error_hook() -> None:
    """An uncaught exception in a slot: log it with its traceback and tell the user where the log is."""

    def hook(exc_type, exc, tb) -> None:
        from execdesk.logging_setup import log_file

        text = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("uncaught exception:\n%s", text)
        uncaught_errors.append(text)
        if os.environ.get("EXECDESK_QUIT_AFTER_MS"):
            print(text, file=sys.stderr, flush=True)  # automated run: no dialog nobody can click
            return
        try:
            from PySide6.QtWidgets import QApplication, QMessageBox

            from execdesk.rules.errors import UserError

            if QApplication.instance() is None:
                return
            if isinstance(exc, UserError):
                QMessageBox.warning(QApplication.activeWindow(), "无法完成操作", str(exc))
                return
            from PySide6.QtCore import QCoreApplication

            QMessageBox.critical(QApplication.activeWindow(),
                                 QCoreApplication.translate("App", "程序内部错误"),
                                 QCoreApplication.translate("App", "发生了一个内部错误（{0}），刚才的操作可能没有完成；"
                                                                   "已保存的数据不受影响。\n\n详细信息已写入日志文件：\n{1}")
                                 .format(exc_type.__name__, log_file()))
        except Exception:  # never let the hook itself crash the process
            log.exception("error hook failed")

    sys.excepthook = hook


def make_application(argv: list[str] | None = None):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QFont, QGuiApplication
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        # Fractional scaling (125 %, 150 % on Windows laptops) without rounding blur.
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("ExecDesk")
    app.setOrganizationName("ExecDesk")
    app.setApplicationDisplayName("ExecDesk 执行办案桌面端")
    family = choose_font_family()
    if family:
        font = QFont(family)
        font.setPointSizeF(10)
        app.setFont(font)
    else:
        log.warning("no Simplified Chinese font found: Chinese text will not render")
    return app


def first_start(store, actor, parent=None, *, demo_cases: int = 300) -> bool:
    """Empty database: offer the demo data or set up this court. Returns False if the user quit."""
    from PySide6.QtWidgets import QDialog

    from execdesk.ui.dialogs import FirstStartDialog, setup_court_dialog

    dlg = FirstStartDialog(parent)
    if dlg.exec() != QDialog.DialogCode.Accepted:
        return False
    if dlg.choice == "setup":
        return setup_court_dialog(store, actor, parent) is not None
    return load_demo(store, actor, parent, cases=demo_cases)


def load_demo(store, actor, parent=None, cases: int = 300) -> bool:
    """Generate demo cases in a worker with a progress dialog (the window stays responsive)."""
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QMessageBox, QWidget

    from execdesk.services.demo import DEMO_PASSWORD, generate_demo
    from execdesk.ui.workers import Cancelled, run_with_progress

    owner = parent or QWidget()
    outcome: dict = {}
    loop = QEventLoop()

    def work(job):
        def progress(done: int, total: int) -> None:
            job.progress(done, total, f"正在生成演示案件 {done}/{total}…")
            job.check()

        try:
            return generate_demo(store, actor, cases, progress=progress)
        except Cancelled:
            raise

    def done(n):
        outcome["n"] = n
        loop.quit()

    def failed(exc):
        outcome["error"] = exc
        loop.quit()

    run_with_progress(owner, "载入演示数据", work, on_done=done, on_error=failed, on_cancel=loop.quit)
    loop.exec()
    if "error" in outcome:
        from execdesk.ui.widgets import show_error

        show_error(parent, "载入演示数据", outcome["error"])
        return False
    if "n" not in outcome:
        return False
    QMessageBox.information(parent, "演示数据已载入",
                            f"已载入 {outcome['n']} 件虚构案件。\n演示账号（如 zhangwei 张伟、sunli 孙立）的密码均为："
                            f"{DEMO_PASSWORD}")
    return True


def sign_in(store, settings):
    """The profile to work as: EXECDESK_PROFILE, or the sign-in dialog. None if the user quit."""
    from execdesk.services import profiles

    profile = os.environ.get("EXECDESK_PROFILE")
    if profile:
        actor = profiles.actor_for(store, profile)
        log.info("signed in: %s (%s) from EXECDESK_PROFILE", actor.username, actor.role)
        return actor
    with store.query() as con:
        has_profiles = profiles.has_profiles(con)
    if not has_profiles:
        from execdesk.services.context import Actor

        if not first_start(store, Actor.local_system()):
            return None
    with store.query() as con:
        people = profiles.users_by_role(con)
    from PySide6.QtWidgets import QDialog

    from execdesk.ui.sign_in import SignInDialog

    threading.Thread(target=warm_up, name="warm-up", daemon=True).start()  # while the password is typed
    dlg = SignInDialog(store, people, settings.current_user)
    if dlg.exec() != QDialog.DialogCode.Accepted:
        return None
    return dlg.actor


# What the first opened case, dialog or screen needs, and the ORM under it (~0.5 s of imports). Imported off
# the GUI thread after the window is painted (or while the password is typed), never on the start-up path.
WARM_UP_MODULES = (
    "execdesk.services.lookups", "execdesk.services.accounts", "execdesk.services.cases",
    "execdesk.services.case_views", "execdesk.services.deadlines", "execdesk.services.derived", "execdesk.ui.dialogs",
    "execdesk.ui.case_workspace", "execdesk.ui.zhongben_wizard", "execdesk.ui.explanations",
    "execdesk.ui.supervision", "execdesk.ui.sync_panel", "execdesk.ui.dashboard",
)


def warm_up() -> None:
    """Import WARM_UP_MODULES (idempotent; safe on any thread: module definitions only, no widgets)."""
    t0 = time.perf_counter()
    for name in WARM_UP_MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # a broken module shows its error when the screen is opened, not here
            log.exception("warm-up import of %s failed", name)
    log.info("warm-up imports done in %.0f ms", (time.perf_counter() - t0) * 1000)


def rss_kb() -> int:
    """Resident set size of this process in kB (Linux /proc; 0 where not available)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_gui(db_path: Path, *, quit_after_ms: int | None = None) -> int:
    t0 = time.perf_counter()
    # No automatic garbage collection until the warm-up is done (start_housekeeping turns it back on): the
    # start-up imports only make objects that live as long as the process, and a full collection over them,
    # run by whichever thread allocates next, held the GIL for 30–50 ms on the GUI thread while the worker
    # imported — the warm-up stall of issue 17 (48–333 ms on the demo database).
    gc.disable()
    from execdesk.config import Settings
    from execdesk.logging_setup import setup_logging

    setup_logging()
    install_error_hook()
    settings = Settings.load()
    app = make_application()
    install_translators(app, settings.language)

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    from execdesk.services.database import DatabaseError, open_database

    if quit_after_ms is None and os.environ.get("EXECDESK_QUIT_AFTER_MS"):
        quit_after_ms = int(os.environ["EXECDESK_QUIT_AFTER_MS"])
    if quit_after_ms is not None:
        # Also ends a sign-in or first-start dialog's nested loop (QCoreApplication.exit stops every loop).
        QTimer.singleShot(quit_after_ms + 60_000, app.quit)
    try:
        store = open_database(db_path)
    except DatabaseError as exc:
        QMessageBox.critical(None, "无法打开数据库", str(exc))
        return 2
    try:
        t_sign_in = time.perf_counter()
        actor = sign_in(store, settings)
        if actor is None:
            return 0
        # The start-up time excludes the time the person spent typing the password (issue 17 item 12).
        t0 += time.perf_counter() - t_sign_in
        from execdesk.services.profiles import case_count
        from execdesk.ui.context import UiContext
        from execdesk.ui.main_window import MainWindow

        with store.query() as con:
            empty = case_count(con) == 0
        if empty and not os.environ.get("EXECDESK_PROFILE") and QMessageBox.question(
                None, "没有案件", "数据库中还没有案件。是否载入演示数据（虚构案件，不会同步到省平台）？") \
                == QMessageBox.StandardButton.Yes:
            from execdesk.services.context import Actor

            load_demo(store, Actor.local_system())
        window = MainWindow(UiContext(store=store, actor=actor, settings=settings))
        window.show()
        from execdesk.ui import instance  # a second ExecDesk on this database: told once, both work safely

        if not instance.claim(store.path):
            log.info("another ExecDesk has %s open", store.path)
            QTimer.singleShot(0, lambda: QMessageBox.information(window, "同一数据库正在另一窗口中使用",
                                                                 instance.NOTICE.format(store.path)))
        log.info("main window shown %.0f ms after start (time at the sign-in excluded)",
                 (time.perf_counter() - t0) * 1000)
        QTimer.singleShot(0, lambda: after_first_paint(window, store))
        if quit_after_ms is not None:
            QTimer.singleShot(quit_after_ms, window.close)
            QTimer.singleShot(quit_after_ms, app.quit)
        code = app.exec()
        if uncaught_errors and os.environ.get("EXECDESK_QUIT_AFTER_MS"):
            return 1
        return code
    finally:
        store.close()


def after_first_paint(window, store) -> None:
    """The event loop has run once with the window shown: start the housekeeping worker, then (once its warm-up
    is done) offer back unsaved text from a crash. With
    EXECDESK_REPORT_STARTUP (the start-up benchmark, tests/ui) print when the window became interactive, the
    RSS with the list shown and whether the ORM was already loaded (it must not be: orm=0), then, once the
    warm-up imports are done, how long they took and the longest event-loop stall while they ran."""
    from PySide6.QtCore import QTimer

    report = bool(os.environ.get("EXECDESK_REPORT_STARTUP"))
    probe = None
    if report:
        from execdesk.ui.workers import StallProbe

        print(f"EXECDESK_READY {time.time():.6f} rss_kb={rss_kb()} rows={window.case_list.model.rowCount()} "
              f"orm={int('sqlalchemy' in sys.modules)}", flush=True)
        probe = StallProbe(window)
        probe.start()
    collections_at_ready = sum(g["collections"] for g in gc.get_stats())
    task = start_housekeeping(window, store)
    # Collections up to the end of the warm-up, counted by the worker before it turns collection back on (the
    # GUI thread hears of the end later, while the worker goes on to the template check and collects).
    collections_at_warm = task.collections_at_warm

    def progress(_done: int, _total: int, step: str) -> None:
        if step != WARM_UP_DONE:
            return
        if probe is not None and probe.running:
            print(f"EXECDESK_WARM {time.time():.6f} stall_ms={probe.stop():.1f} rss_kb={rss_kb()} "
                  f"frozen={gc.get_freeze_count()} "
                  f"gc_runs={(collections_at_warm[0] if collections_at_warm else -1) - collections_at_ready}",
                  flush=True)
        if os.environ.get("EXECDESK_QUIT_WHEN_WARM") and os.environ.get("EXECDESK_QUIT_AFTER_MS"):
            from PySide6.QtWidgets import QApplication

            QTimer.singleShot(0, window.close)
            QTimer.singleShot(0, QApplication.quit)
            return
        # Text typed before a crash, if any (ui.drafts). Only now: with the warm-up done the GUI thread has
        # nothing left to import, so it never waits on a module the worker is importing.
        QTimer.singleShot(0, window.offer_recovery)

    task.progress.connect(progress)


WARM_UP_DONE = "warm-up done"
TEMPLATES_CHECKED = "templates checked"


def start_housekeeping(window, store):
    """After the window is up, off the GUI thread: the warm-up imports, today's automatic backup (7 daily,
    4 weekly kept) and, when the cached warning levels are not from today (they move with the date), a
    recompute of every case's deadlines. Each of these would cost the start-up path time it need not wait for."""
    from execdesk.ui import workers

    template_problems: list[str] = []
    collections_at_warm: list[int] = []

    def housekeeping(job) -> bool:
        try:
            warm_up()
        finally:
            collections_at_warm.append(sum(g["collections"] for g in gc.get_stats()))
            # Everything loaded so far lives as long as the process: move it out of the collector's sight. A
            # full (generation 2) collection otherwise walks every module, mapper and Qt wrapper, ~45 ms with
            # the GIL held, which froze the window mid-sync (bench_ui: the sync's longest stall). Python's
            # gc.freeze(); then collection is back on (run_gui turned it off for the start-up).
            gc.freeze()
            gc.enable()
        job.progress(1, 3, WARM_UP_DONE)
        from execdesk.services.routine_documents import startup_check  # every template, off the GUI thread

        template_problems[:] = startup_check()
        job.progress(2, 3, TEMPLATES_CHECKED)
        from execdesk.services import derived
        from execdesk.services.database import make_daily_backup

        made = make_daily_backup(store.path)
        if made:
            log.info("automatic backup %s", made)
        return derived.refresh_if_stale(store)

    def done(recomputed: bool) -> None:
        if recomputed:  # the day's warning levels and overdue days have moved: show them
            window.case_list.refresh()
            window.data_changed.emit()

    def checked(_done: int, _total: int, step: str) -> None:
        if step == TEMPLATES_CHECKED and template_problems:  # a court's broken template copy: told, not fatal
            from execdesk.ui.routine_documents import show_template_problems

            show_template_problems(window, template_problems)

    task = workers.start(window, housekeeping, on_done=done,
                         on_error=lambda exc: log.error("start-up housekeeping failed: %s", exc))
    task.progress.connect(checked)
    task.collections_at_warm = collections_at_warm  # read by run_gui's warm-up report
    return task
