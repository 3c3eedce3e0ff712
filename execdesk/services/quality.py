"""Data-quality report of the 补录 (issue 15 §3; seed 一.1: 补录 and the 帐外案/抽屉案 清零 are confirmed by the
中院院长 before they are reported).

Over the whole database or over one import (``case_ids``): cases without 承办人签收, without any node after
filing, with dates out of order, overdue with no 书面说明 (R36), with money that does not add up, and — given the
court's own list — cases on the list but not in ExecDesk (帐外案/抽屉案: never entered) and the reverse; per
handler counts. Read-only: a few plain queries over one snapshot (``store.query``), the checks in Python, so a
100,000-case database is read once. The texts of the checks are data (resources/templates/quality_report.toml).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from execdesk.resources import load_toml
from execdesk.rules.case_number import parse_case_number
from execdesk.rules.errors import ValidationError

NO_HANDLER = "（未确定承办人）"


def texts() -> dict:
    return load_toml("templates", "quality_report.toml")


@dataclass(frozen=True)
class Finding:
    case_id: str
    case_number: str
    handler: str
    detail: str


@dataclass
class Check:
    key: str
    title: str
    basis: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.findings)


@dataclass(frozen=True)
class HandlerRow:
    handler: str
    total: int
    open: int
    closed: int
    by_check: dict[str, int]

    @property
    def problems(self) -> int:
        return sum(self.by_check.values())


@dataclass
class CourtListCheck:
    source: str
    listed: int
    not_in_db: list[str]  # on the court's list, not in ExecDesk: 帐外案/抽屉案 until entered
    not_on_list: list[Finding]  # in ExecDesk (same court and years), not on the list
    unreadable: list[str]  # list rows whose 案号 is not a valid 案号 (with the reason)
    years: list[int]


@dataclass
class QualityReport:
    court: str
    today: date
    scope: str
    total: int
    open: int
    checks: list[Check]
    handlers: list[HandlerRow]
    court_list: CourtListCheck | None = None

    def check(self, key: str) -> Check:
        return next(c for c in self.checks if c.key == key)

    @property
    def problem_cases(self) -> int:
        return len({f.case_id for c in self.checks for f in c.findings})


CHECKS = ("unsigned", "no_node", "date_order", "explanation", "money")


def _d(v) -> date | None:
    return date.fromisoformat(v[:10]) if v else None


def _zh(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def quality_report(store, *, today: date | None = None, case_ids: list[str] | None = None,
                   court_list: Path | None = None, scope: str | None = None) -> QualityReport:
    """The report over every case (or over ``case_ids``, e.g. one import), with the court-list check when given."""
    today = today or date.today()
    t = texts()
    checks = {k: Check(k, t["checks"][k]["title"], t["checks"][k]["basis"]) for k in CHECKS}
    wanted = set(case_ids) if case_ids is not None else None
    with store.query() as con:
        court = con.execute("SELECT name FROM courts ORDER BY created_at LIMIT 1").fetchone()
        court_name = court[0] if court else ""
        rows = con.execute(
            "SELECT c.id, c.case_number, coalesce(u.display_name, ''), c.status, c.received_on, c.filed_on, "
            "c.assigned_on, c.closed_on, c.amount_claimed_fen, c.explanation_owed, c.overdue_days, c.handler_id, "
            "c.court_code, c.year FROM cases c LEFT JOIN users u ON u.id = c.handler_id").fetchall()
        nodes: dict[str, list[tuple]] = defaultdict(list)
        for cid, code, name, started, ended in con.execute(
                "SELECT case_id, code, name, started_on, ended_on FROM nodes WHERE status != '已更正'"):
            if wanted is None or cid in wanted:
                nodes[cid].append((code, name, _d(started), _d(ended)))
        money: dict[str, dict[str, int]] = defaultdict(lambda: {"到账": 0, "发放": 0})
        for cid, kind, total in con.execute("SELECT case_id, kind, sum(amount_fen) FROM payments GROUP BY case_id, kind"):
            money[cid][kind] = int(total or 0)
    per_handler: dict[str, dict] = defaultdict(lambda: {"total": 0, "open": 0, "closed": 0,
                                                        "by": {k: 0 for k in CHECKS}})
    total = open_ = 0
    in_scope: list[tuple] = []
    for (cid, number, handler, status, received, filed, assigned, closed, amount, owed, overdue, handler_id,
         court_code, year) in rows:
        if wanted is not None and cid not in wanted:
            continue
        in_scope.append((cid, number, handler, court_code, year))
        total += 1
        is_open = status != "已结"
        open_ += is_open
        h = handler or NO_HANDLER
        ph = per_handler[h]
        ph["total"] += 1
        ph["open" if is_open else "closed"] += 1
        received, filed, assigned, closed = _d(received), _d(filed), _d(assigned), _d(closed)

        def find(key: str, detail: str, cid=cid, number=number, h=h, ph=ph) -> None:
            checks[key].findings.append(Finding(cid, number, h, detail))
            ph["by"][key] += 1

        if handler_id is None:
            find("unsigned", t["details"]["no_handler"])
        elif assigned is None:
            find("unsigned", t["details"]["not_signed"])
        case_nodes = nodes.get(cid, [])
        if not any(code not in ("N01", "N02") for code, *_ in case_nodes):
            find("no_node", t["details"]["no_node"].format(filed=_zh(filed) if filed else ""))
        bad: list[str] = []
        if received and filed and received > filed:
            bad.append(t["details"]["received_after_filed"].format(received=_zh(received), filed=_zh(filed)))
        if assigned and filed and assigned < filed:
            bad.append(t["details"]["assigned_before_filed"].format(assigned=_zh(assigned), filed=_zh(filed)))
        if closed and filed and closed < filed:
            bad.append(t["details"]["closed_before_filed"].format(closed=_zh(closed), filed=_zh(filed)))
        start = received or filed
        for code, name, started, ended in case_nodes:
            if started and ended and ended < started:
                bad.append(t["details"]["node_ends_before_start"].format(node=name))
            first = ended or started
            if code != "N01" and first and start and first < start:
                bad.append(t["details"]["node_before_filing"].format(node=name, on=_zh(first)))
            if first and first > today:
                bad.append(t["details"]["node_in_future"].format(node=name, on=_zh(first)))
        if bad:
            find("date_order", "；".join(bad))
        if owed:
            find("explanation", t["details"]["explanation"].format(days=overdue))
        m = money.get(cid)
        if m:
            if m["发放"] > m["到账"]:
                find("money", t["details"]["paid_out_more"].format(out=_yuan(m["发放"]), inn=_yuan(m["到账"])))
            elif amount and m["到账"] > amount:
                find("money", t["details"]["received_more"].format(inn=_yuan(m["到账"]), claimed=_yuan(amount)))
    handlers = [HandlerRow(h, v["total"], v["open"], v["closed"], dict(v["by"]))
                for h, v in sorted(per_handler.items(), key=lambda kv: (kv[0] == NO_HANDLER, kv[0]))]
    for c in checks.values():
        c.findings.sort(key=lambda f: f.case_number)
    report = QualityReport(court=court_name, today=today,
                           scope=scope or (t["scope_all"] if wanted is None else t["scope_import"].format(n=total)),
                           total=total, open=open_, checks=list(checks.values()), handlers=handlers)
    if court_list is not None:
        report.court_list = compare_court_list(court_list, in_scope, today)
    return report


def _yuan(fen: int) -> str:
    from execdesk.rules.money import format_yuan

    return format_yuan(fen) + "元"


def read_court_list(path: Path, today: date) -> tuple[set[str], list[str]]:
    """The 案号 column of the court's own list (.xlsx/.xls/.csv with a 案号 header, or a text file with one 案号
    a line) → canonical numbers, and the rows that are not a valid 案号 (with the reason)."""
    from execdesk.services import excel_import as xi

    path = Path(path)
    numbers: set[str] = set()
    bad: list[str] = []
    values: list[tuple[int, Any]]  # (row number, cell value)
    if path.suffix.lower() == ".txt":
        values = [(i, line) for i, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1)]
    else:
        reader = xi.SheetReader(path)
        col = None
        start = 1
        for rownum, row in enumerate(reader.rows(0), 1):
            hits = [i for i, v in enumerate(row) if xi.recognise(xi._text(v)) == "case_number"]
            if hits:
                col, start = hits[0], rownum + 1
                break
            if rownum >= xi.HEADER_SCAN_ROWS:
                break
        if col is None:
            raise ValidationError(f"{path.name} 中找不到“案号”列", "法院案件名单")
        values = [(rownum, row[col] if col < len(row) else None)
                  for rownum, row in enumerate(reader.rows(0), 1) if rownum >= start]
    for rownum, v in values:
        text = xi.clean_text(v)
        if not text:
            continue
        try:
            numbers.add(str(parse_case_number(text, today=today)))
        except ValidationError as exc:
            bad.append(f"第{rownum}行“{text}”：{exc.errors[0].message}")
    return numbers, bad


def compare_court_list(path: Path, in_scope: list[tuple], today: date) -> CourtListCheck:
    """Both ways: listed but not in ExecDesk (帐外案/抽屉案); in ExecDesk but not listed — among the cases of the
    courts and years the list covers (a list of 2026 cases says nothing about 2019)."""
    listed, bad = read_court_list(path, today)
    covered = set()
    for n in listed:
        cn = parse_case_number(n, today=today)
        covered.add((cn.court_code, cn.year))
    have = {number for _cid, number, *_ in in_scope}
    not_in_db = sorted(listed - have)
    not_on_list = [Finding(cid, number, handler or NO_HANDLER, texts()["details"]["not_on_list"])
                   for cid, number, handler, court_code, year in sorted(in_scope, key=lambda r: r[1])
                   if (court_code, year) in covered and number not in listed]
    return CourtListCheck(Path(path).name, len(listed), not_in_db, not_on_list, bad,
                          sorted({y for _c, y in covered}))


# ---------------------------------------------------------------- Excel export


def export_xlsx(report: QualityReport, out: Path) -> Path:
    """The report as a workbook: 汇总, one sheet per check with every case, 承办人, 名单核对."""
    import os

    import openpyxl
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.worksheet import Worksheet

    t = texts()
    wb = openpyxl.Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook's one sheet
    ws.title = "汇总"
    ws.append([t["title"]])
    ws.append([f"{report.court}　{report.scope}　统计日期：{_zh(report.today)}"])
    ws.append([])
    ws.append(["检查项", "案件数", "依据"])
    for c in report.checks:
        ws.append([c.title, c.count, c.basis])
    if report.court_list:
        cl = report.court_list
        ws.append([t["court_list"]["not_in_db"], len(cl.not_in_db), t["court_list"]["basis"]])
        ws.append([t["court_list"]["not_on_list"], len(cl.not_on_list), t["court_list"]["basis"]])
    ws.append([])
    ws.append([f"案件总数 {report.total} 件，其中未结 {report.open} 件；存在问题的案件 {report.problem_cases} 件"])
    ws["A1"].font = Font(bold=True, size=14)
    for col, width in zip("ABC", (36, 10, 70), strict=True):
        ws.column_dimensions[col].width = width
    for c in report.checks:
        s = wb.create_sheet(c.title[:31].replace("/", "、"))
        s.append(["案号", "承办人", "问题"])
        for f in c.findings:
            s.append([f.case_number, f.handler, f.detail])
        s.column_dimensions["A"].width, s.column_dimensions["B"].width, s.column_dimensions["C"].width = 26, 12, 80
    hs = wb.create_sheet("承办人")
    hs.append(["承办人", "案件数", "未结", "已结"] + [c.title for c in report.checks] + ["问题合计"])
    for h in report.handlers:
        hs.append([h.handler, h.total, h.open, h.closed] + [h.by_check[k] for k in CHECKS] + [h.problems])
    for cell in hs[1]:
        cell.alignment = Alignment(wrap_text=True)
    if report.court_list:
        cl = report.court_list
        ls = wb.create_sheet("名单核对")
        ls.append([f"法院名单：{cl.source}，{cl.listed} 件"])
        ls.append([t["court_list"]["not_in_db"]])
        for n in cl.not_in_db:
            ls.append([n])
        ls.append([])
        ls.append([t["court_list"]["not_on_list"]])
        for f in cl.not_on_list:
            ls.append([f.case_number, f.handler])
        if cl.unreadable:
            ls.append([])
            ls.append(["名单中无法识别的案号"])
            for b in cl.unreadable:
                ls.append([b])
        ls.column_dimensions["A"].width = 40
    out = Path(out)
    tmp = out.with_name(out.name + ".partial.xlsx")
    wb.save(tmp)
    os.replace(tmp, out)
    return out
