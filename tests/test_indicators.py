"""执行质效指标 (DOMAIN.md §5.2, R38): formulas from data, per court / handler / month; `execdesk report`."""

from __future__ import annotations

import json
from datetime import date

import pytest
from conftest import TODAY, sample_case_input

from execdesk.cli import main
from execdesk.resources import load_toml
from execdesk.rules.indicators import CaseStat, build_config, compute, load_config
from execdesk.services import cases as svc
from execdesk.services.indicators import indicator_report
from execdesk.services.inputs import NodeInput

START, END = date(2026, 1, 1), date(2026, 6, 30)


def stat(handler="张伟", filed=date(2026, 1, 5), closed=None, method=None, due=date(2026, 7, 5), amount=100_000):
    return CaseStat(court="本院", handler=handler, filed_on=filed, closed_on=closed, closure_method=method,
                    limit_due_on=due, amount_claimed_fen=amount)


SAMPLE = [
    stat(closed=date(2026, 3, 1), method="执行完毕", amount=200_000),  # actual, in time
    stat(closed=date(2026, 3, 9), method="执行完毕", due=date(2026, 3, 8), amount=100_000),  # actual, late
    stat(closed=date(2026, 4, 20), method="终结本次执行程序", amount=700_000),
    stat(handler="李娜", closed=date(2026, 5, 10), method="终结执行", amount=0),
    stat(handler="李娜", filed=date(2025, 11, 1), due=date(2026, 5, 1)),  # open and overdue at the period end
    stat(handler="李娜", filed=date(2026, 6, 1), due=date(2026, 12, 1)),  # open, not due
    stat(closed=date(2026, 8, 1), method="执行完毕"),  # closed after the period: open at its end, not overdue
]


def rows_of(rows, kind, group):
    return {r.indicator_id: r for r in rows if r.group_kind == kind and r.group == group}


def test_r38_indicators_per_court_follow_the_configured_formulas():
    rows = rows_of(compute(SAMPLE, START, END), "法院", "本院")
    assert (rows["in_time_actual_rate"].numerator, rows["in_time_actual_rate"].denominator) == (1, 4)  # 4 - 1 + 1
    assert rows["in_time_actual_rate"].value == 0.25 and rows["in_time_actual_rate"].meets_target is False
    assert (rows["zhongben_rate"].numerator, rows["zhongben_rate"].denominator) == (1, 4)
    assert rows["zhongben_rate"].target is None and rows["zhongben_rate"].meets_target is None  # not configured
    assert rows["actual_rate"].value == 0.5
    assert (rows["amount_rate"].numerator, rows["amount_rate"].denominator) == (300_000, 1_000_000)
    assert rows["avg_days"].value == pytest.approx((55 + 63 + 105 + 125) / 4)
    assert rows["overdue_count"].value == 2  # one closed late + one open overdue
    assert rows["in_time_actual_rate"].display() == "25.0%"


def test_r38_per_handler_and_per_month():
    rows = compute(SAMPLE, START, END)
    li = rows_of(rows, "承办人", "李娜")
    assert li["overdue_count"].value == 1 and li["zhongben_rate"].value == 0.0
    march = rows_of(rows, "月份", "2026-03")
    assert march["actual_rate"].value == 1.0 and march["avg_days"].value == pytest.approx(59)
    assert not rows_of(rows, "月份", "2026-08")  # outside the period


def test_r38_no_closures_gives_no_value_not_a_crash():
    rows = rows_of(compute([stat(filed=date(2026, 6, 1), due=date(2026, 12, 1))], START, END), "法院", "本院")
    assert rows["zhongben_rate"].value is None and rows["zhongben_rate"].display() == "—"
    assert rows["overdue_count"].value == 0


def test_seed_zhongben_rate_compared_with_a_configured_national_average():
    raw = dict(load_toml("rules", "indicators.toml"))
    raw["national_average"] = {"zhongben_rate": 0.30}
    rows = rows_of(compute(SAMPLE, START, END, build_config(raw)), "法院", "本院")
    assert rows["zhongben_rate"].target == 0.30 and rows["zhongben_rate"].meets_target is True  # 25% < 30%


def test_formulas_are_data_and_unknown_measures_are_refused():
    raw = dict(load_toml("rules", "indicators.toml"))
    raw["indicators"] = [{"id": "x", "name": "自定义", "numerator": ["closed_zhongben", "closed_actual"],
                          "denominator": ["closed"], "kind": "rate"}]
    rows = rows_of(compute(SAMPLE, START, END, build_config(raw)), "法院", "本院")
    assert rows["x"].value == 0.75
    raw["indicators"] = [{"id": "y", "name": "错", "numerator": ["no_such_measure"]}]
    with pytest.raises(ValueError):
        build_config(raw)
    assert load_config().indicators[0].name == "有财产可供执行案件法定期限内实际执结率"


def _close(store, actor, case_id, day, method):
    with store.transaction() as s:
        c = svc.get_case(s, case_id)
        c.status, c.closed_on, c.closure_method = "已结", day, method
    with store.transaction() as s:
        from execdesk.services.derived import refresh_case as recompute_case

        recompute_case(s, svc.get_case(s, case_id), today=TODAY)


@pytest.fixture
def report_db(store, actor, db_path):
    a = svc.register_case(store, actor, sample_case_input(number="（2026）鲁0102执1号", filed_on=date(2026, 1, 5),
                                                           assigned_on=date(2026, 1, 5)), today=TODAY)
    b = svc.register_case(store, actor, sample_case_input(number="（2026）鲁0102执2号", filed_on=date(2026, 2, 2),
                                                           assigned_on=date(2026, 2, 2)), today=TODAY)
    svc.register_case(store, actor, sample_case_input(number="（2026）鲁0102执3号", filed_on=date(2026, 3, 2),
                                                       assigned_on=date(2026, 3, 2)), today=TODAY)  # open, overdue
    svc.record_node(store, actor, b, NodeInput(code="N24", started_on=date(2026, 6, 1), ended_on=date(2026, 6, 1)),
                    today=TODAY)
    _close(store, actor, a, date(2026, 4, 1), "执行完毕")
    _close(store, actor, b, date(2026, 6, 1), "终结本次执行程序")
    return db_path


def test_service_report_reads_the_real_database(store, report_db):
    report = indicator_report(store, start=date(2026, 1, 1), end=TODAY, today=TODAY)
    court = rows_of(report.rows, "法院", "济南市历下区人民法院")
    assert report.cases == 3
    assert court["actual_rate"].value == 0.5 and court["zhongben_rate"].value == 0.5
    assert court["overdue_count"].value == 1  # 执3号: due 2026-09-02, still open
    assert court["in_time_actual_rate"].value == 0.5  # 1 / (2 - 1 + 1)
    assert rows_of(report.rows, "承办人", "张伟")["avg_days"].value == pytest.approx((86 + 119) / 2)


def test_report_cli_text_and_json(report_db, capsys):
    assert main(["--db", str(report_db), "report", "--from", "2026-01-01", "--to", "2026-11-25",
                 "--today", "2026-11-25"]) == 0
    out = capsys.readouterr().out
    assert "【法院】济南市历下区人民法院" in out and "实际执行率：50.0%（1/2）" in out
    assert "终本率：50.0%（1/2）　对比值未配置" in out and "口径：" in out
    assert main(["--db", str(report_db), "report", "--from", "2026-01-01", "--to", "2026-11-25", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {r["group_kind"] for r in data["rows"]} == {"法院", "承办人", "月份"}
    assert main(["--db", str(report_db), "report", "--from", "2026-12-01", "--to", "2026-11-25"]) == 2
    assert "晚于" in capsys.readouterr().err
