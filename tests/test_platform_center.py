"""Issue 14, item 5: the 指挥中心 web view in a real headless Chromium (Debian ``chromium`` driven by
Selenium through Debian's ``chromium-driver``), against the real platform process and real desktops.

Found: ``GET /admin?court=…`` without credentials showed any court's 督办 titles, entity ids and replies.
Now: staff sign in; 中院 staff see only their courts, 省院 staff every court; another jurisdiction's court
answers like a court that does not exist; a 督办 issued from the page reaches the desktop, whose reply is
shown with the replying account. Forms need the session's CSRF token. (DOMAIN.md R36: cases past the
execution limit owe a 书面说明; R16 limit from filing.)
"""

from __future__ import annotations

import uuid
from datetime import date

import pytest
import requests
from browser_harness import NEEDS_CHROMIUM, chromium, click_and_wait
from conftest import TODAY, sample_case_input
from sqlalchemy import select
from sync_harness import *  # noqa: F403
from sync_harness import COURTS, PASSWORD, client_store, platform_db, settings_for

from execdesk.models import SupervisionItem
from execdesk.services.cases import register_case
from execdesk.services.context import Actor
from execdesk.services.sync import reply_to_item, sign_in
from execdesk.sync.client import run_sync
from provincial.center import create_staff
from provincial.models import PFeedItem

HANDLER = Actor(username="zhangwei", display_name="张伟")
STAFF_PASSWORD = "center-pass-2026"
pytestmark = NEEDS_CHROMIUM


@pytest.fixture
def browser():
    with chromium() as driver:
        yield driver


@pytest.fixture
def desks(tmp_path, platform, memory_keyring):
    """Two courts' desktops with cases pushed: 鲁0102 one overdue and one recent case, 鲁0103 one overdue."""
    tag = uuid.uuid4().hex[:6]
    out = {}
    for code, numbers in (("鲁0102", [(date(2026, 3, 2), "A"), (date(2026, 11, 20), "B")]),
                          ("鲁0103", [(date(2026, 3, 2), "C")])):
        store = client_store(tmp_path / f"{code}.sqlite3", code)
        settings = settings_for(platform.url, code)
        sign_in(store, settings, COURTS[code][1], PASSWORD)
        serials = []
        for filed, letter in numbers:
            serial = 70_000 + int(tag, 16) % 20_000 * 3 + ord(letter) - 64
            number = f"（2026）{code}执{serial}号"
            register_case(store, HANDLER, sample_case_input(number=number, filed_on=filed), today=TODAY)
            serials.append(number)
        assert run_sync(store, settings).status == "ok"
        out[code] = (store, settings, serials)
    with platform_db(platform.db_url) as s:
        create_staff(s, f"zy-{tag}", "赵中院", "中院", STAFF_PASSWORD, ["鲁0102"])
        create_staff(s, f"sy-{tag}", "孙省院", "省院", STAFF_PASSWORD, [])
    yield out, tag
    for store, _settings, _numbers in out.values():
        store.close()


def _login(driver, base: str, name: str, password: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(base + "center/")
    assert driver.current_url.endswith("/center/login")
    driver.find_element(By.ID, "name").send_keys(name)
    driver.find_element(By.ID, "password").send_keys(password)
    click_and_wait(driver, driver.find_element(By.ID, "submit"))


def test_center_login_scoping_and_issuing_a_supervision(browser, platform, desks, screenshot_dir):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    (courts, tag) = desks
    base = platform.url
    overdue_102, recent_102 = courts["鲁0102"][2]
    overdue_103 = courts["鲁0103"][2][0]

    # Without a sign-in: nothing, neither the old page nor the new one.
    assert requests.get(base + "admin?court=鲁0102", allow_redirects=False).status_code == 303
    bare = requests.get(base + "center/court/鲁0102", allow_redirects=False)
    assert bare.status_code == 303 and overdue_102 not in bare.text

    # A wrong password is refused on the page.
    _login(browser, base, f"zy-{tag}", "not-the-password")
    assert "账号或密码不正确" in browser.find_element(By.ID, "error").text

    # 中院 staff: their court only.
    _login(browser, base, f"zy-{tag}", STAFF_PASSWORD)
    assert browser.current_url.endswith("/center/")
    table = browser.find_element(By.ID, "courts").text
    assert "鲁0102" in table and "鲁0103" not in table and "赵中院" in browser.page_source
    browser.get(base + "center/court/鲁0103")
    assert "不在您的辖区" in browser.page_source and overdue_103 not in browser.page_source
    browser.get(base + "center/court/鲁9999")  # looks the same as a court outside the jurisdiction
    assert "不在您的辖区" in browser.page_source

    browser.get(base + "center/court/鲁0102")
    overdue = browser.find_element(By.ID, "overdue").text
    assert overdue_102 in overdue and recent_102 not in overdue  # R16: filed 2026-03-02, limit passed
    owing_before = int(browser.find_element(By.ID, "owing-count").text)
    assert owing_before >= 1  # R36: overdue without a 书面说明

    # Issue a 督办 from the page.
    Select(browser.find_element(By.ID, "kind")).select_by_visible_text("督办")
    browser.find_element(By.ID, "case_number").send_keys(overdue_102)
    browser.find_element(By.ID, "title").send_keys("请于五日内报告超期原因")
    browser.find_element(By.ID, "body").send_keys("该案已超过执行期限，请报告原因及下一步计划。")
    browser.execute_script("document.getElementById('due_on').value = '2026-12-10'")
    click_and_wait(browser, browser.find_element(By.ID, "send"))
    assert "已下发" in browser.find_element(By.ID, "message").text
    feed = browser.find_element(By.ID, "feed").text
    assert "请于五日内报告超期原因" in feed and "未回复" in feed and overdue_102 in feed
    with platform_db(platform.db_url) as s:
        item = s.scalars(select(PFeedItem).where(PFeedItem.title == "请于五日内报告超期原因",
                                                 PFeedItem.case_number == overdue_102)).one()
        assert item.court_code == "鲁0102" and item.issued_by == "赵中院" and item.kind == "督办"

    # The court's desktop receives it, replies; the page shows the reply and the replying account.
    store, settings, _ = courts["鲁0102"]
    run_sync(store, settings)
    with store.read() as s:
        local = s.get(SupervisionItem, item.id)
    assert local is not None and local.title == "请于五日内报告超期原因"
    reply_to_item(store, HANDLER, item.id, "已于12月3日冻结被执行人账户，计划12月底前结案。")
    run_sync(store, settings)
    browser.get(base + "center/court/鲁0102")
    feed = browser.find_element(By.ID, "feed").text
    assert "已于12月3日冻结被执行人账户" in feed and "lixia" in feed and "张伟" in feed
    browser.save_screenshot(str(screenshot_dir / "center-court.png"))

    # CSRF: the session cookie alone cannot issue anything.
    cookies = {c["name"]: c["value"] for c in browser.get_cookies()}
    forged = requests.post(base + "center/issue", cookies=cookies, allow_redirects=False,
                           data={"court": "鲁0102", "kind": "督办", "title": "伪造的督办"})
    assert forged.status_code == 403
    # Not another jurisdiction either, even with the token (the hidden field changed by hand).
    csrf = browser.find_element(By.NAME, "csrf").get_attribute("value")
    foreign = requests.post(base + "center/issue", cookies=cookies, allow_redirects=False,
                            data={"csrf": csrf, "court": "鲁0103", "kind": "督办", "title": "越权督办"})
    assert foreign.status_code == 404 and "不在您的辖区" in foreign.text  # as for a court that does not exist
    with platform_db(platform.db_url) as s:
        assert not s.scalars(select(PFeedItem).where(PFeedItem.title.in_(["伪造的督办", "越权督办"]))).all()

    # Sign out: the cookie is no longer a session.
    click_and_wait(browser, browser.find_element(By.ID, "logout"))
    assert browser.current_url.endswith("/center/login")
    assert requests.get(base + "center/", cookies=cookies, allow_redirects=False).status_code == 303

    # 省院 staff: every court.
    _login(browser, base, f"sy-{tag}", STAFF_PASSWORD)
    table = browser.find_element(By.ID, "courts").text
    assert "鲁0102" in table and "鲁0103" in table
    browser.get(base + "center/court/鲁0103")
    assert overdue_103 in browser.find_element(By.ID, "overdue").text
    browser.get(base + "center/")
    browser.save_screenshot(str(screenshot_dir / "center-overview.png"))


def test_session_cookie_flags(platform, desks):
    (_courts, tag) = desks
    s = requests.Session()
    page = s.get(platform.url + "center/login")
    pre = page.text.split("name='csrf' value='")[1].split("'")[0]
    r = s.post(platform.url + "center/login", data={"csrf": pre, "name": f"zy-{tag}", "password": STAFF_PASSWORD},
               allow_redirects=False)
    assert r.status_code == 303
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict") and "Path=/center" in cookie
    # Without the login form's token the sign-in is refused before any password check.
    bad = requests.post(platform.url + "center/login", data={"name": f"zy-{tag}", "password": STAFF_PASSWORD},
                        allow_redirects=False)
    assert bad.status_code == 400 and "ed_center=" not in bad.headers.get("set-cookie", "")
