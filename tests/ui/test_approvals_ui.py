"""待审批 on the approver's PC and the submission from the 终本 wizard's 审批 page (issue 13 item 4; R9,
seed 一.4(1)), through the real widgets (offscreen) against the real platform process on 127.0.0.1. Two
desktop databases: the 承办人's (holds the case) and the 院长's (does not)."""

from __future__ import annotations

import requests
from conftest import TODAY
from sync_harness import PASSWORD, PlatformProcess, fresh_platform_db, platform, platform_db  # noqa: F401
from uihelpers import dispose_widgets, make_ctx, on_modal  # noqa: F401  (autouse fixture)
from zb_fixtures import add_judge, make_ready_case

from execdesk.config import Settings
from execdesk.models.migrate import open_database
from execdesk.services import platform_approvals, sync
from execdesk.services.accounts import create_user, ensure_court
from execdesk.services.context import Actor
from execdesk.sync.client import device_id
from provincial import service as platform_service


def _round(store, url: str, account: str) -> None:
    token = requests.post(url + "api/v1/auth/token", json={"account": account, "password": PASSWORD,
                                                           "device_id": device_id(store)},
                          headers={"X-ExecDesk-Protocol": "2"}).json()["access_token"]
    assert sync.run_sync(store, Settings(server_url=url, court_account=account), token=token).status == "ok"


def test_submit_from_the_wizard_then_sign_on_the_presidents_pc(qtbot, store, actor, tmp_path, platform):  # noqa: F811
    own = PlatformProcess(fresh_platform_db(platform.backend, tmp_path), tmp_path).start()
    try:
        with platform_db(own.db_url) as s:
            for name in ("zhangwei", "zhaolei", "sunli"):
                platform_service.create_account(s, name, "鲁0102", PASSWORD)
        add_judge(store, actor)
        platform_approvals.set_approval_mode(store, actor, "platform")
        cid = make_ready_case(store, actor)

        # 承办人's PC: the wizard's 审批 page offers the submission (same-PC signing hidden: platform only).
        from execdesk.ui.zhongben_wizard import ApprovalPage, ZhongbenWizard

        wizard = ZhongbenWizard(make_ctx(store), cid)
        qtbot.addWidget(wizard)
        page = next(wizard.stack.widget(i) for i in range(wizard.stack.count())
                    if isinstance(wizard.stack.widget(i), ApprovalPage))
        page.enter()
        assert not page.submit.isHidden() and page.sign.isHidden()

        def fill(dlg) -> None:
            dlg.pickers["合议庭"].setCurrentIndex(dlg.pickers["合议庭"].findData("zhaolei"))
            dlg.pickers["执行局长"].setCurrentIndex(dlg.pickers["执行局长"].findData("zhaolei"))
            dlg.pickers["院长"].setCurrentIndex(dlg.pickers["院长"].findData("sunli"))
            dlg.members[0].setCurrentIndex(dlg.members[0].findData("zhangwei"))
            dlg.members[1].setCurrentIndex(dlg.members[1].findData("zhoumin"))
            dlg.submit()

        seen = on_modal(fill)
        assert page.submit_for_approval() and seen
        assert "待审批" in page.request_label.text()
        _round(store, own.url, "zhangwei")

        # The 执行局长 decides twice (合议庭, 执行局长) on his PC through the service; then the 院长's PC.
        director = open_database(tmp_path / "director.sqlite3")
        president = open_database(tmp_path / "president.sqlite3")
        for db in (director, president):
            setup = Actor("setup", "设置")
            ensure_court(db, setup, code="鲁0102", name="济南市历下区人民法院")
            for username, name, role in (("zhaolei", "赵磊", "执行局长"), ("sunli", "孙立", "院长")):
                create_user(db, setup, username=username, display_name=name, role=role, password="password123")
        for step in ("合议庭", "执行局长"):
            _round(director, own.url, "zhaolei")
            item = next(p for p in platform_approvals.pending_approvals(director) if p.step == step)
            platform_approvals.decide(director, Actor("zhaolei", "赵磊"), item.id, username="zhaolei",
                                      password="password123", decision="同意", opinion="同意", today=TODAY)
        _round(director, own.url, "zhaolei")
        _round(president, own.url, "sunli")

        from execdesk.ui.approvals import ApprovalsPage

        ui = ApprovalsPage(make_ctx(president, "sunli"))
        qtbot.addWidget(ui)
        ui.show()
        assert ui.table.rowCount() == 1 and ui.table.item(0, 0).text() == "待审批"
        ui.table.selectRow(0)
        assert ui.preview.page_count() >= 1  # rendered here, from the carried text
        assert ui.checklist.rowCount() > 5 and "合议庭：同意" in ui.summary.text()
        assert "SHA" not in ui.summary.text() and ui.current().draft_sha256 not in ui.summary.text()  # issue 17 item 6
        ui.password.setText("wrong-pass")
        ui.sign_decision()
        assert "用户名或密码不正确" in ui.error.text()
        ui.opinion.setPlainText("同意终结本次执行程序")
        ui.password.setText("password123")
        ui.sign_decision()
        assert ui.error.text() == "" and ui.table.item(0, 0).text() == "已提交"
        assert not ui.sign.isEnabled()  # decided: cannot be signed twice
        _round(president, own.url, "sunli")
        ui.refresh()
        assert ui.table.item(0, 0).text() == "已确认"

        _round(store, own.url, "zhangwei")
        page.enter()
        assert "已同意" in page.request_label.text() and page.done()
        director.close()
        president.close()
    finally:
        own.stop()
