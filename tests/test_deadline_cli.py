"""`execdesk deadlines` through the real CLI entry point on a real database file."""

from __future__ import annotations

import json
from datetime import date

import pytest
from conftest import TODAY, sample_case_input

from execdesk.cli import main
from execdesk.services import cases as svc
from execdesk.services.inputs import NodeInput


@pytest.fixture
def filled(store, actor, db_path):
    """Three cases: one overdue (filed 2026-03-02), one fresh with 2027 due dates, one closed by 终本."""
    overdue = svc.register_case(store, actor, sample_case_input(number="（2026）鲁0102执100号", filed_on=date(2026, 3, 2),
                                                                 assigned_on=date(2026, 3, 2)), today=TODAY)
    svc.record_deduction(store, actor, overdue, kind="评估", started_on=date(2026, 4, 1), ended_on=date(2026, 4, 30),
                         today=TODAY)
    fresh = svc.register_case(store, actor, sample_case_input(number="（2026）鲁0102执101号", filed_on=date(2026, 11, 2),
                                                               assigned_on=date(2026, 11, 3), amount="150000"),
                              today=TODAY)
    for code in ("N04", "N05", "N06", "N07"):
        svc.record_node(store, actor, fresh, NodeInput(code=code, started_on=date(2026, 11, 4), ended_on=date(2026, 11, 4)),
                        today=TODAY)
    closed = svc.register_case(store, actor, sample_case_input(number="（2026）鲁0102执102号", filed_on=date(2026, 1, 5),
                                                                assigned_on=date(2026, 1, 5)), today=TODAY)
    svc.record_node(store, actor, closed, NodeInput(code="N24", started_on=date(2026, 4, 20), ended_on=date(2026, 4, 20),
                                                    data={"served_on": "2026-04-22"}), today=TODAY)
    return db_path


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(["--db", str(argv[0]), *argv[1:]])
    out, err = capsys.readouterr()
    return code, out, err


def test_list_shows_warning_and_overdue_cases_most_urgent_first(filled, capsys):
    code, out, err = run(capsys, filled, "deadlines", "--today", "2026-11-25")
    assert code == 0, err
    assert "（2026）鲁0102执100号" in out and "已超期" in out and "须出具" in out
    assert "（2026）鲁0102执101号" not in out  # nothing due soon
    code, out, _ = run(capsys, filled, "deadlines", "--today", "2026-11-25", "--all")
    assert "（2026）鲁0102执101号" in out and "暂定" in out
    assert out.index("执100号") < out.index("执101号")


def test_list_json_and_priority_filter(filled, capsys):
    code, out, _ = run(capsys, filled, "deadlines", "--today", "2026-11-25", "--all", "--json")
    data = json.loads(out)
    by_number = {c["case_number"]: c for c in data["cases"]}
    # 执102号's ruling was served but its status is still 未结: listed, with its 终本库 entry overdue.
    assert set(by_number) == {"（2026）鲁0102执100号", "（2026）鲁0102执101号", "（2026）鲁0102执102号"}
    assert by_number["（2026）鲁0102执102号"]["next_label"] == "终本裁定送达后录入终本案件信息库"
    assert by_number["（2026）鲁0102执100号"]["overdue_days"] == 48
    assert by_number["（2026）鲁0102执100号"]["priority"] == ["标的10万元以下"]
    assert by_number["（2026）鲁0102执101号"]["provisional"] is True
    code, out, _ = run(capsys, filled, "deadlines", "--today", "2026-11-25", "--all", "--priority", "--json")
    # 执101号's 标的 is 150,000 yuan and it is not 涉民生: not a priority case.
    assert [c["case_number"] for c in json.loads(out)["cases"]] == ["（2026）鲁0102执100号", "（2026）鲁0102执102号"]


def test_detail_explains_the_limit_with_bases(filled, capsys):
    code, out, err = run(capsys, filled, "deadlines", "（2026）鲁0102执100号", "--today", "2026-11-25")
    assert code == 0, err
    assert "执行期限：6个月" in out and "第五条" in out
    assert "起算日 2026-03-03" in out and "名义届满日 2026-09-02" in out
    assert "扣除 评估 2026-04-01至2026-04-30，计30日" in out
    # 2026-09-02 + 30 days = 10-02, inside the National Day break (10-01..10-07): rolls to Thursday 10-08.
    assert "届满日 2026-10-08（周四），由2026-10-02（周五）顺延" in out
    assert "已超期 48日，须逐案书面说明原因" in out
    assert "依据：" in out and "鲁高法〔2018〕17号" in out


def test_detail_json_has_every_deadline_and_the_provisional_flag(filled, capsys):
    code, out, _ = run(capsys, filled, "deadlines", "(2026)鲁0102执101号", "--json", "--today", "2026-11-25")
    data = json.loads(out)
    assert data["case_number"] == "（2026）鲁0102执101号"
    lim = data["execution_limit"]
    assert lim["nominal_end"] == "2027-05-02" and lim["due_on"] == "2027-05-03" and lim["provisional"] is True
    kinds = {d["kind"]: d for d in data["deadlines"]}
    assert kinds["财产调查"]["status"] == "已完成"
    assert kinds["终本最早日"]["due_on"] == "2027-02-03"
    assert all(d["basis"] for d in data["deadlines"])


def test_detail_of_a_zhongben_case_lists_the_requeries(filled, capsys):
    code, out, _ = run(capsys, filled, "deadlines", "（2026）鲁0102执102号", "--today", "2026-11-25")
    assert code == 0
    assert "终本后第1次定期查询" in out and "终本后第10次定期查询" in out
    assert "[已超期] 2026-04-29　终本裁定送达后录入终本案件信息库" in out


def test_errors_are_one_chinese_line(filled, capsys):
    code, out, err = run(capsys, filled, "deadlines", "（2026）鲁0102执999号")
    assert code == 2 and err.startswith("错误：") and "999" in err and "Traceback" not in err
    code, out, err = run(capsys, filled, "deadlines", "--today", "2026-02-30")
    assert code == 2 and "不是存在的日期" in err


# Test data only, NOT the official 2027 schedule: fictional, but complete in the sense of 放假办法 arts 2 and 6 —
# every statutory day (元旦 01-01; 春节 除夕 02-05 + 02-06..02-08; 清明 04-05; 劳动节 05-01/02; 端午 06-09;
# 中秋 09-15; 国庆 10-01..03) is a rest day, and the 10 other weekday rest days (02-09..11, 05-03..05, 10-04..07)
# = 6 补假 for statutory days on weekends (02-06, 02-07, 05-01, 05-02, 10-02, 10-03) + 4 调休 working weekends.
FICTIONAL_COMPLETE_2027 = (
    'year = 2027\nstatus = "official"\nsource = "测试数据（虚构）"\n'
    'holidays = ["2027-01-01", ["2027-02-05", "2027-02-11"], ["2027-04-03", "2027-04-05"], ["2027-05-01", "2027-05-05"], '
    '"2027-06-09", "2027-09-15", ["2027-10-01", "2027-10-07"]]\n'
    'workdays = ["2027-02-20", "2027-05-08", "2027-09-26", "2027-10-09"]\n')


def test_holidays_import_help_names_no_source_path(capsys):
    for argv in (["holidays", "--help"], ["holidays", "import", "--help"]):
        with pytest.raises(SystemExit):
            main(argv)
        out = capsys.readouterr().out
        assert "法定节假日" in out and "resources/" not in out and ".md" not in out, argv


def test_holidays_show_and_import_recomputes(filled, capsys, tmp_path, monkeypatch):
    from execdesk.services import deadlines

    monkeypatch.setenv("EXECDESK_DATA_DIR", str(tmp_path / "data"))
    deadlines._calendar_for.cache_clear()
    try:
        code, out, _ = run(capsys, filled, "holidays")
        assert code == 0 and "2026年：正式" in out and "2027年：暂定" in out
        bad = tmp_path / "bad.toml"
        bad.write_text('year = 2027\nstatus = "official"\nsource = "x"\nholidays = ["2027-13-01"]\n', encoding="utf-8")
        code, _, err = run(capsys, filled, "holidays", "import", str(bad))
        assert code == 2 and "不是有效日期" in err
        # A year with only 元旦 and 劳动节 is not a whole official schedule: refused, naming what is missing.
        partial = tmp_path / "partial.toml"
        partial.write_text('year = 2027\nstatus = "official"\nsource = "测试数据（虚构）"\n'
                           'holidays = ["2027-01-01", ["2027-05-01", "2027-05-05"]]\nworkdays = []\n', encoding="utf-8")
        code, _, err = run(capsys, filled, "holidays", "import", str(partial))
        assert code == 2 and "缺少法定节假日：春节" in err and "中秋节（2027-09-15）" in err
        code, out, _ = run(capsys, filled, "holidays")
        assert "2027年：暂定" in out  # nothing was stored
        good = tmp_path / "2027.toml"
        good.write_text(FICTIONAL_COMPLETE_2027, encoding="utf-8")
        code, out, err = run(capsys, filled, "holidays", "import", str(good), "--today", "2026-11-25")
        assert code == 0, err
        assert "已导入2027年放假安排" in out
        code, out, _ = run(capsys, filled, "deadlines", "（2026）鲁0102执101号", "--json", "--today", "2026-11-25")
        lim = json.loads(out)["execution_limit"]
        assert (lim["due_on"], lim["provisional"]) == ("2027-05-06", False)  # 05-02 → past the 05-01..05 break
    finally:
        deadlines._calendar_for.cache_clear()


def test_deduction_recorded_after_expiry_stays_in_the_json_and_the_view_with_its_reason(filled, capsys, store, actor):
    # Issue 12 item 8 (审限规定 art 9; §3.3): 执100号 expired on 2026-10-08 (see above); a 中止 recorded from
    # 2026-11-02 cannot revive it, so it is not counted — but it is shown, with the reason, not dropped.
    from execdesk.services.cases import find_case_id

    with store.read() as s:
        cid = find_case_id(s, "（2026）鲁0102执100号")
    svc.record_deduction(store, actor, cid, kind="中止", started_on=date(2026, 11, 2), ended_on=date(2026, 11, 20),
                         today=TODAY)
    code, out, _ = run(capsys, filled, "deadlines", "（2026）鲁0102执100号", "--json", "--today", "2026-11-25")
    lim = json.loads(out)["execution_limit"]
    assert lim["deducted_days"] == 30 and lim["overdue_days"] == 48  # only the 评估 counts
    assert [(u["kinds"], u["start"], u["end"]) for u in lim["uncounted"]] == [(["中止"], "2026-11-02", "2026-11-20")]
    assert "2026-10-08届满" in lim["uncounted"][0]["reason"]
    code, out, _ = run(capsys, filled, "deadlines", "（2026）鲁0102执100号", "--today", "2026-11-25")
    assert "未计入 中止 2026-11-02至2026-11-20：" in out


def _doc(*cases, courts=({"code": "鲁0102", "name": "济南市历下区人民法院", "province": "鲁"},)):
    return {"format": "execdesk-cases", "schema": 1, "courts": list(courts), "users": [], "cases": list(cases)}


def test_import_of_a_minimal_case_fills_the_case_number_parts_and_owes_no_filing(tmp_path, capsys):
    # docs/data-format.md: a minimal case without year / serial / court code imports (they are parts of the 案号,
    # 案号规定 arts 2–3); it has no N01 node, and its 7-day filing limit (R21, 审限规定 art 6) is met by its own
    # 立案日期 (received = filed = 2026-11-02): nothing about 立案 is overdue on 2026-11-25.
    path = tmp_path / "minimal.json"
    path.write_text(json.dumps(_doc({"court_code": "鲁0102", "case": {
        "case_number": "(2026)鲁0102执500号", "filed_on": "2026-11-02", "received_on": "2026-11-02",
        "cause": "民间借贷纠纷"}}), ensure_ascii=False), encoding="utf-8")
    db = tmp_path / "m.sqlite3"
    code, out, err = run(capsys, db, "import", str(path))
    assert code == 0, err
    code, out, _ = run(capsys, db, "deadlines", "（2026）鲁0102执500号", "--json", "--today", "2026-11-25")
    data = json.loads(out)
    assert "立案" not in {d["kind"] for d in data["deadlines"] if d["status"] != "已完成"}
    assert data["execution_limit"]["nominal_end"] == "2027-05-02"


def test_import_with_missing_or_contradicting_fields_is_one_chinese_message_per_record(tmp_path, capsys):
    # Issue 12 item 10: an IntegrityError (exit 1) before; now exit 2 with a message naming each field.
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(_doc(
        {"court_code": "鲁0102", "case": {"case_number": "（2026）鲁0102执501号"}},
        {"court_code": "鲁0102", "case": {"case_number": "（2026）鲁0102执502号", "year": 2025, "filed_on": "2026-11-02",
                                          "cause": "买卖合同纠纷"}},
        {"court_code": "鲁0102", "case": {"case_number": "（2026）鲁0102执503号", "filed_on": "2026-11-02",
                                          "cause": "买卖合同纠纷"}, "parties": [{"name": "王芳"}]}),
        ensure_ascii=False), encoding="utf-8")
    db = tmp_path / "b.sqlite3"
    code, out, err = run(capsys, db, "import", str(path))
    assert code == 2 and "Traceback" not in err and "IntegrityError" not in err
    assert "第1件案件 （2026）鲁0102执501号：缺少必填字段：立案日期（filed_on）、案由（cause）" in err
    assert "第2件案件 （2026）鲁0102执502号：收案年度（year）“2025”与案号不符（应为“2026”）" in err
    assert "第3件案件 （2026）鲁0102执503号 parties第1条：缺少必填字段：诉讼地位（role）、类型（kind）" in err
    code, out, _ = run(capsys, db, "deadlines", "--all", "--json", "--today", "2026-11-25")
    assert json.loads(out)["count"] == 0  # all or nothing
