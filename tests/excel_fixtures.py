"""Court case lists as real Excel files, written with openpyxl the way courts' sheets look (issue 15 tests and
bench/bench_excel.py): one row per case, or one row per party under merged 案号 cells; two-level headers from
merged cells; text-formatted numbers; Excel serial dates; full-width brackets; blank rows."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl

from execdesk.rules.identity import make_credit_code, make_resident_id

HEADER = ["案号", "收案日期", "立案日期", "案由", "执行标的（元）", "申请执行人", "申请执行人身份证号", "被执行人",
          "被执行人证件号码", "承办人", "执行依据", "执行通知书日期"]


def person_id(n: int) -> str:
    return make_resident_id("370102", date(1990, 1, 1) + timedelta(days=n % 9000), n % 1000)


def company_code(n: int) -> str:
    return make_credit_code(f"91370102MA{n % 10_000_000:07d}")


def good_row(n: int, *, year: int = 2026, handler: str = "张伟") -> dict[str, object]:
    """A valid case n: a natural-person applicant, a company debtor, filed in March–October ``year``."""
    filed = date(year, 3, 2) + timedelta(days=n % 200)
    return {
        "案号": f"（{year}）鲁0102执{n}号",
        "收案日期": filed - timedelta(days=2),
        "立案日期": filed,
        "案由": "民间借贷纠纷",
        "执行标的（元）": f"{10_000 + n % 90_000:,}.00",
        "申请执行人": f"王{'芳丽娜静敏燕艳娟'[n % 8]}{n}",
        "申请执行人身份证号": person_id(n),
        "被执行人": f"济南鲁信商贸{n}有限公司",
        "被执行人证件号码": company_code(n),
        "承办人": handler,
        "执行依据": f"（{year - 1}）鲁0102民初{n}号民事判决书",
        "执行通知书日期": filed + timedelta(days=3),
    }


def write_sheet(path: Path, rows: list[dict[str, object] | None], *, header: list[str] | None = None,
                title_row: str | None = None, node_rows: list[list[object]] | None = None,
                serial_dates: bool = False, text_numbers: bool = True) -> Path:
    """Write ``rows`` (None = a blank row) under ``header``. ``title_row`` puts a title line above the header
    (as court exports do); ``serial_dates`` writes dates as Excel serial numbers (a date column formatted as
    number); ``text_numbers`` stores ID numbers and amounts as text cells (number format "@")."""
    header = header or HEADER
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "执行案件"
    if title_row:
        ws.append([title_row])
    ws.append(header)
    for row in rows:
        if row is None:
            ws.append([])
            continue
        values = []
        for h in header:
            v = row.get(h)
            if serial_dates and isinstance(v, date):
                v = (v - date(1899, 12, 30)).days
            elif isinstance(v, date) and not isinstance(v, datetime):
                v = datetime(v.year, v.month, v.day)
            values.append(v)
        ws.append(values)
        if text_numbers:
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str) and cell.value[:1].isdigit():
                    cell.number_format = "@"
    if node_rows is not None:
        ns = wb.create_sheet("流程节点")
        ns.append(["案号", "节点", "日期", "说明"])
        for r in node_rows:
            ns.append(r)
    wb.save(path)
    return path


def write_merged_header_sheet(path: Path, rows: list[dict[str, object]]) -> Path:
    """Two header rows from merged cells: 申请执行人 / 被执行人 span 名称 + 证件号码; the single columns are merged
    over both rows. Values as ``good_row`` gives them."""
    wb = openpyxl.Workbook()
    ws = wb.active
    top = ["案号", "立案日期", "案由", "执行标的", "申请执行人", None, "被执行人", None, "承办人"]
    sub = [None, None, None, None, "名称", "证件号码", "名称", "证件号码", None]
    ws.append(top)
    ws.append(sub)
    for col in ("A", "B", "C", "D", "I"):
        ws.merge_cells(f"{col}1:{col}2")
    ws.merge_cells("E1:F1")
    ws.merge_cells("G1:H1")
    for r in rows:
        ws.append([r["案号"], r["立案日期"], r["案由"], r["执行标的（元）"], r["申请执行人"], r["申请执行人身份证号"],
                   r["被执行人"], r["被执行人证件号码"], r["承办人"]])
    wb.save(path)
    return path


def write_party_rows_sheet(path: Path, cases: list[dict[str, object]], extra_debtors: int = 1) -> Path:
    """One row per party; the case columns are merged down over the case's rows (value in the first row only)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["案号", "立案日期", "案由", "执行标的", "承办人", "诉讼地位", "当事人名称", "证件号码"])
    for n, c in enumerate(cases):
        first = ws.max_row + 1
        ws.append([c["案号"], c["立案日期"], c["案由"], c["执行标的（元）"], c["承办人"], "申请执行人", c["申请执行人"],
                   c["申请执行人身份证号"]])
        ws.append([None, None, None, None, None, "被执行人", c["被执行人"], c["被执行人证件号码"]])
        for k in range(extra_debtors):
            ws.append([None, None, None, None, None, "被执行人", f"李{n}号{k}", person_id(50_000 + n * 7 + k)])
        last = ws.max_row
        for col in "ABCDE":
            ws.merge_cells(f"{col}{first}:{col}{last}")
    wb.save(path)
    return path
