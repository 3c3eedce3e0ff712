"""Screenshots of 补录 from Excel (issue 15) on a real X server: the mapping step, the preview with problems,
the 数据质量 report; and PNGs of the printed report (first page, confirmation page).

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python scripts/screenshots_excel.py

Throw-away database and data folder (never the user's); demo cases plus a court list written with openpyxl.
Look at every PNG before calling the screen done.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
SHOTS = ROOT / "docs" / "screenshots"
PDFS = ROOT / "docs" / "pdf"


def court_list(path: Path, today: date) -> Path:
    """Thirty cases of a court's list, a few with the mistakes such lists have."""
    from excel_fixtures import HEADER, good_row, write_sheet

    header = HEADER[:]
    header[3] = "纠纷类别"  # a header the vocabulary does not know: the clerk maps it by hand
    rows = []
    for n in range(7001, 7031):
        r = good_row(n, year=today.year)
        r["立案日期"] = today - timedelta(days=20 + n % 60)
        r["收案日期"] = r["立案日期"] - timedelta(days=2)
        r["执行通知书日期"] = r["立案日期"] + timedelta(days=3)
        r["纠纷类别"] = ["民间借贷纠纷", "买卖合同纠纷", "劳动争议", "物业服务合同纠纷"][n % 4]
        rows.append(r)
    rows[2]["立案日期"] = f"{today.year}/2/30"
    rows[5]["申请执行人身份证号"] = rows[5]["申请执行人身份证号"][:-1] + ("1" if rows[5]["申请执行人身份证号"][-1] != "1" else "2")
    rows[8]["承办人"] = "李白"
    rows[11]["执行标的（元）"] = "约五万元"
    rows[14]["案号"] = rows[13]["案号"]
    rows[17]["执行标的（元）"] = "1.5万"
    rows[20]["案号"] = f"({today.year})鲁0102执{7021}号"  # half-width brackets: fine
    return write_sheet(path, rows, header=header, title_row="济南市历下区人民法院 未录入系统执行案件排查清单")


def main() -> int:
    if not os.environ.get("DISPLAY"):
        print("需要 X 显示：请用 xvfb-run 运行本脚本", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="execdesk-shots-"))
    os.environ["EXECDESK_DATA_DIR"] = str(tmp / "data")
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
    today = date.today()
    db = tmp / "demo.sqlite3"

    from execdesk.models.migrate import open_database
    from execdesk.services.context import Actor
    from execdesk.services.demo import generate_demo

    store = open_database(db)
    generate_demo(store, Actor.local_system(), 300, today=today)
    store.close()
    sheet = court_list(tmp / "排查清单.xlsx", today)
    (tmp / "收案登记.txt").write_text("\n".join(
        [f"（{today.year}）鲁0102执{n}号" for n in range(7001, 7011)] + [f"（{today.year}）鲁0102执{8001}号",
                                                                       f"（{today.year}）鲁0102执{8002}号"]),
        encoding="utf-8")

    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
    from PySide6.QtGui import QGuiApplication

    from execdesk.services.profiles import actor_for
    from execdesk.ui.app import install_translators, make_application
    from execdesk.ui.context import UiContext
    from execdesk.ui.main_window import MainWindow

    app = make_application(["execdesk"])
    install_translators(app, "zh_CN")
    print("platform:", QGuiApplication.platformName(), "font:", app.font().family())
    store = open_database(db)
    SHOTS.mkdir(parents=True, exist_ok=True)
    PDFS.mkdir(parents=True, exist_ok=True)

    def settle(ms: int = 300) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()
        QCoreApplication.processEvents()

    def wait(signal, ms: int = 120_000):
        got = []
        loop = QEventLoop()
        signal.connect(lambda *a: (got.append(a), loop.quit()))
        QTimer.singleShot(ms, loop.quit)
        loop.exec()
        if not got:
            raise SystemExit(f"timed out waiting for {signal}")
        return got[0]

    def shoot(widget, name: str) -> Path:
        settle()
        pix = QGuiApplication.primaryScreen().grabWindow(widget.winId())
        if pix.isNull() or pix.width() < 10:
            pix = widget.grab()
        path = SHOTS / f"{name}.png"
        pix.save(str(path))
        print("saved", path, pix.width(), "×", pix.height())
        return path

    ctx = UiContext(store=store, actor=actor_for(store, "zhangwei"), clock=lambda: today)
    ctx.settings.window_state = {}
    win = MainWindow(ctx)
    win.setGeometry(0, 0, 1366, 768)
    win.show()
    settle(600)
    dialog = win.excel_import(sheet)
    dialog.setGeometry(40, 30, 1280, 700)
    box = dialog.combo("纠纷类别")
    box.setCurrentIndex(box.findData("cause"))  # the clerk's one correction
    dialog.save_mapping.setChecked(True)
    shoot(dialog, "17_excel_mapping_1366x768")
    dialog.run_preview()
    wait(dialog.previewed)
    dialog.view.selectRow(2)
    shoot(dialog, "18_excel_preview_1366x768")
    dialog.valid_only.setChecked(True)
    dialog.run_import(valid_only=True, rejected=tmp / "排查清单_未导入.xlsx")
    wait(dialog.imported)
    shoot(dialog, "19_excel_done_1366x768")
    ids = list(dialog.imported_ids)
    dialog.close()
    page = win.show_page("quality")
    settle(500)
    page.court_list = tmp / "收案登记.txt"
    page.show_report(ids)
    wait(page.loaded)
    page.checks.selectRow(0)
    shoot(win, "20_quality_import_1366x768")
    page.show_report(None)
    wait(page.loaded)
    page.checks.selectRow(5)  # 名单有、系统无
    shoot(win, "21_quality_all_1366x768")
    pdf = tmp / "report.pdf"
    page.save_pdf(pdf)
    pages = int(next(line.split()[-1] for line in subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                                   text=True).stdout.splitlines()
                     if line.startswith("Pages")))
    for label, first in (("quality_report", 1), ("quality_report_sign", pages)):
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(first), "-l", str(first), "-singlefile", str(pdf),
                        str(PDFS / label)], check=True)
        print("saved", PDFS / f"{label}.png")
    win.hide()
    win.deleteLater()
    settle()
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
