"""执行案件排查补录数据质量报告 as a PDF for the 中院院长's confirmation (issue 15 §3; seed 一.1).

Pure composition from the service's ``QualityReport``: the overall figures, each check with its basis, the
per-handler table, the problem cases (up to ``detail_limit`` per check; the Excel export has them all), the
帐外案/抽屉案 comparison with the court's list, and the confirmation block (opinion lines, the 院长's signature,
the date under the seal). The court page, fonts and page numbers are the shared ones of the ruling and the
书面说明 (documents/page.py, fonts.py). Texts: resources/templates/quality_report.toml.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib.colors import Color
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from execdesk.documents.fonts import cjk_fonts
from execdesk.documents.page import LEADING, TEXT_WIDTH, SealedDate, Styles, build_pdf, para
from execdesk.resources import load_toml
from execdesk.rules.dates import chinese_date


def texts() -> dict:
    return load_toml("templates", "quality_report.toml")

_GRID = TableStyle([("GRID", (0, 0), (-1, -1), 0.5, Color(0.3, 0.3, 0.3)),
                    ("BACKGROUND", (0, 0), (-1, 0), Color(0.92, 0.92, 0.92)),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE")])


def _table(st: Styles, header: list[str], rows: list[list[str]], widths: list[float]) -> Table:
    w = TEXT_WIDTH - 12
    table = Table([[para(h, st.cell) for h in header]]
                  + [[c if isinstance(c, Paragraph) else para(str(c), st.cell) for c in r] for r in rows],
                  colWidths=[x * w for x in widths], repeatRows=1)
    table.setStyle(_GRID)
    # a Table sets its cells' font even for paragraphs: name ours, or the page references unembedded Helvetica
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), st.fonts.body)]))
    return table


def story(report, st: Styles, *, actor: str = "") -> list:
    """``report``: a services.quality.QualityReport (read by attribute: documents do not import services)."""
    t = texts()
    sec = t["sections"]
    today = chinese_date(report.today)
    out: list = [para(t["title"], st.title_small), para(f"{report.court}　{report.scope}", st.center),
                 Spacer(1, LEADING / 3)]
    out.append(para(sec[0], st.heading))
    key = "intro" if report.problem_cases else "intro_clean"
    out.append(para(t[key].format(today=today, scope=report.scope, total=report.total, open=report.open,
                                  problems=report.problem_cases), st.body))
    out.append(para(sec[1], st.heading))
    rows: list[list] = [[str(n), Paragraph(f"{escape(c.title)}<br/><font size=8>{escape(c.basis)}</font>", st.cell),
                         str(c.count)] for n, c in enumerate(report.checks, 1)]
    if report.court_list is not None:
        cl = report.court_list
        rows.append([str(len(rows) + 1), t["court_list"]["not_in_db"], str(len(cl.not_in_db))])
        rows.append([str(len(rows) + 1), t["court_list"]["not_on_list"], str(len(cl.not_on_list))])
    out.append(_table(st, t["summary_header"], rows, [0.08, 0.77, 0.15]))
    out.append(para(sec[2], st.heading))
    hrows = [[h.handler, str(h.total), str(h.open)] + [str(h.by_check[c.key]) for c in report.checks] + [str(h.problems)]
             for h in report.handlers]
    out.append(_table(st, t["handler_header"], hrows, [0.18, 0.09, 0.09, 0.10, 0.10, 0.09, 0.12, 0.09, 0.14]))
    out.append(para(sec[3], st.heading))
    limit = int(t["detail_limit"])
    any_detail = False
    for n, c in enumerate(report.checks, 1):
        if not c.findings:
            continue
        any_detail = True
        out.append(para(f"（{'一二三四五六七八九'[n - 1]}）{c.title}（{c.count}件）", st.plain))
        drows = [[str(i), f.case_number, f.handler, f.detail] for i, f in enumerate(c.findings[:limit], 1)]
        out.append(_table(st, t["detail_header"], drows, [0.08, 0.32, 0.14, 0.46]))
        if c.count > limit:
            out.append(para(t["detail_more"].format(n=c.count - limit), st.small))
    if not any_detail:
        out.append(para(t["court_list"]["none"], st.body))
    out.append(para(sec[4], st.heading))
    cl = report.court_list
    if cl is None:
        out.append(para(t["court_list"]["not_given"], st.body))
    else:
        years = "、".join(str(y) for y in cl.years) or "—"
        out.append(para(t["court_list"]["intro"].format(source=cl.source, listed=cl.listed, years=years), st.body))
        out.append(para(f"1．{t['court_list']['not_in_db']}：{len(cl.not_in_db)}件。", st.body))
        if cl.not_in_db:
            out.append(_table(st, ["序号", "案号"], [[str(i), n] for i, n in enumerate(cl.not_in_db[:limit], 1)],
                              [0.15, 0.85]))
        out.append(para(f"2．{t['court_list']['not_on_list']}：{len(cl.not_on_list)}件。", st.body))
        if cl.not_on_list:
            out.append(_table(st, ["序号", "案号", "承办人"],
                              [[str(i), f.case_number, f.handler] for i, f in enumerate(cl.not_on_list[:limit], 1)],
                              [0.15, 0.6, 0.25]))
        if cl.unreadable:
            out.append(para(t["court_list"]["unreadable"] + "；".join(cl.unreadable[:50]), st.small))
    s = t["sign"]
    block = [para(s["heading"], st.heading), para(s["text"], st.body), para(s["opinion"], st.plain),
             para(s["blank_line"], st.plain), para(s["blank_line"], st.plain), Spacer(1, LEADING / 2),
             para(s["signer"] + "＿＿＿＿＿＿", st.right), SealedDate(s["date"], s["seal"], st.fonts.body),
             para(s["prepared"].format(actor=actor or "—", today=today), st.small)]
    out.append(Spacer(1, LEADING / 3))
    out.append(KeepTogether(block))  # the confirmation is never split from its signature
    return out


def render(report, *, actor: str = "") -> bytes:
    st = Styles(cjk_fonts())
    return build_pdf(story(report, st, actor=actor), title=texts()["title"], fonts=st.fonts)
