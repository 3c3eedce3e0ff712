"""Issue 13 item 2 on the desktop: each PC signs in with its user's own platform account, prefilled as
法院代字/用户名 from the local profile; 退出登录 revokes this device's tokens on the platform, then clears the
keyring. Real platform process on 127.0.0.1, real Qt widgets (offscreen), the in-memory keyring."""

from __future__ import annotations

import json

import requests
from sync_harness import PASSWORD, REPO, memory_keyring, platform, platform_db  # noqa: F401  (pytest fixtures)
from uihelpers import dispose_widgets, make_ctx, on_modal  # noqa: F401  (autouse fixture)

from execdesk.ui.sync_panel import SyncPanel
from provincial import auth


def test_panel_signs_in_as_the_local_user_and_sign_out_revokes_on_the_platform(qtbot, store, platform,  # noqa: F811
                                                                            memory_keyring):  # noqa: F811
    with platform_db(platform.db_url) as s:
        auth.create_person_account(s, "鲁0102", "zhaolei", PASSWORD, "执行局长", "赵磊")
    ctx = make_ctx(store, "zhaolei")
    ctx.settings.server_url = platform.url
    panel = SyncPanel(ctx)
    qtbot.addWidget(panel)
    panel.show()
    assert panel.account.text() == "鲁0102/zhaolei"  # the local profile's own account, court of the profile
    panel.interval.setValue(0)
    panel.password.setText(PASSWORD)
    texts: list[str] = []
    on_modal(lambda box: (texts.append(box.text()), box.accept()))
    panel.findChild(type(panel.sync_button), "login").click()
    qtbot.waitUntil(lambda: bool(texts), timeout=30_000)
    assert "已登录" in texts[0] and "赵磊（执行局长）" in texts[0]
    (entry,) = memory_keyring.store.values()
    tokens = json.loads(entry)
    assert tokens["access"] and tokens["refresh"] and PASSWORD not in entry
    feed = platform.url + "api/v1/feed"
    assert requests.get(feed, headers={"Authorization": f"Bearer {tokens['access']}"}, timeout=30).status_code == 200
    qtbot.waitUntil(lambda: "已登录" in panel.status.text(), timeout=5_000)
    shots = REPO / "docs" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    panel.resize(1100, 520)
    panel.grab().save(str(shots / "sync_panel_person_account.png"))

    logout = next(b for b in panel.findChildren(type(panel.sync_button)) if b.text() == "退出登录")
    logout.click()
    qtbot.waitUntil(lambda: not memory_keyring.store and "未登录" in panel.status.text(), timeout=30_000)
    assert requests.get(feed, headers={"Authorization": f"Bearer {tokens['access']}"}, timeout=30).status_code == 401
    r = requests.post(platform.url + "api/v1/auth/refresh", timeout=30,
                      json={"refresh_token": tokens["refresh"], "device_id": "any"})
    assert r.status_code == 401
    assert panel.error.text() == ""  # the platform was told: no warning
