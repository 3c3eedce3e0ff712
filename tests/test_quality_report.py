"""Data-quality report of the 补录 (issue 15 §3; seed 一.1: no 帐外案 or 抽屉案; 补录 confirmed by the 中院院长).

The counts are checked against a database built for the test, case by case; the PDF is read back with poppler
(pdftotext, pdffonts); the Excel export is reopened with openpyxl; the CLI runs as a clerk runs it."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import openpyxl
import pytest
from conftest import TODAY, sample_case_input
from sqlalchemy import text

from execdesk.cli import main
from execdesk.services import cases, quality
from execdesk.services.inputs import NodeInput

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


@pytest.fixture
def court_db(store, actor):
    """Six cases, each with a known defect (or none):
    1 clean (signed, a 执行通知 node); 2 handler but no 分案/签收 date; 3 no handler at all;
    4 收案 after 立案 (legacy data, written past the validation); 5 filed 2025, overdue, no 书面说明;
    6 paid out more than received."""
    ids = {}
    filed, signed = date(2026, 10, 9), date(2026, 10, 10)  # within the 6-month limit on TODAY

    def case(n: int, **kw):
        return sample_case_input(f"（2026）鲁0102执{n}号", filed_on=filed, **kw)

    ids[1] = cases.register_case(store, actor, case(1, assigned_on=signed), today=TODAY)
    cases.record_node(store, actor, ids[1], NodeInput(code="N04", started_on=date(2026, 10, 11),
                                                      ended_on=date(2026, 10, 11)), today=TODAY)
    ids[2] = cases.register_case(store, actor, case(2), today=TODAY)
    ids[3] = cases.register_case(store, actor, case(3, handler_username=None), today=TODAY)
    ids[4] = cases.register_case(store, actor, case(4, assigned_on=signed), today=TODAY)
    with store.transaction() as s:  # a list typed in years ago: 收案 recorded after 立案
        s.execute(text("UPDATE cases SET received_on = '2026-10-15' WHERE id = :i"), {"i": ids[4]})
    ids[5] = cases.register_case(store, actor, sample_case_input("（2025）鲁0102执5号", filed_on=date(2025, 1, 6),
                                                                assigned_on=date(2025, 1, 7)), today=TODAY)
    ids[6] = cases.register_case(store, actor, case(6, assigned_on=signed), today=TODAY)
    cases.record_payment(store, actor, ids[6], kind="到账", amount="1000.00", paid_on=date(2026, 10, 20), today=TODAY)
    cases.record_payment(store, actor, ids[6], kind="发放", amount="1500.00", paid_on=date(2026, 10, 21), today=TODAY)
    return ids


def numbers(check: quality.Check) -> list[str]:
    return [f.case_number for f in check.findings]


def test_each_check_finds_exactly_the_cases_built_with_that_defect(store, court_db):
    r = quality.quality_report(store, today=TODAY)
    assert (r.total, r.open, r.court) == (6, 6, "济南市历下区人民法院")
    assert numbers(r.check("unsigned")) == ["（2026）鲁0102执2号", "（2026）鲁0102执3号"]
    assert [f.detail for f in r.check("unsigned").findings] == ["已确定承办人，但无分案（签收）日期", "未确定承办人"]
    # R35: only 立案/分案 recorded — every case but 1 (its 执行通知) and 6 (its payments are N15 nodes: one
    # fact, one record — issue 11)
    assert numbers(r.check("no_node")) == ["（2025）鲁0102执5号"] + [f"（2026）鲁0102执{n}号" for n in (2, 3, 4)]
    assert numbers(r.check("date_order")) == ["（2026）鲁0102执4号"]
    assert "收案日期2026年10月15日晚于立案日期2026年10月9日" in r.check("date_order").findings[0].detail
    # R36: overdue with no written explanation
    assert numbers(r.check("explanation")) == ["（2025）鲁0102执5号"]
    assert numbers(r.check("money")) == ["（2026）鲁0102执6号"]
    assert r.check("money").findings[0].detail == "发放1,500.00元多于到账1,000.00元"
    assert r.problem_cases == 5


def test_per_handler_counts(store, court_db):
    r = quality.quality_report(store, today=TODAY)
    rows = {h.handler: h for h in r.handlers}
    assert set(rows) == {"张伟", quality.NO_HANDLER}
    zw, none = rows["张伟"], rows[quality.NO_HANDLER]
    assert (zw.total, zw.open, zw.closed) == (5, 5, 0)
    assert zw.by_check == {"unsigned": 1, "no_node": 3, "date_order": 1, "explanation": 1, "money": 1}
    assert (none.total, none.by_check["unsigned"], none.by_check["no_node"]) == (1, 1, 1)
    assert [h.handler for h in r.handlers][-1] == quality.NO_HANDLER  # the unassigned last


def test_report_over_one_import_only(store, court_db):
    r = quality.quality_report(store, today=TODAY, case_ids=[court_db[1], court_db[2]])
    assert r.total == 2 and r.scope == "本次补录的2件案件"
    assert numbers(r.check("unsigned")) == ["（2026）鲁0102执2号"]
    assert numbers(r.check("explanation")) == []


def test_court_list_against_the_database_both_ways(store, court_db, tmp_path):
    """帐外案/抽屉案: on the court's list but never entered; and cases entered that the list does not know."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["历下区法院2026年执行案件收案登记"])
    ws.append(["序号", "案号", "申请执行人"])
    for i, n in enumerate(["(2026)鲁0102执1号", "（2026）鲁0102执2号", "（2026）鲁0102执77号", "（2026）鲁0102执78号",
                           "鲁0102执9号", None, "（2026）鲁0102执4号"], 1):
        ws.append([i, n, "某某"])
    wb.save(tmp_path / "收案登记.xlsx")
    r = quality.quality_report(store, today=TODAY, court_list=tmp_path / "收案登记.xlsx")
    cl = r.court_list
    assert cl.listed == 5 and cl.years == [2026]
    assert cl.not_in_db == ["（2026）鲁0102执77号", "（2026）鲁0102执78号"]
    # in ExecDesk, same court and year, not listed (the 2025 case is outside the list's years)
    assert [f.case_number for f in cl.not_on_list] == ["（2026）鲁0102执3号", "（2026）鲁0102执6号"]
    assert len(cl.unreadable) == 1 and cl.unreadable[0].startswith("第7行“鲁0102执9号”")


def test_court_list_as_plain_text_and_without_a_case_number_column(store, court_db, tmp_path):
    (tmp_path / "list.txt").write_text("（2026）鲁0102执1号\n\n（2026）鲁0102执5号\n", encoding="utf-8")
    r = quality.quality_report(store, today=TODAY, court_list=tmp_path / "list.txt")
    assert r.court_list.not_in_db == ["（2026）鲁0102执5号"]
    wb = openpyxl.Workbook()
    wb.active.append(["名称", "金额"])
    wb.save(tmp_path / "x.xlsx")
    with pytest.raises(quality.ValidationError, match="找不到“案号”列"):
        quality.quality_report(store, today=TODAY, court_list=tmp_path / "x.xlsx")


def test_excel_export_lists_every_case(store, court_db, tmp_path):
    r = quality.quality_report(store, today=TODAY)
    out = quality.export_xlsx(r, tmp_path / "质量报告.xlsx")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["汇总"] + [c.title for c in r.checks] + ["承办人"]
    summary = {row[0]: row[1] for row in wb["汇总"].iter_rows(min_row=5, max_row=9, values_only=True)}
    assert summary == {c.title: c.count for c in r.checks}
    rows = list(wb["立案后无执行节点"].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == numbers(r.check("no_node"))


@needs_poppler
def test_pdf_for_the_president_reads_back_with_counts_and_the_signature_block(store, court_db, tmp_path):
    from execdesk.documents.quality_report import render

    (tmp_path / "list.txt").write_text("（2026）鲁0102执1号\n（2026）鲁0102执99号\n", encoding="utf-8")
    r = quality.quality_report(store, today=TODAY, court_list=tmp_path / "list.txt")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render(r, actor="张伟"))
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(out.split())
    assert "执行案件排查补录数据质量报告" in flat
    assert "截至2026年11月25日，全部案件共6件（其中未结6件）" in flat
    assert "存在下列问题的案件共5件" in flat
    for c in r.checks:
        assert c.title in flat
    assert "（2026）鲁0102执99号" in flat  # the case on the list and not in ExecDesk, by number
    assert "中级人民法院院长（签字）" in flat and "（院印）" in flat and "审核意见" in flat
    assert "制表：张伟" in flat
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])  # every font embedded
    assert render(r, actor="张伟") == pdf.read_bytes()  # same report, same bytes


def test_cli_quality_writes_excel_and_pdf(store, court_db, db_path, tmp_path, capsys):
    store.close()
    rc = main(["--db", str(db_path), "quality", "--today", "2026-11-25", "--xlsx", str(tmp_path / "q.xlsx"),
               "--pdf", str(tmp_path / "q.pdf")])
    out = capsys.readouterr().out
    assert rc == 0
    assert "案件 6 件（未结 6 件），存在问题的案件 5 件" in out
    assert "超期未结且无书面说明：1件" in out
    assert (tmp_path / "q.xlsx").stat().st_size > 0 and (tmp_path / "q.pdf").read_bytes()[:5] == b"%PDF-"
