"""Case search and list filters (issue 6 §1) over a real SQLite file.

PLATFORM.md: FTS5 trigram finds nothing for 1–2 character queries, so search must find 张三-style
two-character names through ``instr()`` on ``cases.search_text``.
"""

from __future__ import annotations

from datetime import date

import pytest
from conftest import TODAY, sample_case_input

from execdesk.rules.identity import make_credit_code, make_resident_id
from execdesk.services import cases
from execdesk.services.inputs import PartyInput
from execdesk.services.search import (
    VIEWS,
    CaseQuery,
    count_cases,
    list_cases,
    normalize_query,
    search_cases,
    status_summary,
    view_counts,
)

ZHANG_SAN_ID = make_resident_id("370102", date(1988, 6, 1), 321)
ZHANG_SAN_LONG_ID = make_resident_id("370103", date(1991, 2, 2), 77)
COMPANY_CODE = make_credit_code("91370102MA3C5678X")


@pytest.fixture
def populated(store, actor):
    """Four cases: 张三 (2 characters), 张三丰 (a longer name containing it), a company, a small 民生 case."""
    def add(number, debtor, amount="150000.00", **kw):
        data = sample_case_input(number, amount=amount, **kw)
        data.parties[1] = debtor
        return cases.register_case(store, actor, data, today=TODAY)

    ids = {
        "zhangsan": add("（2026）鲁0102执101号", PartyInput(role="被执行人", kind="自然人", name="张三",
                                                       id_number=ZHANG_SAN_ID)),
        "zhangsanfeng": add("（2026）鲁0102执102号", PartyInput(role="被执行人", kind="自然人", name="张三丰",
                                                           id_number=ZHANG_SAN_LONG_ID)),
        "company": add("（2025）鲁0102执1234号", PartyInput(role="被执行人", kind="法人", name="济南泉城建筑有限公司",
                                                        id_number=COMPANY_CODE), filed_on=date(2025, 12, 20)),
        "small": add("（2026）鲁0102执103号", PartyInput(role="被执行人", kind="自然人", name="李四",
                                                    id_number=make_resident_id("370104", date(1990, 1, 1), 5)),
                     amount="9999.99", is_livelihood=True),
    }
    return ids


def _ids(rows):
    return [r.id for r in rows]


def test_two_character_name_is_found_and_exact_name_ranks_first(store, populated):
    with store.read() as s:
        rows = search_cases(s, "张三")
    assert set(_ids(rows)) == {populated["zhangsan"], populated["zhangsanfeng"]}
    assert rows[0].id == populated["zhangsan"]  # "|张三|" exactly, before "张三丰"
    assert rows[0].respondents == "张三"


def test_case_number_fragment_with_half_width_brackets(store, populated):
    with store.read() as s:
        assert _ids(search_cases(s, "(2025)鲁0102执12")) == [populated["company"]]
        assert _ids(search_cases(s, "执103")) == [populated["small"]]
        assert search_cases(s, "执9999号") == []


def test_id_number_and_credit_code_any_case(store, populated):
    with store.read() as s:
        assert _ids(search_cases(s, ZHANG_SAN_ID)) == [populated["zhangsan"]]
        assert _ids(search_cases(s, COMPANY_CODE.lower())) == [populated["company"]]
        # several terms must all match
        assert _ids(search_cases(s, "张三 执102")) == [populated["zhangsanfeng"]]


def test_normalize_query_splits_and_folds():
    assert normalize_query(" (2024)鲁0102执1号  X ") == ["（2024）鲁0102执1号", "x"]
    assert normalize_query("") == []


def test_filters_livelihood_small_closed_and_mine(store, populated):
    with store.read() as s:
        assert _ids(list_cases(s, CaseQuery(view="livelihood"))) == [populated["small"]]
        assert _ids(list_cases(s, CaseQuery(view="small"))) == [populated["small"]]
        assert list_cases(s, CaseQuery(view="closed")) == []
        handler = s.scalar(__import__("sqlalchemy").text("select id from users where username='zhangwei'"))
        assert count_cases(s, CaseQuery(view="open", handler_id=handler)) == 4
        other = s.scalar(__import__("sqlalchemy").text("select id from users where username='zhaolei'"))
        assert count_cases(s, CaseQuery(view="open", handler_id=other)) == 0


def test_overdue_view_uses_the_deadline_engine(store, populated):
    """Filed 2026-03-02 with a 6-month limit (R16): overdue on 2026-11-25; the one filed 2025-12-20 too."""
    with store.read() as s:
        overdue = list_cases(s, CaseQuery(view="overdue", sort="overdue_days"))
    assert populated["zhangsan"] in _ids(overdue)
    assert all(r.overdue_days > 0 for r in overdue)
    assert overdue == sorted(overdue, key=lambda r: r.overdue_days, reverse=True)


def test_view_counts_match_list_counts(store, populated):
    with store.read() as s:
        counts = view_counts(s)
        for view in VIEWS:
            assert counts[view] == count_cases(s, CaseQuery(view=view)), view
    assert counts["all"] == 4


def test_paging_is_stable_and_complete(store, actor):
    for n in range(1, 26):
        cases.register_case(store, actor, sample_case_input(f"（2026）鲁0102执{n}号"), today=TODAY)
    with store.read() as s:
        q = CaseQuery(view="all", sort="case_number", descending=False)
        pages = [list_cases(s, q, offset=o, limit=10) for o in (0, 10, 20)]
    numbers = [r.case_number for page in pages for r in page]
    assert len(numbers) == len(set(numbers)) == 25
    assert numbers[0] == "（2026）鲁0102执1号" and numbers[-1] == "（2026）鲁0102执25号"


def test_status_summary_counts_pending_outbox_and_warnings(store, populated):
    with store.read() as s:
        st = status_summary(s)
    assert st.pending_changes > 0  # every registered case wrote outbox rows
    assert st.last_sync_at is None
    assert st.overdue >= 1


def test_awaiting_approval_view_from_approvals_until_issued(store, actor):
    """R9: a ruling whose approval has started shows under 待审批 until the 终本裁定书 is issued."""
    from zb_fixtures import add_judge, approve_all, make_ready_case

    from execdesk.services import documents
    from execdesk.services.approvals import approve_ruling

    add_judge(store, actor)
    cid = make_ready_case(store, actor)
    other = make_ready_case(store, actor, "（2026）鲁0102执101号")
    with store.read() as s:
        assert list_cases(s, CaseQuery(view="awaiting_approval")) == []
        assert {r.id for r in list_cases(s, CaseQuery(view="zhongben_ready", today=TODAY))} == {cid, other}
    approve_ruling(store, actor, cid, step="合议庭", approver_username="zhaolei", password="password123",
                   panel=["zhangwei", "zhoumin"], today=TODAY)
    with store.read() as s:
        assert _ids(list_cases(s, CaseQuery(view="awaiting_approval"))) == [cid]
    approve_all(store, actor, cid)
    documents.issue_ruling(store, actor, cid, today=TODAY)
    with store.read() as s:
        assert list_cases(s, CaseQuery(view="awaiting_approval")) == []
