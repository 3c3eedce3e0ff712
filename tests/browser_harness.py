"""One headless Chromium for the tests of the platform's web pages (Debian ``chromium`` + ``chromium-driver``,
driven by Selenium), and clicks that wait for the page they lead to.

Why the wait: ``element.click()`` returns when the click is dispatched, not when the next page has loaded.
On a loaded CI machine the test then read the old page (CI of 2026-12-02: ``current_url`` still the court
page after 退出登录, ``auth_log_link`` looked for on the login page).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
HAVE_CHROMIUM = Path(CHROMIUM).exists() and Path(DRIVER).exists()
NEEDS_CHROMIUM = pytest.mark.skipif(not HAVE_CHROMIUM,
                                    reason="needs Debian chromium and chromium-driver (run.sh installs them)")
PAGE_WAIT_SECONDS = 30


@contextmanager
def chromium(window: str = "1280,1100") -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--window-size={window}", "--lang=zh-CN", "--no-first-run"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def click_and_wait(driver: Any, element: Any) -> None:
    """Click something that submits a form or follows a link, and return once the next page is loaded:
    the old page's root element has gone stale and the new document is complete."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    old_root = driver.find_element(By.TAG_NAME, "html")
    element.click()
    wait = WebDriverWait(driver, PAGE_WAIT_SECONDS)
    wait.until(expected_conditions.staleness_of(old_root))
    wait.until(lambda d: d.execute_script("return document.readyState") == "complete")
