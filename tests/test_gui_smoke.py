"""The GUI starts offscreen in its own process and quits with exit code 0 (PLATFORM.md: PySide6 6.12 on
Python 3.11 printed "passed" and then died with exit 134 — only a separate process catches that)."""

from __future__ import annotations

import os
import subprocess
import sys

LAUNCH = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv)

def close_everything():
    print("visible:", [w.windowTitle() for w in QApplication.topLevelWidgets() if w.isVisible()], flush=True)
    for w in QApplication.topLevelWidgets():
        w.close()
    app.quit()

QTimer.singleShot(2500, close_everything)
from execdesk.ui.app import run_gui
sys.exit(run_gui(sys.argv[1]))
"""


def test_gui_starts_offscreen_and_exits_zero(tmp_path):
    db = tmp_path / "gui.sqlite3"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", EXECDESK_DATA_DIR=str(tmp_path / "data"))
    demo = subprocess.run([sys.executable, "-m", "execdesk", "--db", str(db), "demo", "--cases", "30"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert demo.returncode == 0, demo.stderr
    r = subprocess.run([sys.executable, "-c", LAUNCH, str(db)], capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "Fatal Python error" not in r.stderr
    assert "ExecDesk" in r.stdout  # the main window was on screen when the timer fired
