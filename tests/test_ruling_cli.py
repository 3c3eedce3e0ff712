"""The CLI end to end on a real database file: `execdesk ruling`, `execdesk approve`, `execdesk explain`."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from conftest import TODAY
from zb_fixtures import add_judge, make_ready_case, pdf_text, squeeze

from execdesk.cli import main
from execdesk.services import cases

NUMBER = "（2026）鲁0102执100号"


def run(db_path, *argv: str, stdin: str | None = None, monkeypatch=None) -> int:
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(["--db", str(db_path), *argv, "--today", TODAY.isoformat()])


@pytest.fixture
def ready(store, actor, db_path):
    add_judge(store, actor)
    make_ready_case(store, actor)
    store.close()  # the CLI opens the file itself
    return db_path


def test_not_ready_exits_2_listing_each_unmet_condition(store, actor, db_path, tmp_path, capsys):
    cid = make_ready_case(store, actor, interview=False)
    cases.record_lead(store, actor, cid, source="申请执行人", content="被执行人在外地有房产",
                      given_on=date(2026, 11, 20), today=TODAY)
    store.close()
    out = tmp_path / "r.pdf"
    assert run(db_path, "ruling", NUMBER, "--out", str(out)) == 2
    err = capsys.readouterr().err
    assert "尚不符合终结本次执行程序的条件" in err
    lines = [line for line in err.splitlines() if re.match(r"^\s+\d+\. ", line)]
    assert len(lines) == 2
    assert "已约谈申请执行人" in err and "全部财产线索均已核实" in err and "被执行人在外地有房产" in err
    assert not out.exists()
    assert run(db_path, "ruling", NUMBER, "--check") == 2


def test_draft_then_approve_then_issue_then_public(ready, tmp_path, capsys, monkeypatch):
    db = ready
    draft = tmp_path / "draft.pdf"
    assert run(db, "ruling", NUMBER, "--out", str(draft)) == 0
    out = capsys.readouterr().out
    assert "草稿" in out and "尚需审批：合议庭评议、执行局长审核、院长审签" in out
    assert "草稿（未经审批，不得送达、不得上网）" in pdf_text(draft.read_bytes())
    # Wrong password: refused, exit 2, nothing recorded.
    assert run(db, "approve", NUMBER, "--step", "合议庭", "--user", "zhaolei", "--panel", "zhangwei,zhoumin",
               "--password-stdin", stdin="not-the-password\n", monkeypatch=monkeypatch) == 2
    assert "用户名或密码不正确" in capsys.readouterr().err
    for step, user, extra in (("合议庭", "zhaolei", ["--panel", "zhangwei,zhoumin"]), ("执行局长", "zhaolei", []),
                              ("院长", "sunli", ["--opinion", "同意终本"])):
        assert run(db, "approve", NUMBER, "--step", step, "--user", user, *extra, "--password-stdin",
                   stdin="password123\n", monkeypatch=monkeypatch) == 0
    assert "院长审签（院长）：已完成，孙立" in capsys.readouterr().out
    final = tmp_path / "final.pdf"
    assert run(db, "ruling", NUMBER, "--out", str(final)) == 0
    assert "已出具裁定书第1版" in capsys.readouterr().out
    text = squeeze(pdf_text(final.read_bytes()))
    assert "草稿" not in text and "审判长赵磊审判员张伟审判员周敏" in text
    again = tmp_path / "again.pdf"
    assert run(db, "ruling", NUMBER, "--out", str(again)) == 0
    assert "沿用已出具的裁定书第1版" in capsys.readouterr().out
    assert again.read_bytes() == final.read_bytes()
    public = tmp_path / "public.pdf"
    assert run(db, "ruling", NUMBER, "--out", str(public), "--public") == 0
    assert not re.search(r"\d{17}[\dX]", squeeze(pdf_text(public.read_bytes())))
    assert run(db, "ruling", NUMBER, "--out", str(again), "--reissue") == 0
    assert "已出具裁定书第2版" in capsys.readouterr().out


def test_explain_single_and_overdue_batch(ready, tmp_path, capsys):
    db = ready
    assert run(db, "explain", "--reasons") == 0
    assert "awaiting_zhongben" in capsys.readouterr().out
    single = tmp_path / "e.pdf"
    assert run(db, "explain", NUMBER, "--out", str(single), "--reason", "awaiting_zhongben", "--next",
               "完成审批后送达裁定", "--plan-date", "2026-12-20", "--plan-method", "终结本次执行程序", "--issue") == 0
    assert "已出具书面说明第1版" in capsys.readouterr().out
    text = squeeze(pdf_text(single.read_bytes()))
    assert "已具备终本条件，正在履行约谈、审批程序。" in text and "计划于2026年12月20日前以终结本次执行程序方式结案。" in text
    batch = tmp_path / "batch.pdf"
    assert run(db, "explain", "--overdue", "--out", str(batch)) == 0
    assert "（1件）" in capsys.readouterr().out
    assert run(db, "explain", "--overdue", "--handler", "liuyang", "--out", str(batch)) == 2
    assert "没有超过执行期限的未结案件" in capsys.readouterr().err
    assert run(db, "explain", "--out", str(batch)) == 2


def test_ruling_date_help_says_what_the_default_is(capsys):
    """The --date default the help promises is the one used (the approved date; see test_documents)."""
    with pytest.raises(SystemExit):
        main(["ruling", "--help"])
    assert "默认：审批时确定的裁定日期" in capsys.readouterr().out


def test_closed_case_check_and_ruling_use_the_ruling_node_date(store, actor, db_path, tmp_path, capsys):
    """A closed 终本 case without a stored ruling: `--check` and the ruling both use its N24 day (DOMAIN §1.6)."""
    from execdesk.models import Case
    from execdesk.services.inputs import NodeInput

    cid = make_ready_case(store, actor)
    cases.record_node(store, actor, cid, NodeInput(code="N24", started_on=date(2026, 11, 16), ended_on=date(2026, 11, 18)),
                      today=TODAY)
    with store.transaction() as s:
        case = s.get(Case, cid)
        case.status, case.closure_method, case.closed_on = "已结", "终结本次执行程序", date(2026, 11, 18)
    store.close()
    assert run(db_path, "ruling", NUMBER, "--check") == 0
    assert capsys.readouterr().out.startswith("裁定日期 2026-11-16")
    out = tmp_path / "closed.pdf"
    assert run(db_path, "ruling", NUMBER, "--out", str(out)) == 0
    assert "二〇二六年十一月十六日" in squeeze(pdf_text(out.read_bytes()))
