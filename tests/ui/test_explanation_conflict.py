"""Issue 11 item 3 on the 书面说明 editor (R36): the editor saves with the draft version it read; when someone else
saved the draft after the editor showed it, the save is refused (nothing written) and the conflict dialog shows
both values. Real widgets offscreen on a real SQLite file; the data is checked by reading the database back."""

from __future__ import annotations

import pytest
from conftest import TODAY, sample_case_input
from sqlalchemy import select
from uihelpers import click_button, make_ctx, on_modal

from execdesk.models import Explanation
from execdesk.services import cases, explanations
from execdesk.services.context import Actor
from execdesk.ui.conflict import ConflictDialog
from execdesk.ui.main_window import MainWindow

OTHER = Actor(username="clerk2", display_name="李书记员", role="书记员")


@pytest.fixture
def case_id(store, actor):
    return cases.register_case(store, actor, sample_case_input(), today=TODAY)  # filed 2026-03-02: overdue


@pytest.fixture
def page(qtbot, store, case_id):
    w = MainWindow(make_ctx(store))
    qtbot.addWidget(w)
    w.show()
    p = w.show_page("explanations")
    p.scope.setCurrentIndex(p.scope.findData("all"))
    p.select_case(case_id)
    assert p.editing_case == case_id
    yield p
    p.draft.drop()
    p._loaded = p.values()  # no "save changes?" box at teardown


def _stored(store, case_id) -> list[tuple[str | None, int]]:
    with store.read() as s:
        return [(r.reason_text, r.version) for r in s.scalars(select(Explanation).where(Explanation.case_id == case_id))]


def test_a_stale_explanation_editor_shows_the_conflict_and_writes_nothing(page, store, case_id):
    explanations.save_draft(store, OTHER, case_id, reason_text="他人先保存的情况", today=TODAY, expected_version=0)
    page.reason_text.setPlainText("我填写的情况")
    seen: list[list[tuple[str, str, str]]] = []
    on_modal(lambda box: (seen.append(box.rows() if isinstance(box, ConflictDialog) else []),
                          click_button(box, "在最新版本上重新填写")))
    assert page.save() is False
    assert seen == [[("具体情况", "我填写的情况", "他人先保存的情况")]]
    assert _stored(store, case_id) == [("他人先保存的情况", 1)]  # ours was not written
    # 在最新版本上重新填写: the stored draft is loaded (version 1) with what was typed on top, unsaved.
    assert page.reason_text.toPlainText() == "我填写的情况" and page.has_unsaved_changes()
    assert page.save() is True
    assert _stored(store, case_id) == [("我填写的情况", 2)]
    page.reason_text.setPlainText("再次修改")
    assert page.save() is True  # the editor now holds version 2: its own saves never conflict
    assert _stored(store, case_id) == [("再次修改", 3)]
