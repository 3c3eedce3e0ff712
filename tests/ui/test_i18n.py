"""Translations (issue 6 §9): Chinese source strings, Qt's own zh_CN strings, a partial English catalogue whose
placeholders match the source (Electrum's format guard), and a CJK font chosen explicitly."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator
from PySide6.QtGui import QFontDatabase
from uihelpers import dispose_widgets, make_ctx  # noqa: F401  (autouse fixture)

from execdesk.resources import resource_path
from execdesk.ui import app as ui_app
from execdesk.ui.main_window import MainWindow

TS = resource_path("i18n", "execdesk_en.ts")
PLACEHOLDER = re.compile(r"\{\d*\}|%n|%\d")


def test_english_catalogue_placeholders_match_the_source():
    root = ET.parse(TS).getroot()
    done = 0
    for msg in root.iter("message"):
        source, tr = msg.find("source").text, msg.find("translation")
        if tr is None or not tr.text or tr.get("type") == "unfinished":
            continue
        done += 1
        assert sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(tr.text)), (source, tr.text)
    assert done >= 90
    assert resource_path("i18n", "execdesk_en.qm").stat().st_size > 1000


def test_english_translation_applies_to_the_main_window(qtbot, store):
    tr = QTranslator()
    assert tr.load("execdesk_en", str(resource_path("i18n")))
    QCoreApplication.installTranslator(tr)
    try:
        win = MainWindow(make_ctx(store))
        qtbot.addWidget(win)
        assert [win.tabs.tabText(i) for i in range(6)] == ["Today", "Cases", "Written explanations", "Supervision & warnings",
                                                          "Sync", "Statistics"]
        assert win.case_list.model.headerData(0, __import__("PySide6.QtCore").QtCore.Qt.Orientation.Horizontal) \
            == "Case number"
    finally:
        QCoreApplication.removeTranslator(tr)


def test_qt_own_chinese_strings_ship_with_the_wheel():
    tr = QTranslator()
    assert tr.load("qtbase_zh_CN", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    assert tr.translate("QPlatformTheme", "Cancel") == "取消"


def test_a_chinese_ui_font_is_chosen_when_one_is_installed():
    if not QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese):
        pytest.skip("no CJK font installed (PLATFORM.md: fonts-wqy-zenhei)")
    family = ui_app.choose_font_family()
    assert family in QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
