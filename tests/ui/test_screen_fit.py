"""Issue 17 item 9: at 1366×768 with a taskbar the main window, the status bar, the PDF viewer and every dialog
fit the available screen area; a window saved on a larger screen is made to fit a smaller one.

The walk runs in its own process on Qt's offscreen platform configured with one virtual screen whose area is
what a 1366×768 laptop with the Windows taskbar leaves (1366×728), because the screen is fixed when Qt starts
(tests/helpers/screen_fit_probe.py builds the real windows: every main page, every tab of a case, every node
kind's entry form, every record and correction form, the 终本 assistant, PDF preview, routine documents, Excel
import, conflict, sign-in, first start). A window's minimum size is checked against that area less a Windows
10/11 frame and title bar (ui.screen_fit.FRAME_ALLOWANCE), so a layout that only fits without a frame fails.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from execdesk.ui.screen_fit import FRAME_ALLOWANCE

ROOT = Path(__file__).resolve().parents[2]
LAPTOP = {"width": 1366, "height": 728}  # 1366×768 less a 40 px taskbar


def _screen_config(tmp_path: Path, width: int, height: int) -> str:
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"synchronousWindowSystemEvents": False, "windowFrameMargins": True, "screens": [
        {"name": "laptop", "x": 0, "y": 0, "width": width, "height": height, "logicalDpi": 96,
         "logicalBaseDpi": 96, "dpr": 1}]}), encoding="utf-8")
    return f"offscreen:configfile={config}"


@pytest.fixture(scope="module")
def walked(tmp_path_factory) -> list[dict]:
    tmp = tmp_path_factory.mktemp("fit")
    db = tmp / "demo.sqlite3"
    env = dict(os.environ, EXECDESK_DATA_DIR=str(tmp / "data"), QT_QPA_PLATFORM="offscreen")
    demo = subprocess.run([sys.executable, "-m", "execdesk", "--db", str(db), "demo", "--cases", "30"],
                          capture_output=True, text=True, env=env, timeout=100)
    assert demo.returncode == 0, demo.stderr[-2000:]
    env["QT_QPA_PLATFORM"] = _screen_config(tmp, LAPTOP["width"], LAPTOP["height"])
    out = tmp / "fit.json"
    r = subprocess.run([sys.executable, str(ROOT / "tests" / "helpers" / "screen_fit_probe.py"), str(db), str(out)],
                       capture_output=True, text=True, env=env, timeout=180)  # both within the 300 s limit
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads(out.read_text(encoding="utf-8"))


def test_the_walk_saw_every_kind_of_window(walked):
    names = {r["name"] for r in walked}
    assert {"main window", "page:today", "page:cases", "page:dashboard", "新建案件", "PDF 预览", "终本助手",
            "常用文书", "Excel 补录", "保存冲突", "登录", "更正案号", "修改当事人"} <= names
    assert sum(name.startswith("记录流程节点:") for name in names) >= 20  # every node kind's typed form
    assert any(name.startswith("case tab:") for name in names)


def test_every_page_and_dialog_can_be_as_small_as_the_screen_with_a_windows_frame(walked):
    """minimumSizeHint ≤ 1366×728 less frame and title bar: otherwise the window sticks out under the taskbar."""
    room_w = LAPTOP["width"] - FRAME_ALLOWANCE.width()
    room_h = LAPTOP["height"] - FRAME_ALLOWANCE.height()
    too_big = [(r["name"], r["width"], r["height"]) for r in walked if r["what"] == "minimum"
               and (r["width"] > room_w or r["height"] > room_h)]
    assert not too_big, f"larger than {room_w}×{room_h}: {too_big}"


def test_every_shown_window_lies_inside_the_available_area(walked):
    """The frame of every shown window (main window, dialogs, PDF viewer) inside QScreen.availableGeometry()."""
    outside = [(r["name"], r["x"], r["y"], r["width"], r["height"]) for r in walked if r["what"] == "shown"
               and (r["x"] < r["avail_x"] or r["y"] < r["avail_y"]
                    or r["x"] + r["width"] > r["avail_x"] + r["room_width"]
                    or r["y"] + r["height"] > r["avail_y"] + r["room_height"])]
    assert not outside, outside


def test_dialogs_that_ask_for_more_than_the_screen_are_clamped(walked):
    """The PDF viewer asks for 900×900, the 终本 assistant and 常用文书 for 720–760 px: on 728 px they get what
    the screen has, the frame included, and no less than they need."""
    shown = {r["name"]: r for r in walked if r["what"] == "shown"}
    for name in ("PDF 预览", "终本助手", "常用文书", "新建案件"):
        assert shown[name]["height"] <= LAPTOP["height"], shown[name]
    assert shown["PDF 预览"]["height"] >= 600  # clamped, not collapsed


def test_main_window_uses_the_whole_available_area_with_the_status_bar_on_screen(walked):
    main = next(r for r in walked if r["name"] == "main window" and r["what"] == "shown")
    assert (main["x"], main["y"]) == (0, 0)
    assert main["width"] == LAPTOP["width"] and main["height"] == LAPTOP["height"], main
    status = next(r for r in walked if r["name"] == "status bar")
    assert status["bottom"] <= LAPTOP["height"] and status["width"] <= LAPTOP["width"], status
    restored = next(r for r in walked if r["name"] == "restored from a 1920×1080 screen" and r["what"] == "shown")
    assert restored["width"] <= LAPTOP["width"] and restored["height"] <= LAPTOP["height"], restored


def test_window_size_follows_the_screen_in_process(qtbot):
    """ui.screen_fit on the test session's own screen: a wish larger than the room is clamped and the window
    moved inside the available area; a wish that fits is given as asked."""
    from PySide6.QtWidgets import QDialog

    from execdesk.ui.screen_fit import available_rect, fit_window, room

    dlg = QDialog()
    qtbot.addWidget(dlg)
    avail = available_rect(dlg)
    space = room(dlg)
    dlg.move(avail.right() - 10, avail.bottom() - 10)
    given = fit_window(dlg, avail.width() * 2, avail.height() * 2)
    assert given == space
    assert dlg.x() >= avail.x() and dlg.y() >= avail.y()
    assert dlg.x() + dlg.width() + FRAME_ALLOWANCE.width() <= avail.right() + 1
    assert fit_window(dlg, 300, 200).width() == 300


def test_case_list_columns_keep_their_headings_readable_at_1366(walked):
    """Ten columns at 1366 px: each at least as wide as its heading plus the sort arrow; the rest scrolls."""
    columns = [r for r in walked if r["what"] == "column"]
    assert len(columns) == 10
    narrow = [(r["name"], r["width"], r["text_width"]) for r in columns if r["width"] < r["text_width"] + 16]
    assert not narrow, narrow
