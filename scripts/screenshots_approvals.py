"""Screenshots of approvals on the approver's own PC (issue 13 item 4), at 1366×768, from a real run: the
reference platform as its own process on 127.0.0.1, and three desktop databases (承办人, 执行局长, 院长) that
sync through it.

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python scripts/screenshots_approvals.py [--out docs/screenshots]

13_pending_approvals: the 院长's 待审批 list with the draft's preview rendered on his PC.
13_stale_approval: the 执行局长's approval of a draft the 承办人 had changed and resubmitted, refused by the
platform and shown as such. Throw-away databases only. Look at every PNG before calling a screen done.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 25)
PASSWORD = "password123"
PEOPLE = (("zhangwei", "张伟", "承办人", "审判员"), ("liuyang", "刘洋", "书记员", None),
          ("zhaolei", "赵磊", "执行局长", "审判员"), ("sunli", "孙立", "院长", None), ("zhoumin", "周敏", "审判员", "审判员"))
APPROVERS = {"合议庭": "zhaolei", "执行局长": "zhaolei", "院长": "sunli"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_platform(tmp: Path) -> tuple[subprocess.Popen, str]:
    import requests
    from sqlalchemy.orm import Session

    from provincial import service
    from provincial.models import make_engine

    url = f"sqlite:///{tmp / 'platform.sqlite3'}"
    engine = make_engine(url)
    with Session(engine) as s, s.begin():
        service.create_court(s, "鲁0102", "济南市历下区人民法院")
        s.flush()
        for name, *_ in PEOPLE:
            service.create_account(s, name, "鲁0102", "platform-pass-1")
    engine.dispose()
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "provincial.admin", "--db", url, "serve", "--port", str(port)],
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/"
    for _ in range(300):
        try:
            if requests.get(base + "api/v1/hello", timeout=1).status_code == 200:
                return proc, base
        except requests.RequestException:
            time.sleep(0.1)
    raise RuntimeError("platform did not start")


def desk(path: Path):
    from execdesk.models.migrate import open_database
    from execdesk.services import platform_approvals
    from execdesk.services.accounts import create_user, ensure_court
    from execdesk.services.context import Actor

    store = open_database(path)
    setup = Actor("setup", "设置")
    ensure_court(store, setup, code="鲁0102", name="济南市历下区人民法院")
    for username, name, role, title in PEOPLE:
        create_user(store, setup, username=username, display_name=name, role=role, password=PASSWORD, title=title)
    platform_approvals.set_approval_mode(store, setup, "platform")
    return store


def sync(store, base: str, account: str) -> None:
    import requests

    from execdesk.config import Settings
    from execdesk.services import sync as sync_service
    from execdesk.sync.client import device_id

    token = requests.post(base + "api/v1/auth/token", json={"account": account, "password": "platform-pass-1",
                                                            "device_id": device_id(store)},
                          headers={"X-ExecDesk-Protocol": "2"}, timeout=30).json()["access_token"]
    sync_service.run_sync(store, Settings(server_url=base, court_account=account), token=token)


def waiting(store, step: str):
    from execdesk.services import platform_approvals

    return next(p for p in platform_approvals.pending_approvals(store) if p.state == "待审批" and p.step == step)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = ap.parse_args()
    if not os.environ.get("DISPLAY"):
        print("需要 X 显示：请用 xvfb-run 运行本脚本", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="execdesk-approval-shots-"))
    os.environ["EXECDESK_DATA_DIR"] = str(tmp / "data")
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
    sys.path.insert(0, str(REPO / "tests"))
    from zb_fixtures import make_ready_case

    from execdesk.services import cases, platform_approvals
    from execdesk.services.context import Actor
    from execdesk.services.profiles import actor_for

    proc, base = start_platform(tmp)
    try:
        handler, director, president = desk(tmp / "handler.sqlite3"), desk(tmp / "director.sqlite3"), \
            desk(tmp / "president.sqlite3")
        zhang = Actor("zhangwei", "张伟", role="承办人")
        cid = make_ready_case(handler, zhang)
        kw = dict(approvers=APPROVERS, panel=["zhangwei", "zhoumin"], today=TODAY)
        platform_approvals.submit_ruling(handler, zhang, cid, **kw)
        sync(handler, base, "zhangwei")
        sync(director, base, "zhaolei")
        for step, opinion in (("合议庭", "经合议，符合终本条件"), ("执行局长", "同意")):
            item = waiting(director, step)
            platform_approvals.decide(director, actor_for(director, "zhaolei"), item.id, username="zhaolei",
                                      password=PASSWORD, decision="同意", opinion=opinion, today=TODAY)
            sync(director, base, "zhaolei")
        sync(president, base, "sunli")
        # A second case: the 执行局长 approves the draft he pulled, but the 承办人 had changed and resubmitted it.
        cid2 = make_ready_case(handler, zhang, "（2026）鲁0102执101号")
        platform_approvals.submit_ruling(handler, zhang, cid2, **kw)
        sync(handler, base, "zhangwei")
        sync(director, base, "zhaolei")
        old = waiting(director, "合议庭")
        cases.record_payment(handler, zhang, cid2, kind="到账", amount="500.00", paid_on=date(2026, 11, 20), today=TODAY)
        platform_approvals.submit_ruling(handler, zhang, cid2, **kw)
        sync(handler, base, "zhangwei")
        platform_approvals.decide(director, actor_for(director, "zhaolei"), old.id, username="zhaolei",
                                  password=PASSWORD, decision="同意", opinion="经合议，符合终本条件", today=TODAY)
        sync(director, base, "zhaolei")
    finally:
        proc.terminate()
        proc.wait(10)

    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
    from PySide6.QtGui import QGuiApplication

    from execdesk.ui.app import install_translators, make_application
    from execdesk.ui.context import UiContext
    from execdesk.ui.main_window import MainWindow

    app = make_application(["execdesk"])
    install_translators(app, "zh_CN")
    args.out.mkdir(parents=True, exist_ok=True)

    def settle(ms: int = 400) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()
        QCoreApplication.processEvents()

    def shoot(widget, name: str) -> None:
        settle()
        pix = QGuiApplication.primaryScreen().grabWindow(widget.winId())
        if pix.isNull() or pix.width() < 10:
            pix = widget.grab()
        path = args.out / f"{name}_1366x768.png"
        pix.save(str(path))
        print("saved", path, pix.width(), "×", pix.height())

    for store, username, name, pick in ((president, "sunli", "13_pending_approvals", None),
                                        (director, "zhaolei", "13_stale_approval", old.id)):
        ctx = UiContext(store=store, actor=actor_for(store, username), clock=lambda: TODAY)
        ctx.settings.window_state = {}
        win = MainWindow(ctx)
        win.resize(1366, 768)
        win.show()
        page = win.show_page("approvals")
        if pick:
            page.select_item(pick)
        else:
            page.table.selectRow(0)
            page.opinion.setPlainText("同意终结本次执行程序")
        shoot(win, name)
        win.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
