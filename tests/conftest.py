"""Shared fixtures: a real SQLite file per test, migrated by the real upgrade path; Qt offscreen."""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path

import pytest

# Before anything imports Qt or reads the data folder.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("EXECDESK_DATA_DIR", tempfile.mkdtemp(prefix="execdesk-test-data-"))

from execdesk.models.migrate import open_database  # noqa: E402
from execdesk.rules.identity import make_credit_code, make_resident_id  # noqa: E402
from execdesk.services.accounts import create_user, ensure_court  # noqa: E402
from execdesk.services.context import Actor  # noqa: E402
from execdesk.services.inputs import BasisInput, CaseInput, PartyInput  # noqa: E402

TODAY = date(2026, 11, 25)  # fixed "today" for deterministic deadline tests


@pytest.fixture
def screenshot_dir(tmp_path) -> Path:
    """Where a test saves the screenshot it takes: the repository's docs/screenshots/ only when asked
    (EXECDESK_WRITE_SCREENSHOTS=1, e.g. by scripts/screenshots.py), else a temporary folder, so that an
    ordinary test run leaves the committed pictures alone."""
    if os.environ.get("EXECDESK_WRITE_SCREENSHOTS") == "1":
        target = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
    else:
        target = tmp_path / "screenshots"
    target.mkdir(parents=True, exist_ok=True)
    return target


@pytest.fixture
def actor() -> Actor:
    return Actor(username="tester", display_name="测试员", role="承办人")


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "execdesk.sqlite3"


@pytest.fixture
def store(db_path, actor):
    """A fresh database with one court (鲁0102) and a handler, clerk, 执行局长 and 院长 (password 'password123')."""
    s = open_database(db_path)
    ensure_court(s, actor, code="鲁0102", name="济南市历下区人民法院")
    for username, name, role, title in (("zhangwei", "张伟", "承办人", "审判员"), ("liuyang", "刘洋", "书记员", None),
                                        ("zhaolei", "赵磊", "执行局长", "审判员"), ("sunli", "孙立", "院长", None)):
        create_user(s, actor, username=username, display_name=name, role=role, password="password123", title=title)
    yield s
    s.close()


def sample_case_input(number: str = "（2026）鲁0102执100号", filed_on: date | str = date(2026, 3, 2),
                      amount: str = "85000.00", **overrides) -> CaseInput:
    """A complete, valid 首次执行 case: one natural-person applicant, one company debtor."""
    data = CaseInput(
        case_number=number, filed_on=filed_on, cause="民间借贷纠纷", amount_claimed=amount,
        received_on=filed_on, handler_username="zhangwei", clerk_username="liuyang",
        parties=[
            PartyInput(role="申请执行人", kind="自然人", name="王芳",
                       id_number=make_resident_id("370102", date(1990, 4, 12), 128),
                       address="济南市历下区经十路100号", phone="13812345678", ethnicity="汉族"),
            PartyInput(role="被执行人", kind="法人", name="济南鲁信商贸有限公司",
                       id_number=make_credit_code("91370102MA3C1234X"), address="济南市历下区解放路8号",
                       legal_rep="李强", legal_rep_title="总经理"),
        ],
        basis=BasisInput(issuing_body="本院", document_type="民事判决书", document_number="（2025）鲁0102民初1234号",
                         effective_on=date(2026, 1, 10), cause="民间借贷纠纷",
                         content="被告济南鲁信商贸有限公司于判决生效之日起十日内偿还原告王芳借款85000元"),
    )
    for k, v in overrides.items():
        setattr(data, k, v)
    return data
