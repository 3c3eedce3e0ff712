"""A 节假日 item sent down by the platform replaces a provisional year (DOMAIN R19: the holiday calendar is
updatable offline; issue 3 §2: "later updated through sync") and recomputes every case."""

from __future__ import annotations

from datetime import date

from conftest import TODAY, sample_case_input
from sqlalchemy import select
from sync_harness import PASSWORD, client_store, memory_keyring, platform, platform_db, settings_for  # noqa: F401

from execdesk.models import Case, SupervisionItem
from execdesk.services import deadlines
from execdesk.services.cases import register_case
from execdesk.services.context import Actor
from execdesk.services.sync import run_sync, sign_in
from provincial import service as platform_service

SCHEDULE_2027 = {
    "year": 2027, "status": "official", "source": "测试用2027年节假日安排",
    "holidays": ["2027-01-01", ["2027-02-06", "2027-02-12"], ["2027-05-01", "2027-05-05"],
                 ["2027-10-01", "2027-10-07"]],
    "workdays": ["2027-02-14", "2027-10-09"],
}


def test_holiday_item_from_the_platform_makes_2027_official_and_recomputes(tmp_path, platform, memory_keyring,  # noqa: F811
                                                                          monkeypatch):
    monkeypatch.setenv("EXECDESK_DATA_DIR", str(tmp_path / "data"))  # holiday updates live in the data folder
    deadlines._calendar_for.cache_clear()
    try:
        store = client_store(tmp_path / "desk.sqlite3", "鲁0102")
        settings = settings_for(platform.url, "鲁0102")
        sign_in(store, settings, "lixia", PASSWORD)
        case_id = register_case(store, Actor("t", "测试"), sample_case_input(
            number="（2026）鲁0102执9901号", filed_on=date(2026, 8, 3)), today=TODAY)
        with store.read() as s:
            assert s.get(Case, case_id).deadlines_provisional  # its 6-month limit ends in 2027
        assert not deadlines.active_calendar().is_known(2027)
        with platform_db(platform.db_url) as s:
            platform_service.issue_item(s, kind="节假日", title="2027年节假日安排", court_code="鲁0102",
                                        payload=SCHEDULE_2027)
        run_sync(store, settings)
        assert deadlines.active_calendar().is_known(2027)
        with store.read() as s:
            item = s.scalars(select(SupervisionItem).where(SupervisionItem.kind == "节假日")).one()
            assert item.state == "已应用"
            assert not s.get(Case, case_id).deadlines_provisional
        # A second round does not apply it again; a broken schedule is marked, never fatal for the sync.
        with platform_db(platform.db_url) as s:
            platform_service.issue_item(s, kind="节假日", title="损坏的数据", court_code="鲁0102",
                                        payload={"year": 2028, "status": "official", "holidays": ["2028-13-01"]})
        run_sync(store, settings)
        with store.read() as s:
            # (other tests share this platform and court: look at the holiday items only)
            states = {i.title: i.state for i in s.scalars(select(SupervisionItem).where(SupervisionItem.kind == "节假日"))}
        assert states == {"2027年节假日安排": "已应用", "损坏的数据": "无效"}
        store.close()
    finally:
        deadlines._calendar_for.cache_clear()
