"""我的案件 by role (issue 13 item 5, built in issue 17 item 1 — verified here): a 书记员 sees the cases where they
are clerk, a 执行局长 and a 院长 the bureau's cases; after a 移交 the case leaves the old handler's 我的案件 and
enters the new handler's, while the old handler's copy stays readable (全部案件) but not writable."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import TODAY, sample_case_input

from execdesk.rules.errors import ValidationError
from execdesk.services import cases
from execdesk.services.accounts import create_user
from execdesk.services.handover import hand_over
from execdesk.services.inputs import NodeInput
from execdesk.services.profiles import actor_for, find_profile, my_cases
from execdesk.services.search import CaseQuery, list_cases


def _mine(store, username: str) -> tuple[str, set[str]]:
    with store.query() as con:
        p = find_profile(con, username)
        scope = my_cases(p.role, p.id)
        rows = list_cases(con, CaseQuery(view="all", handler_id=scope.handler_id, clerk_id=scope.clerk_id,
                                         today=TODAY))
    return scope.label, {r.id for r in rows}


@pytest.fixture
def bureau(store, actor):
    create_user(store, actor, username="wangfang", display_name="王芳", role="承办人", password="password123")
    a = cases.register_case(store, actor, sample_case_input("（2026）鲁0102执700号"), today=TODAY)
    b = cases.register_case(store, actor, sample_case_input("（2026）鲁0102执701号", handler_username="wangfang",
                                                            clerk_username=None), today=TODAY)
    return {"a": a, "b": b}


def test_my_cases_for_clerk_director_and_president(store, bureau):
    assert _mine(store, "liuyang") == ("我的案件（书记员）", {bureau["a"]})
    assert _mine(store, "zhaolei") == ("本局案件", {bureau["a"], bureau["b"]})
    assert _mine(store, "sunli") == ("本局案件", {bureau["a"], bureau["b"]})  # 院长: the bureau's cases
    assert _mine(store, "zhangwei") == ("我的案件", {bureau["a"]})


def test_after_a_handover_the_case_moves_between_my_cases_and_the_old_copy_is_read_only(store, bureau):
    zhang = actor_for(store, "zhangwei")
    hand_over(store, zhang, bureau["a"], "wangfang", "调岗", today=TODAY)
    assert _mine(store, "zhangwei") == ("我的案件", set())
    assert _mine(store, "wangfang") == ("我的案件", {bureau["a"], bureau["b"]})
    assert _mine(store, "liuyang") == ("我的案件（书记员）", {bureau["a"]})  # the clerk stays
    with pytest.raises(ValidationError, match="只读副本"):
        cases.record_node(store, zhang, bureau["a"], NodeInput(code="N03", started_on=date(2026, 3, 3)), today=TODAY)
    cases.record_node(store, actor_for(store, "liuyang"), bureau["a"], NodeInput(code="N03",
                                                                                started_on=date(2026, 3, 3)),
                      today=TODAY)  # the 书记员 of the case records for the new handler
    cases.update_case(store, actor_for(store, "zhaolei"), bureau["a"], notes="局长批注", today=TODAY)  # a leader
