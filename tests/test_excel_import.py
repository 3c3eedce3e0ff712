"""补录 from Excel (issue 15; seed 一.1: every unrecorded case found and entered, no 帐外案 or 抽屉案).

Real .xlsx/.csv/.xls files written in the test, a real SQLite database, the real services. Each test names the
rule it checks: 案号 format and uniqueness (R31, 案号规定), ID/credit-code check digits (GB 11643 / GB 32100),
filing after receipt (R21), node records (R35), audit + outbox for every change (DESIGN §5)."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
from conftest import TODAY, sample_case_input
from excel_fixtures import (
    HEADER,
    good_row,
    write_merged_header_sheet,
    write_party_rows_sheet,
    write_sheet,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from execdesk.models import AuditEntry, Case, Deadline, ExecutionBasis, Node, OutboxEntry, Party
from execdesk.rules.errors import ValidationError
from execdesk.services import cases
from execdesk.services import excel_import as xi

TABLES = (Case, Party, ExecutionBasis, Node, AuditEntry, OutboxEntry)


@pytest.fixture(autouse=True)
def own_data_folder(tmp_path_factory, monkeypatch):
    """Saved mappings live in the data folder: each test has its own, so no test sees another's choices."""
    monkeypatch.setenv("EXECDESK_DATA_DIR", str(tmp_path_factory.mktemp("data")))


def counts(store) -> dict[str, int]:
    with store.read() as s:
        return {m.__tablename__: s.scalar(select(func.count()).select_from(m)) for m in TABLES}


def preview(store, path, **kw):
    return xi.build_preview(store, xi.read_layout(path, court_code="鲁0102"), today=TODAY, **kw)


def messages(pv) -> list[str]:
    return [str(p) for p in pv.problems() if p.level == xi.ERROR]


# ---------------------------------------------------------------- cell values


@pytest.mark.parametrize("value, expected", [
    ("2026/3/5", date(2026, 3, 5)), ("2026-03-05", date(2026, 3, 5)), ("2026.3.5", date(2026, 3, 5)),
    ("2026年3月5日", date(2026, 3, 5)), ("２０２６年３月５日", date(2026, 3, 5)), ("20260305", date(2026, 3, 5)),
    (46086, date(2026, 3, 5)), ("46086", date(2026, 3, 5)), (46086.0, date(2026, 3, 5)),
    (datetime(2026, 3, 5, 0, 0), date(2026, 3, 5)), ("2026-03-05 00:00:00", date(2026, 3, 5)), (None, None),
    ("  ", None),
])
def test_dates_in_the_forms_courts_write_them(value, expected):
    assert xi.parse_sheet_date(value) == expected


@pytest.mark.parametrize("value, message", [
    ("2026/2/30", "不是存在的日期"), ("三月五日", "不是有效日期"), (5, "不是日期"), ("2026/13/1", "不是存在的日期"),
])
def test_impossible_dates_are_named(value, message):
    with pytest.raises(xi.CellError, match=message):
        xi.parse_sheet_date(value)


@pytest.mark.parametrize("value, fen", [
    ("1.5万", 1_500_000), ("1.5万元", 1_500_000), ("15,000.00", 1_500_000), ("¥15,000", 1_500_000),
    ("￥15000元", 1_500_000), ("１５０００", 1_500_000), ("人民币15000元", 1_500_000), (15000, 1_500_000),
    (1234.56, 123_456), (0.1 + 0.2, 30), ("0", 0), ("12.3456万", 12_345_600),
])
def test_amounts_become_exact_integer_fen(value, fen):
    """Money is integer fen, never float (brief); 万 is 10,000 yuan."""
    assert xi.parse_sheet_amount(value) == fen


@pytest.mark.parametrize("value, message", [
    ("一万五", "不是数字金额"), ("12.345", "超过两位小数"), ("-5", "不能为负数"), ("", "不能为空"), ("abc", "不是数字金额"),
])
def test_bad_amounts_say_why(value, message):
    with pytest.raises(xi.CellError, match=message):
        xi.parse_sheet_amount(value)


def test_an_id_number_stored_as_a_number_has_lost_digits_and_the_message_says_so():
    with pytest.raises(xi.CellError, match="存成了数字"):
        xi.parse_id_cell(3.70102199001011e17)


def test_the_basis_text_is_split_into_body_type_and_number():
    b, notes = xi.split_basis("济南仲裁委员会（2025）济仲字第12号裁决书", "鲁0102")
    assert (b.issuing_body, b.document_type, b.document_number) == ("济南仲裁委员会", "裁决书", "（2025）济仲字第12号")
    b, notes = xi.split_basis("（2025）鲁0102民初1234号民事判决书", "鲁0102")
    assert (b.issuing_body, b.document_type, b.document_number) == ("本院", "民事判决书", "（2025）鲁0102民初1234号")
    b, notes = xi.split_basis("（2025）鲁0102民初1234号", "鲁0102")
    assert b.document_type == "生效法律文书" and notes


# ---------------------------------------------------------------- layout


def test_headers_are_recognised_with_a_title_row_above(tmp_path):
    path = write_sheet(tmp_path / "list.xlsx", [good_row(1)], title_row="历下区法院未结执行案件清单")
    layout = xi.read_layout(path)
    assert layout.header_rows == (2, 2)
    assert [c.field for c in layout.columns] == ["case_number", "received_on", "filed_on", "cause", "amount",
                                                 "applicant", "applicant_id", "debtor", "debtor_id", "handler",
                                                 "basis", "node:N04"]
    assert layout.missing_required() == []


def test_two_level_headers_from_merged_cells(tmp_path):
    path = write_merged_header_sheet(tmp_path / "merged.xlsx", [good_row(1), good_row(2)])
    layout = xi.read_layout(path)
    assert layout.header_rows == (1, 2)
    by = {c.header: c.field for c in layout.columns}
    assert by["申请执行人名称"] == "applicant" and by["申请执行人证件号码"] == "applicant_id"
    assert by["被执行人名称"] == "debtor" and by["被执行人证件号码"] == "debtor_id"
    assert by["案号"] == "case_number" and by["承办人"] == "handler"


def test_a_corrected_mapping_is_saved_per_court_and_used_next_time(tmp_path):
    header = HEADER[:]
    header[3] = "纠纷"  # not a known header
    path = write_sheet(tmp_path / "a.xlsx", [good_row(1)], header=header)
    layout = xi.read_layout(path, court_code="鲁0102")
    col = next(c for c in layout.columns if c.header == "纠纷")
    assert col.field is None and col.source == "未识别"
    assert "案由" in layout.missing_required()
    xi.apply_mapping(layout, {"纠纷": "cause", "执行通知书日期": None})
    xi.save_mapping("鲁0102", layout.mapping())
    again = xi.read_layout(path, court_code="鲁0102")
    col = next(c for c in again.columns if c.header == "纠纷")
    assert (col.field, col.source) == ("cause", "本院保存")
    assert next(c for c in again.columns if c.header == "执行通知书日期").field is None
    other = xi.read_layout(path, court_code="鲁0103")  # another court's desk keeps its own mapping
    assert next(c for c in other.columns if c.header == "纠纷").field is None


def test_a_mapping_to_an_unknown_field_is_refused(tmp_path):
    layout = xi.read_layout(write_sheet(tmp_path / "a.xlsx", [good_row(1)]))
    with pytest.raises(ValidationError, match="不是可导入的字段"):
        xi.apply_mapping(layout, {"案由": "nonsense"})


def test_a_sheet_without_recognisable_headers_says_so(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["甲", "乙", "丙"])
    wb.active.append([1, 2, 3])
    wb.save(tmp_path / "x.xlsx")
    with pytest.raises(ValidationError, match="找不到表头"):
        xi.read_layout(tmp_path / "x.xlsx")


def test_a_file_that_is_not_excel_is_refused_in_chinese(tmp_path):
    (tmp_path / "x.xlsx").write_text("not a zip", encoding="utf-8")
    with pytest.raises(ValidationError, match="不是有效的 Excel 文件"):
        xi.read_layout(tmp_path / "x.xlsx")
    (tmp_path / "x.ods").write_text("", encoding="utf-8")
    with pytest.raises(ValidationError, match="不支持的文件类型"):
        xi.read_layout(tmp_path / "x.ods")


# ---------------------------------------------------------------- preview: every problem, nothing written


def test_preview_parses_every_form_and_writes_nothing(store, tmp_path):
    rows = [good_row(1), None, good_row(2), None, None, good_row(3)]
    rows[0]["案号"] = "(2026)鲁0102执1号"  # half-width brackets
    rows[2]["案号"] = "（２０２６）鲁０１０２执２号"  # full-width digits
    rows[2]["执行标的（元）"] = "1.5万"
    path = write_sheet(tmp_path / "list.xlsx", rows, serial_dates=True)
    before = counts(store)
    pv = preview(store, path)
    assert counts(store) == before
    assert messages(pv) == []
    assert (pv.rows_read, pv.blank_rows, len(pv.valid)) == (6, 3, 3)
    assert [c.case_number for c in pv.valid] == ["（2026）鲁0102执1号", "（2026）鲁0102执2号", "（2026）鲁0102执3号"]
    assert pv.valid[1].validated["amount"] == 1_500_000
    assert pv.valid[0].validated["filed"] == good_row(1)["立案日期"]
    assert [n.code for _r, n in pv.valid[0].nodes] == ["N04"]


def test_every_bad_cell_gets_a_chinese_message_with_row_and_column(store, tmp_path):
    bad = [good_row(n) for n in range(1, 8)]
    bad[0]["案号"] = "鲁0102执1号"  # R31: no year
    bad[1]["申请执行人身份证号"] = bad[1]["申请执行人身份证号"][:-1] + ("1" if bad[1]["申请执行人身份证号"][-1] != "1" else "2")
    bad[2]["立案日期"] = "2026/2/30"
    bad[3]["收案日期"] = date(2026, 9, 1)  # R21: 收案 after 立案
    bad[3]["立案日期"] = date(2026, 8, 1)
    bad[4]["执行标的（元）"] = "约五万"
    bad[5]["承办人"] = "李白"
    bad[6]["被执行人证件号码"] = bad[6]["被执行人证件号码"][:-1] + ("0" if bad[6]["被执行人证件号码"][-1] != "0" else "1")
    pv = preview(store, write_sheet(tmp_path / "bad.xlsx", bad))
    got = messages(pv)
    assert len(pv.rejected) == 7 and not pv.valid
    expect = [
        ("第2行 A列 案号", "应以括号中的收案年度开头"),
        ("第3行 G列 申请执行人“", "身份证号码：校验位不正确"),
        ("第4行 C列 立案日期", "不是存在的日期"),
        ("第5行 B列 收案日期", "不能晚于立案日期"),
        ("第6行 E列 申请执行标的", "不是数字金额"),
        ("第7行 J列 承办人", "本地没有名为“李白”的承办人账号"),
        ("第8行 I列 被执行人“", "统一社会信用代码：校验位不正确"),
    ]
    for where, what in expect:
        assert any(m.startswith(where) and what in m for m in got), (where, what, got)
    assert len(got) == len(expect)  # one message per bad cell, not a cascade


def test_duplicates_within_the_file_and_against_the_database(store, actor, tmp_path):
    """R31: a 案号 is unique; a second number for the same parties and 执行依据 is a duplicate registration."""
    cases.register_case(store, actor, sample_case_input("（2026）鲁0102执7号"), today=TODAY)
    typed = sample_case_input()
    rows = [good_row(1), good_row(2), good_row(1), good_row(7), good_row(9)]
    rows[2]["案号"] = "（2026）鲁0102执1号"
    twin = dict(good_row(3))  # same parties + basis as row of case 2, another number
    for k in ("申请执行人", "申请执行人身份证号", "被执行人", "被执行人证件号码", "执行依据"):
        twin[k] = rows[1][k]
    rows.append(twin)
    # the same parties and basis as the typed case already in the database, under another number
    db_twin = good_row(9)
    db_twin.update({"申请执行人": typed.parties[0].name, "申请执行人身份证号": typed.parties[0].id_number,
                    "被执行人": typed.parties[1].name, "被执行人证件号码": typed.parties[1].id_number,
                    "执行依据": typed.basis.document_number + "民事判决书"})
    rows[4] = db_twin
    pv = preview(store, write_sheet(tmp_path / "dup.xlsx", rows))
    got = messages(pv)
    assert any(m.startswith("第4行 A列 案号") and "与第2行案号重复" in m for m in got), got
    assert any(m.startswith("第5行") and "本地已有" in m for m in got), got
    assert any(m.startswith("第7行") and "与第3行（（2026）鲁0102执2号）当事人和执行依据相同" in m for m in got), got
    assert any(m.startswith("第6行") and "与本地已有的（2026）鲁0102执7号当事人和执行依据相同" in m for m in got), got
    assert [c.case_number for c in pv.valid] == ["（2026）鲁0102执1号", "（2026）鲁0102执2号"]


def test_one_row_per_party_under_merged_case_cells(store, actor, tmp_path):
    path = write_party_rows_sheet(tmp_path / "parties.xlsx", [good_row(1), good_row(2)], extra_debtors=2)
    layout = xi.read_layout(path)
    assert {"party_name", "party_role", "party_id"} <= set(layout.by_field())
    pv = xi.build_preview(store, layout, today=TODAY)
    assert messages(pv) == []
    assert [c.party_count for c in pv.valid] == [4, 4]
    assert pv.valid[0].rows == [2, 3, 4, 5]
    ids = xi.write_import(store, actor, pv, today=TODAY)
    with store.read() as s:
        roles = [p.role for p in s.get(Case, ids[0]).parties]
    assert roles == ["申请执行人", "被执行人", "被执行人", "被执行人"]


def test_rows_of_one_case_that_disagree_are_reported(store, tmp_path):
    path = write_party_rows_sheet(tmp_path / "parties.xlsx", [good_row(1)], extra_debtors=0)
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    ws.unmerge_cells("B2:B3")
    ws["B3"] = datetime(2026, 5, 1)
    wb.save(path)
    got = messages(preview(store, path))
    assert any(m.startswith("第3行 B列 立案日期") and "与第2行的立案日期" in m for m in got), got


def test_node_history_from_a_second_sheet_and_from_node_date_columns(store, actor, tmp_path):
    """R35: the sheet's nodes become node records, so the deadlines are right from the first day."""
    rows = [good_row(1), good_row(2)]
    filed = rows[0]["立案日期"]
    nodes = [["（2026）鲁0102执1号", "网络查控", datetime(2026, 3, 10), "总对总查询"],
             ["（2026）鲁0102执1号", "限制消费令", "2026年3月12日", ""],
             ["（2026）鲁0102执2号", "N99", "2026-03-12", ""],
             ["（2026）鲁0102执2号", "纳入失信", "2020-01-01", ""]]  # before 立案
    pv = preview(store, write_sheet(tmp_path / "nodes.xlsx", rows, node_rows=nodes))
    assert pv.layout.node_sheet == "流程节点"
    got = messages(pv)
    assert any("流程节点 第4行" in m and "“N99”不在节点目录中" in m for m in got), got
    assert any("流程节点 第5行" in m and "不能早于收案/立案日期" in m for m in got), got
    assert [c.case_number for c in pv.valid] == ["（2026）鲁0102执1号"]
    ids = xi.write_import(store, actor, pv, valid_only=True, today=TODAY)
    with store.read() as s:
        case = s.get(Case, ids[0])
        assert [(n.code, n.ended_on) for n in case.nodes] == [
            ("N01", filed), ("N04", rows[0]["执行通知书日期"]), ("N06", date(2026, 3, 10)), ("N09", date(2026, 3, 12))]
        kinds = set(s.scalars(select(Deadline.kind).where(Deadline.case_id == case.id)))
        node_outbox = s.scalar(select(func.count()).select_from(OutboxEntry)
                               .where(OutboxEntry.case_id == case.id, OutboxEntry.entity == "node"))
    assert "执行期限" in kinds
    assert node_outbox == 4  # every node queued for sync like a typed node


# ---------------------------------------------------------------- writing


def test_imported_cases_are_audited_and_queued_exactly_like_typed_ones(store, actor, tmp_path):
    """DESIGN §5: every change writes one audit row and one outbox row in the same transaction."""
    row = good_row(5)
    row["执行通知书日期"] = None
    row["收案日期"] = None
    preview_ = preview(store, write_sheet(tmp_path / "one.xlsx", [row]))
    [case_id] = xi.write_import(store, actor, preview_, today=TODAY)
    with store.read() as s:
        audits = s.scalars(select(AuditEntry).where(AuditEntry.case_id == case_id)).all()
        outbox = s.scalars(select(OutboxEntry).where(OutboxEntry.case_id == case_id)).all()
        case = s.get(Case, case_id)
        assert case.amount_claimed_fen == xi.parse_sheet_amount(row["执行标的（元）"])
        assert case.handler.username == "zhangwei"
    # case + 2 parties + basis + N01, as for a typed case (test_services)
    assert sorted(a.entity for a in audits) == sorted(o.entity for o in outbox) == \
        ["case", "execution_basis", "node", "party", "party"]
    assert {a.change_id for a in audits} == {o.change_id for o in outbox}
    assert all(a.actor == actor.username for a in audits)


def test_all_or_nothing_refuses_the_whole_file_when_one_row_is_bad(store, actor, tmp_path):
    rows = [good_row(n) for n in range(1, 6)]
    rows[3]["立案日期"] = "2026/2/30"
    path = write_sheet(tmp_path / "list.xlsx", rows)
    before = counts(store)
    with pytest.raises(ValidationError) as err:
        xi.import_file(store, actor, path, today=TODAY)
    assert "第5行" in str(err.value) and "不是存在的日期" in str(err.value)
    assert counts(store) == before


def test_valid_only_imports_the_rest_and_the_rejected_file_imports_once_fixed(store, actor, tmp_path):
    rows = [good_row(n) for n in range(1, 6)]
    rows[1]["执行标的（元）"] = "约五万"
    rows[3]["申请执行人身份证号"] = "370102199001011235"
    path = write_sheet(tmp_path / "list.xlsx", rows)
    rejected = tmp_path / "未导入.xlsx"
    pv, result = xi.import_file(store, actor, path, valid_only=True, rejected_path=rejected, today=TODAY)
    assert (result.imported, result.rejected) == (3, 2)
    wb = openpyxl.load_workbook(rejected)
    ws = wb.active
    assert [c.value for c in ws[1]] == HEADER + ["未导入原因"]
    assert ws.max_row == 3
    assert "不是数字金额" in ws.cell(2, len(HEADER) + 1).value
    assert "校验位不正确" in ws.cell(3, len(HEADER) + 1).value
    assert ws.cell(2, 1).value == rows[1]["案号"]
    # the clerk fixes the two cells and imports the file again: the reason column is not data
    ws.cell(2, 5).value = "50,000.00"
    ws.cell(3, 7).value = good_row(4)["申请执行人身份证号"]
    wb.save(rejected)
    pv2, result2 = xi.import_file(store, actor, rejected, today=TODAY)
    assert result2.imported == 2 and not pv2.rejected
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 5


def test_cancel_writes_nothing(store, actor, tmp_path):
    pv = preview(store, write_sheet(tmp_path / "list.xlsx", [good_row(n) for n in range(1, 21)]))
    before = counts(store)

    class Cancelled(Exception):
        pass

    def progress(done, total):
        if done == 7:
            raise Cancelled

    with pytest.raises(Cancelled):
        xi.write_import(store, actor, pv, today=TODAY, progress=progress)
    assert counts(store) == before


def test_a_case_registered_between_preview_and_import_aborts_the_whole_import(store, actor, tmp_path):
    pv = preview(store, write_sheet(tmp_path / "list.xlsx", [good_row(n) for n in range(1, 4)]))
    cases.register_case(store, actor, sample_case_input("（2026）鲁0102执3号"), today=TODAY)
    before = counts(store)
    with pytest.raises(ValidationError, match="第4行.*已存在"):
        xi.write_import(store, actor, pv, today=TODAY)
    assert counts(store) == before


# ---------------------------------------------------------------- other file kinds


def test_csv_saved_by_excel_in_gbk(store, actor, tmp_path):
    path = tmp_path / "list.csv"
    with path.open("w", encoding="gb18030", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for n in (1, 2):
            r = good_row(n)
            w.writerow([r[h].strftime("%Y/%m/%d") if isinstance(r[h], date) else r[h] for h in HEADER])
    pv, result = xi.import_file(store, actor, path, today=TODAY)
    assert result.imported == 2 and not messages(pv)


def test_xls_files_read_through_xlrd(store, actor, tmp_path):
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook()
    sh = book.add_sheet("案件")
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for c, h in enumerate(HEADER):
        sh.write(0, c, h)
    for r, n in enumerate((1, 2), 1):
        row = good_row(n)
        for c, h in enumerate(HEADER):
            v = row[h]
            if isinstance(v, date):
                sh.write(r, c, datetime(v.year, v.month, v.day), date_style)
            else:
                sh.write(r, c, v)
    book.save(str(tmp_path / "list.xls"))
    pv, result = xi.import_file(store, actor, tmp_path / "list.xls", today=TODAY)
    assert result.imported == 2 and not messages(pv)


def test_ten_thousand_rows(store, tmp_path):
    rows = [good_row(n) for n in range(1, 10_001)]
    rows[5000]["立案日期"] = "2026/4/31"
    path = write_sheet(tmp_path / "big.xlsx", rows, text_numbers=False)
    calls = []
    pv = preview(store, path, progress=lambda d, t: calls.append(d))
    assert len(pv.cases) == 10_000 and len(pv.valid) == 9_999
    assert messages(pv) == ["第5002行 C列 立案日期：“2026/4/31”不是存在的日期"]
    assert calls and calls[-1] > 9_000


# ---------------------------------------------------------------- hypothesis: never a crash, a message per bad cell

cell_values = st.one_of(
    st.none(), st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=30), st.integers(min_value=-10**20, max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)),
    st.sampled_from(["2026/2/30", "1.5万", "¥15,000.00", "（2026）鲁0102执1号", "370102199001011234", "张伟", "是", "=1+1",
                     "2026年13月1日", "１２３", "万", "0.001", "45000", "NaN", "inf"]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(column=st.sampled_from(range(len(HEADER))), value=cell_values)
def test_any_cell_value_gives_a_message_never_a_crash(store, tmp_path_factory, column, value):
    row = good_row(1)
    row[HEADER[column]] = value
    path = write_sheet(tmp_path_factory.mktemp("h") / "h.xlsx", [row, good_row(2)], text_numbers=False)
    pv = preview(store, path)  # must not raise
    assert len(pv.cases) >= 1
    for d in pv.cases:
        if not d.ok:
            errs = [p for p in d.problems if p.level == xi.ERROR]
            assert errs, d
            assert all(p.message and p.field and p.row >= 2 for p in errs)
    # the other row is untouched by the bad cell
    assert [c.case_number for c in pv.cases if c.ok][-1:] == ["（2026）鲁0102执2号"]


def test_numbers_in_the_amount_column_are_read_exactly(store, tmp_path):
    row = good_row(1)
    row["执行标的（元）"] = Decimal("15000.10")  # openpyxl writes a number cell
    pv = preview(store, write_sheet(tmp_path / "n.xlsx", [row], text_numbers=False))
    assert pv.valid[0].validated["amount"] == 1_500_010


def test_saved_mapping_file_is_json_in_the_data_folder(tmp_path):
    path = xi.save_mapping("鲁0199", {"纠纷类别": "cause"})
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["courts"]["鲁0199"] == {"纠纷类别": "cause"}


# ---------------------------------------------------------------- the .xlsx reader (python-calamine, openpyxl fallback)


def _odd_sheet(path):
    """A sheet that starts at C3 (two empty rows, two empty columns), with number, date, bool and blank cells."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "执行案件"
    ws["C3"], ws["D3"], ws["E3"] = "案号", "立案日期", "执行标的"
    ws["C4"], ws["D4"], ws["E4"], ws["F4"] = "（2026）鲁0102执1号", datetime(2026, 3, 5), 15000, 1234.56
    ws["C5"], ws["D5"], ws["E5"] = "  ", None, True
    ws["D7"] = 45000
    ws.merge_cells("C8:C9")
    ws["C8"] = "合并"
    wb.create_sheet("节点")["A1"] = "案号"
    wb.save(path)
    return path


def test_the_xlsx_reader_gives_rows_from_a1_as_openpyxl_does(tmp_path, monkeypatch):
    # the row and column a problem names (第6行 C列) depend on it: rows from row 1, cells from column A,
    # a blank cell None, a whole number an int (calamine reads every number as a float)
    path = _odd_sheet(tmp_path / "odd.xlsx")
    reader = xi.SheetReader(path)
    fast = list(reader.rows("执行案件"))
    assert fast[0] == () or not any(fast[0])
    assert fast[2][2:5] == ("案号", "立案日期", "执行标的")
    assert fast[3][:2] == (None, None)
    assert fast[3][2] == "（2026）鲁0102执1号"
    assert xi.parse_sheet_date(fast[3][3]) == date(2026, 3, 5)
    assert fast[3][4] == 15000 and type(fast[3][4]) is int
    assert fast[3][5] == 1234.56
    assert fast[4][4] is True and fast[4][3] is None
    assert fast[6][3] == 45000 and type(fast[6][3]) is int
    assert fast[7][2] == "合并" and all(r[2] is None for r in fast[8:])  # a merged value only in its first cell
    assert reader.sheet_names() == ["执行案件", "节点"]
    names, name, rows = reader.open(1)
    assert (names, name, [r[0] for r in rows]) == (["执行案件", "节点"], "节点", ["案号"])

    monkeypatch.setattr(xi, "_calamine", lambda: None)  # the openpyxl read-only fallback reads the same
    slow = list(xi.SheetReader(path).rows("执行案件"))
    width = max(len(r) for r in fast + slow)

    def padded(rows):
        return [tuple(xi._text(v) if v is not None else None for v in r) + (None,) * (width - len(r))
                for r in rows if any(v is not None for v in r)]

    assert padded(fast) == padded(slow)


def test_a_damaged_xlsx_is_refused_in_chinese(tmp_path):
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ValidationError) as exc:
        xi.read_layout(bad)
    assert "不是有效的 Excel 文件" in str(exc.value)


def test_the_preview_turns_the_garbage_collector_back_on_even_when_it_fails(store, tmp_path):
    # the preview pauses Python's cyclic collector (its pauses froze the desktop's window, GIL held); it must
    # come back on after a preview and after one that stops with an error (取消 raises from progress)
    import gc

    path = write_sheet(tmp_path / "list.xlsx", [good_row(n) for n in range(1, 601)])
    assert gc.isenabled()
    pv = preview(store, path)
    assert gc.isenabled() and len(pv.valid) == 600

    def cancel(done, total):
        raise KeyboardInterrupt("取消")

    with pytest.raises(KeyboardInterrupt):
        preview(store, path, progress=cancel)
    assert gc.isenabled()


def test_cli_preview_lists_the_problems_and_import_valid_only_saves_the_rest(store, db_path, tmp_path, capsys):
    # `execdesk excel preview` exits 2 with every problem in Chinese; `excel import --valid-only` imports the rest
    # and saves the bad row with its 未导入原因 (the CLI shows progress only on a terminal: none here)
    from execdesk.cli import main

    rows = [good_row(1), good_row(2), good_row(3)]
    rows[1]["立案日期"] = "2026/2/30"
    path = write_sheet(tmp_path / "list.xlsx", rows)
    rc = main(["--db", str(db_path), "excel", "preview", str(path), "--today", TODAY.isoformat()])
    out = capsys.readouterr()
    assert rc == 2
    assert "可导入2件，有问题1件" in out.out and "第3行 C列 立案日期：“2026/2/30”不是存在的日期" in out.out
    assert "\r" not in out.err
    rejected = tmp_path / "未导入.xlsx"
    rc = main(["--db", str(db_path), "excel", "import", str(path), "--valid-only", "--rejected", str(rejected),
               "--today", TODAY.isoformat()])
    out = capsys.readouterr()
    assert rc == 0 and "已导入2件案件" in out.out
    assert counts(store)["cases"] == 2
    back = list(openpyxl.load_workbook(rejected, read_only=True).worksheets[0].iter_rows(values_only=True))
    assert len(back) == 2 and back[1][-1].startswith("立案日期：")
