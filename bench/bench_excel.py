"""补录 from Excel (issue 15): a court list of N rows (default 100,000), one case per row with a node date column.

    .venv/bin/python bench/bench_excel.py [--rows 100000] [--append] [--preview-only] [--no-node-column]
    .venv/bin/python bench/bench_excel.py --ui [--sheet F]     the desktop wizard: longest GUI-thread stall

Each phase runs in its own child process so its peak RSS is its own (``os.wait4``):
1. preview: find the header, read every row (python-calamine), parse and check everything, write nothing.
   Target ≤ 60 s, ≤ 500 MB.
2. Excel import: preview + ``write_import`` (one transaction, register_in per case: audit + outbox,
   node history, deadlines) into an empty database. Target ≤ 1.5× the JSON import of the same cases, ≤ 500 MB.
3. baseline, same run: the same cases exported by ``execdesk export`` and imported by ``execdesk import``
   (services.exchange) into another empty database.
With --append the table is appended to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

TODAY = date(2026, 11, 25)


def make_sheet(path: Path, rows: int, *, nodes: bool = True) -> None:
    import openpyxl
    from excel_fixtures import HEADER, good_row

    if not nodes:
        HEADER = [h for h in HEADER if h != "执行通知书日期"]  # noqa: N806

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("执行案件")
    ws.append(["历下区人民法院未结执行案件清单（补录）"])
    ws.append(HEADER)
    for n in range(1, rows + 1):
        r = good_row(n)
        ws.append([r[h] for h in HEADER])
    wb.save(path)
    _add_dimension(path, f"A1:{chr(64 + len(HEADER))}{rows + 2}")


def _add_dimension(path: Path, ref: str) -> None:
    """openpyxl's write-only mode leaves out <dimension ref="…"/>, which Excel and WPS always write; without it,
    opening the file in read-only mode parses the whole sheet once more. Put it in, as Excel would have."""
    import zipfile

    tmp = path.with_suffix(".tmp.xlsx")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetPr>", f'</sheetPr><dimension ref="{ref}" />'.encode(), 1)
            dst.writestr(item, data)
    tmp.replace(path)


def make_template(path: Path) -> None:
    from execdesk.models.migrate import open_database
    from execdesk.services.accounts import create_user, ensure_court
    from execdesk.services.context import Actor

    actor = Actor(username="bench", display_name="基准", role="系统")
    s = open_database(path)
    ensure_court(s, actor, code="鲁0102", name="济南市历下区人民法院")
    create_user(s, actor, username="zhangwei", display_name="张伟", role="承办人", password="password123")
    s.close()


def phase(name: str, args: list[str]) -> dict:
    """Run one phase in a child; its result (JSON on stdout) plus its own peak RSS."""
    proc = subprocess.Popen([sys.executable, __file__, "--phase", name, *args], stdout=subprocess.PIPE,
                            env=dict(os.environ, EXECDESK_DATA_DIR=tempfile.mkdtemp(prefix="bench-excel-")))
    out = proc.stdout.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"phase {name} failed ({proc.returncode})")
    result = json.loads(out)
    result["rss_mb"] = usage.ru_maxrss / 1024  # KiB on Linux
    return result


def run_phase(name: str, a) -> dict:
    from execdesk.models.migrate import open_database
    from execdesk.services.context import Actor

    actor = Actor(username="bench", display_name="基准", role="系统")
    if name == "preview":
        from execdesk.services import excel_import as xi

        store = open_database(a.db)
        t0, c0 = time.perf_counter(), time.process_time()
        pv = xi.build_preview(store, xi.read_layout(a.file, court_code="鲁0102"), today=TODAY)
        dt = time.perf_counter() - t0
        return {"seconds": dt, "cpu_s": time.process_time() - c0, "cases": len(pv.cases), "valid": len(pv.valid)}
    if name == "excel_import":
        from execdesk.services import excel_import as xi

        store = open_database(a.db)
        t0, c0 = time.perf_counter(), time.process_time()
        pv = xi.build_preview(store, xi.read_layout(a.file, court_code="鲁0102"), today=TODAY)
        t1, c1 = time.perf_counter(), time.process_time()
        ids = xi.write_import(store, actor, pv, today=TODAY)
        t2, c2 = time.perf_counter(), time.process_time()
        store.close()
        return {"seconds": t2 - t0, "cpu_s": c2 - c0, "preview_s": t1 - t0, "write_s": t2 - t1,
                "write_cpu_s": c2 - c1, "cases": len(ids)}
    if name == "export":
        from execdesk.services.exchange import export_cases

        store = open_database(a.db)
        n = export_cases(store, a.file)
        return {"seconds": 0.0, "cases": n}
    if name == "json_import":
        from execdesk.services.exchange import import_cases

        store = open_database(a.db)
        t0, c0 = time.perf_counter(), time.process_time()
        n = import_cases(store, actor, a.file, today=TODAY)
        dt = time.perf_counter() - t0
        store.close()
        return {"seconds": dt, "cpu_s": time.process_time() - c0, "cases": n}
    if name == "ui":
        return ui_phase(a)
    raise SystemExit(f"unknown phase {name}")


def ui_phase(a) -> dict:
    """The desktop wizard on the list (offscreen Qt): 文件 → 从Excel补录… reads the layout, then 下一步：预览, while a
    10 ms timer on the GUI thread records its longest gap (``StallProbe``). The same probe over an idle loop
    first gives the loop's own jitter on this machine at this moment."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from execdesk.config import Settings
    from execdesk.models.migrate import open_database
    from execdesk.services.context import Actor
    from execdesk.ui.context import UiContext
    from execdesk.ui.excel_import import ExcelImportDialog
    from execdesk.ui.workers import StallProbe

    _app = QApplication.instance() or QApplication([])  # kept: the application must outlive the wizard
    store = open_database(a.db)
    ctx = UiContext(store=store, actor=Actor(username="bench", display_name="基准", role="系统"), settings=Settings(),
                    clock=lambda: TODAY)
    dialog = ExcelImportDialog(ctx)
    dialog.show()
    warm = QEventLoop()  # the window painted once (fonts loaded), as in a running app; then the idle jitter
    QTimer.singleShot(1000, warm.quit)
    warm.exec()
    idle = StallProbe()
    loop = QEventLoop()
    idle.start()
    QTimer.singleShot(3000, loop.quit)
    loop.exec()
    idle_ms = idle.stop()
    probe = StallProbe()
    probe.start()
    t0 = time.perf_counter()
    if not dialog.open_file(a.file):
        raise SystemExit("the wizard did not open the list")
    layout_s = time.perf_counter() - t0
    layout_stall = probe.longest_ms
    done = QEventLoop()
    got: dict = {}
    dialog.previewed.connect(lambda pv: (got.update(cases=len(pv.cases), valid=len(pv.valid)), done.quit()))
    t1 = time.perf_counter()
    task = dialog.run_preview()
    task.failed.connect(lambda exc: (got.update(error=repr(exc)), done.quit()))
    done.exec()
    preview_s = time.perf_counter() - t1
    stall = probe.stop()
    if "error" in got:
        raise SystemExit(f"preview failed: {got['error']}")
    return {"layout_s": layout_s, "preview_s": preview_s, "stall_ms": stall, "layout_stall_ms": layout_stall,
            "ticks": probe.ticks, "idle_ms": idle_ms, **got}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--append", action="store_true")
    ap.add_argument("--phase")
    ap.add_argument("--db", type=Path)
    ap.add_argument("--file", type=Path)
    ap.add_argument("--preview-only", action="store_true", help="only the preview phase (time and memory)")
    ap.add_argument("--no-node-column", action="store_true", help="a list without the 执行通知书日期 column")
    ap.add_argument("--ui", action="store_true",
                    help="only the desktop wizard: layout + preview in its worker, longest GUI-thread stall")
    ap.add_argument("--sheet", type=Path, help="keep the generated sheet here and reuse it when it exists")
    a = ap.parse_args()
    if a.phase:
        print(json.dumps(run_phase(a.phase, a)))
        return 0
    work = Path(tempfile.mkdtemp(prefix="bench-excel-"))
    try:
        sheet = a.sheet or work / "list.xlsx"
        if not sheet.exists():
            t0 = time.perf_counter()
            make_sheet(sheet, a.rows, nodes=not a.no_node_column)
            print(f"sheet of {a.rows:,} rows: {sheet.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - t0:.1f} s")
        template = work / "template.sqlite3"
        make_template(template)
        for name in ("preview.sqlite3", "excel.sqlite3", "json.sqlite3"):
            shutil.copy(template, work / name)
        if a.ui:
            ui = phase("ui", ["--db", str(work / "preview.sqlite3"), "--file", str(sheet)])
            print(f"desktop wizard (offscreen): layout {ui['layout_s']:.1f} s, preview {ui['preview_s']:.1f} s "
                  f"({ui['valid']:,}/{ui['cases']:,} valid); longest GUI-thread stall {ui['stall_ms']:.0f} ms "
                  f"(while reading the layout {ui['layout_stall_ms']:.0f} ms) over {ui['ticks']:,} ticks of 10 ms; "
                  f"idle loop {ui['idle_ms']:.0f} ms; peak RSS {ui['rss_mb']:.0f} MB")
            return 0
        pv = phase("preview", ["--db", str(work / "preview.sqlite3"), "--file", str(sheet)])
        print(f"preview: {pv['seconds']:.1f} s (CPU {pv['cpu_s']:.1f} s), {pv['valid']:,}/{pv['cases']:,} valid, "
              f"peak RSS {pv['rss_mb']:.0f} MB")
        if a.preview_only:
            return 0
        xl = phase("excel_import", ["--db", str(work / "excel.sqlite3"), "--file", str(sheet)])
        print(f"Excel import: {xl['seconds']:.1f} s, CPU {xl['cpu_s']:.1f} s (preview {xl['preview_s']:.1f} s + write "
              f"{xl['write_s']:.1f} s, CPU {xl['write_cpu_s']:.1f} s), {xl['cases']:,} cases, peak RSS {xl['rss_mb']:.0f} MB")
        doc = work / "cases.json"
        phase("export", ["--db", str(work / "excel.sqlite3"), "--file", str(doc)])
        js = phase("json_import", ["--db", str(work / "json.sqlite3"), "--file", str(doc)])
        print(f"JSON import (baseline, same cases): {js['seconds']:.1f} s, CPU {js['cpu_s']:.1f} s, "
              f"peak RSS {js['rss_mb']:.0f} MB")
        ratio = xl["seconds"] / js["seconds"]
        write_ratio = xl["write_s"] / js["seconds"]
        cpu_ratio = xl["write_cpu_s"] / js["cpu_s"]
        total_cpu_ratio = xl["cpu_s"] / js["cpu_s"]
        print(f"ratio Excel import / JSON import: {ratio:.2f}x wall, {total_cpu_ratio:.2f}x CPU (write phase alone "
              f"{write_ratio:.2f}x wall, {cpu_ratio:.2f}x CPU); target <= 1.5x")
        if a.append:
            cmd = f".venv/bin/python bench/bench_excel.py --rows {a.rows}" + (" --no-node-column" if a.no_node_column else "")
            lines = [
                "", f"## 补录 from Excel (issue 15), {a.rows:,} rows" + ("" if not a.no_node_column else ", no node column"), "",
                f"Load average at the start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (shared machine).", "",
                f"Command: `{cmd} --append` (each phase in its own process; peak RSS from `wait4`).", "",
                "| measurement | result | target |", "|---|---|---|",
                f"| preview: header, every row read (python-calamine), parsed and checked, nothing written | "
                f"{pv['seconds']:.1f} s (CPU {pv['cpu_s']:.1f} s), peak RSS {pv['rss_mb']:.0f} MB | ≤ 60 s, ≤ 500 MB |",
                f"| Excel import (preview + one-transaction write through `register_validated`, node column, deadlines) | "
                f"{xl['seconds']:.1f} s (write {xl['write_s']:.1f} s, CPU {xl['write_cpu_s']:.1f} s), peak RSS {xl['rss_mb']:.0f} MB | ≤ 500 MB |",
                f"| JSON import of the same {js['cases']:,} cases (`execdesk import`, same run) | "
                f"{js['seconds']:.1f} s (CPU {js['cpu_s']:.1f} s), peak RSS {js['rss_mb']:.0f} MB | baseline |",
                f"| ratio Excel import / JSON import | **{ratio:.2f}× wall, {total_cpu_ratio:.2f}× CPU** (write phase alone "
                f"{write_ratio:.2f}× wall, {cpu_ratio:.2f}× CPU) | ≤ 1.5× |",
            ]
            with (ROOT / "bench" / "RESULTS.md").open("a", encoding="utf-8") as fh:
                fh.write("\n".join(lines) + "\n")
            print("appended to bench/RESULTS.md")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
