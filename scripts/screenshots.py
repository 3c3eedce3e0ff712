"""Screenshots of every main screen with demo data, on a real X server (xcb), at 1366×768 and 1920×1080.

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

A 1366×768 screen with a 40 px taskbar (issue 17 item 9: the windows place and size themselves from
QScreen.availableGeometry(), exactly as on the clerk's PC; the X root window's _NET_WORKAREA is the taskbar):

    xvfb-run -a -s "-screen 0 1366x768x24 -noreset" sh -c 'xprop -root -f _NET_WORKAREA 32cccc \
        -set _NET_WORKAREA "0, 0, 1366, 728" && .venv/bin/python scripts/screenshots.py --size 1366x768'

With ``--size`` only that size is shot, the main window is not given a geometry (the app fits itself to the
screen) and main-window pictures are the whole screen, the taskbar's strip included.

Uses a throw-away database and data folder (never the user's). Look at every PNG before calling a screen done.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

SIZES = [(1366, 768), (1920, 1080)]


def prepare(db: Path, today: date, cases: int) -> None:
    from sqlalchemy import select

    from execdesk.models import Case, SupervisionItem
    from execdesk.models.migrate import open_database
    from execdesk.services.context import Actor
    from execdesk.services.demo import generate_demo

    store = open_database(db)
    generate_demo(store, Actor.local_system(), cases, today=today)
    with store.transaction() as s:  # two fictional items from the platform for the inbox screen
        open_cases = s.scalars(select(Case).where(Case.status == "未结").order_by(Case.filed_on).limit(2)).all()
        for i, c in enumerate(open_cases):
            s.add(SupervisionItem(id=f"demo-sup-{i}", server_seq=i + 1, case_id=c.id, case_number=c.case_number,
                                  kind="督办" if i == 0 else "预警",
                                  title="长期未结案件督办" if i == 0 else "执行期限即将届满预警",
                                  body="请于期限内报告案件进展、未结原因和下一步措施。" if i == 0 else
                                  "该案执行期限将于10日内届满，请及时处理。",
                                  issued_by="济南市中级人民法院执行指挥中心", due_on=today + timedelta(days=5 + i),
                                  received_at=datetime.now(UTC), state="未读"))
    store.close()


def shoot_node_entry(shoot, ctx, win, store, case_id: str, w: int, h: int) -> None:
    """Issue 11: the unified node/record entry (N11 查封 with its typed fields, N13 拍卖 with the asset picker)
    and the conflict dialog of a stale edit. The case gets a sealed asset first, so the picker has one."""
    from execdesk.services import cases
    from execdesk.services.inputs import NodeInput
    from execdesk.ui.conflict import ConflictDialog
    from execdesk.ui.dialogs import NodeDialog
    from execdesk.ui.node_form import ChoiceBox

    today = ctx.today()
    cases.record_node(store, ctx.actor, case_id, NodeInput(
        code="N11", started_on=today, ended_on=today, document_number="（2026）鲁0102执保12号",
        data={"seal_kind": "查封", "asset_kind": "不动产", "asset_description": "历下区解放路8号商铺",
              "value": "1,200,000.00"}), today=today)
    ws = win.open_case(case_id)
    ws.reload()  # written by a direct service call above, not through an operation the workspace hears of
    ws.tabs.setCurrentIndex(4)
    shoot(win, "17_property_tab_with_nodes", w, h)

    def choose(dlg, key: str, text: str) -> None:
        box = dlg.field(key)
        if isinstance(box, ChoiceBox):
            box.setCurrentIndex(max(0, box.findText(text)))
        else:
            box.setText(text)

    seal = NodeDialog(ctx, ws.view.case, win)
    seal.picker.search.setText("查封")
    seal.picker.pick_current()
    for key, text in (("seal_kind", "冻结"), ("asset_kind", "存款"), ("asset_description", "中国工商银行济南分行账户存款"),
                      ("amount", "50000"), ("expires_on", "2026.2.30")):
        choose(seal, key, text)
    seal.field("expires_on").normalize()  # checked when the field is left: 2月30日 does not exist
    seal.field("amount").normalize()
    seal.show()
    shoot(seal, "18_node_entry_seal", w, h)
    seal.close()

    auction = NodeDialog(ctx, ws.view.case, win, code="N13")
    for key, text in (("asset_id", "历下区解放路8号商铺（不动产）"), ("method", "网络司法拍卖"), ("result", "流拍"),
                      ("round", "1"), ("notice_on", "2026.3.5"), ("start_price", "840,000.00")):
        choose(auction, key, text)
    auction.field("notice_on").normalize()
    auction.show()
    auction.field("asset_id").showPopup()
    shoot(auction, "19_node_entry_auction_asset", w, h)
    auction.field("asset_id").hidePopup()
    auction.close()

    # A stale edit, for real: the form was read at version v, a colleague saved the case meanwhile (v → v+1),
    # then this person's save of the form read at v is refused with both values.
    from execdesk.rules.errors import ConflictError
    from execdesk.services.profiles import actor_for, users_by_role

    with store.read() as s:
        colleague = next(u.username for u in users_by_role(s) if u.username != ctx.actor.username)
    read = ws.view.case.version
    cases.update_case(store, actor_for(store, colleague), case_id, cause="金融借款合同纠纷",
                      notes="申请执行人来电，称被执行人有一辆车", expected_version=read, today=today)
    try:
        cases.update_case(store, ctx.actor, case_id, cause="买卖合同纠纷", notes="已电话联系申请执行人，约定下周到庭",
                          expected_version=read, today=today)
        raise SystemExit("expected a conflict")
    except ConflictError as real:
        exc = real
    dlg = ConflictDialog(exc, win)
    dlg.show()
    shoot(dlg, "20_conflict_dialog", w, h)
    dlg.close()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    ap.add_argument("--cases", type=int, default=1500)
    ap.add_argument("--size", help="WxH: the X screen is this size; the app places its windows itself")
    args = ap.parse_args()
    sizes = [tuple(int(x) for x in args.size.split("x"))] if args.size else SIZES
    if not os.environ.get("DISPLAY"):
        print("需要 X 显示：请用 xvfb-run 运行本脚本", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="execdesk-shots-"))
    os.environ["EXECDESK_DATA_DIR"] = str(tmp / "data")
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
    today = date.today()
    db = tmp / "demo.sqlite3"
    prepare(db, today, args.cases)

    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from execdesk.models.migrate import open_database
    from execdesk.services.profiles import actor_for
    from execdesk.ui.app import install_translators, make_application
    from execdesk.ui.context import UiContext

    app = make_application(["execdesk"])
    install_translators(app, "zh_CN")
    print("platform:", QGuiApplication.platformName(), "font:", app.font().family())
    store = open_database(db)
    actor = actor_for(store, "zhangwei")
    args.out.mkdir(parents=True, exist_ok=True)

    def settle(ms: int = 250) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()
        QCoreApplication.processEvents()

    def shoot(widget, name: str, w: int, h: int) -> None:
        settle()
        screen = QGuiApplication.primaryScreen()
        if args.size and widget.isWindow():  # the whole screen: window + taskbar
            pix = screen.grabWindow(0)
            path = args.out / f"{name}_{w}x{h}.png"
            pix.save(str(path))
            print("saved", path, pix.width(), "×", pix.height(), "available", screen.availableGeometry())
            return
        pix = screen.grabWindow(widget.winId())
        if pix.isNull() or pix.width() < 10:
            pix = widget.grab()
        path = args.out / f"{name}_{w}x{h}.png"
        pix.save(str(path))
        print("saved", path, pix.width(), "×", pix.height())

    from execdesk.services.profiles import users_by_role
    from execdesk.ui.sign_in import SignInDialog

    with store.read() as s:
        profiles = users_by_role(s)
    sign = SignInDialog(store, profiles, "zhangwei")
    sign.show()
    shoot(sign, "00_sign_in", *sizes[0])
    sign.close()

    for w, h in sizes:
        from execdesk.ui.main_window import MainWindow

        ctx = UiContext(store=store, actor=actor, clock=lambda: today)
        ctx.settings.window_state = {}
        win = MainWindow(ctx)
        if not args.size:
            win.setGeometry(0, 0, w, h)
        win.show()
        settle(500)
        shoot(win, "00_today", w, h)  # 今日待办: the first screen after sign-in (issue 17)
        win.tabs.setCurrentWidget(win.case_list)
        settle(300)
        shoot(win, "01_case_list", w, h)
        if (w, h) == SIZES[0]:  # the 文件 menu (new case, import/export, save, print): a popup, so a screen region
            bar = win.menuBar()
            menu = bar.actions()[0].menu()
            menu.popup(win.mapToGlobal(bar.actionGeometry(bar.actions()[0]).bottomLeft()))
            settle(300)
            pix = QGuiApplication.primaryScreen().grabWindow(0).copy(0, 0, 700, 400)
            pix.save(str(args.out / f"15_file_menu_{w}x{h}.png"))
            print("saved", args.out / f"15_file_menu_{w}x{h}.png")
            menu.close()
            # The recovery question after a crash (ui.drafts), with one journaled edit of the shown case.
            first = win.case_list.model.rows[0]
            ctx.drafts.put(f"case:{first.id}", f"案件 {first.case_number} 的修改", actor.username,
                           {"notes": "已电话联系申请执行人"})

            recovery_png = args.out / f"16_recovery_{w}x{h}.png"

            def grab_recovery(path=recovery_png) -> None:
                box = QApplication.activeModalWidget()
                box.grab().save(str(path))
                print("saved", path)
                box.button(box.StandardButton.No).click()

            QTimer.singleShot(400, grab_recovery)
            win.offer_recovery()
        win.case_list.search.setText("张伟")
        win.case_list.apply()
        shoot(win, "02_search_name", w, h)
        win.case_list.search.setText("")
        win.case_list.apply()
        from execdesk.services.search import CaseQuery, list_cases

        with store.read() as s:  # an overdue case with some history shows the most
            overdue = list_cases(s, CaseQuery(view="overdue", handler_id=actor.user_id), limit=50)
        target = overdue[len(overdue) // 2] if overdue else win.case_list.model.rows[0]
        ws = win.open_case(target.id)
        shoot(win, "03_case_overview", w, h)
        ws.tabs.setCurrentIndex(3)
        shoot(win, "04_case_nodes", w, h)
        ws.tabs.setCurrentIndex(7)
        shoot(win, "05_case_deadlines", w, h)
        ws.tabs.setCurrentIndex(4)
        shoot(win, "06_case_property", w, h)
        ws.tabs.setCurrentIndex(6)
        shoot(win, "17_case_payments", w, h)  # 记录/更正/冲正 执行款 (issue 17)
        if (w, h) == SIZES[0]:  # demo data is audited in bulk: a clerk's own edits give the log something to say
            from execdesk.services import cases as case_service
            from execdesk.services import corrections

            debtor = next(p for p in ws.view.parties if p.role == "被执行人")
            corrections.update_party(store, actor, debtor.id, expected_version=debtor.version,
                                     address="济南市历城区工业北路88号", phone="0531-88776655", today=today)
            case_service.record_payment(store, actor, target.id, kind="到账", amount="12000", paid_on=today,
                                        route="划拨", description="冻结存款划拨", today=today)
            ws.reload()
        ws.tabs.setCurrentIndex(9)
        shoot(win, "18_case_audit", w, h)  # 操作记录 in words
        ws.tabs.setCurrentIndex(1)
        shoot(win, "19_case_parties", w, h)
        for key, name in (("explanations", "07_explanations"), ("supervision", "08_supervision"),
                          ("sync", "09_sync"), ("dashboard", "10_dashboard")):
            page = win.show_page(key)
            if key == "supervision":
                page.table.selectRow(0)
            if key == "explanations" and page.table.rowCount():
                page.table.selectRow(0)
            if key == "dashboard":
                settle(1500)  # computed on the thread pool
            shoot(win, name, w, h)
        win.tabs.setCurrentWidget(win.case_list)

        from execdesk.ui.dialogs import CaseDialog, NodeDialog
        from execdesk.ui.zhongben_wizard import ZhongbenWizard

        dlg = CaseDialog(ctx, win)
        dlg.number.setText("（2026）鲁0102执9999号")
        dlg.check_number()
        dlg.show()
        shoot(dlg, "11_new_case_dialog", w, h)
        dlg.close()
        nd = NodeDialog(ctx, ws.view.case, win, code="N22")
        nd.show()
        shoot(nd, "12_node_dialog", w, h)
        nd.close()
        if (w, h) == SIZES[0]:
            shoot_node_entry(shoot, ctx, win, store, target.id, w, h)
        with store.read() as s:
            ready = list_cases(s, CaseQuery(view="zhongben_ready"), limit=1)
        if (w, h) == SIZES[0]:  # the PDF viewer asks for 900×900: on a 728 px high screen it is clamped
            from execdesk.services import explanations
            from execdesk.ui.pdf_view import PdfPreviewDialog

            with store.read() as s:
                owed = explanations.overdue_case_ids(s)[:1]
            if owed:
                pv = PdfPreviewDialog(explanations.draft_pdf(store, owed[0], today=today), "书面说明（草稿）预览",
                                      "书面说明.pdf", win)
                pv.show()
                shoot(pv, "22_pdf_preview", w, h)
                pv.close()
        zw = ZhongbenWizard(ctx, ready[0].id if ready else target.id, win)
        zw.show()
        shoot(zw, "13_zhongben_checklist", w, h)
        if zw.next.isEnabled():
            zw.next.click()
            shoot(zw, "14_zhongben_draft", w, h)
        zw.close()
        win.ctx.settings.window_state = {}
        win.hide()
        win.deleteLater()
        settle()
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
