"""`execdesk excel preview|import FILE` (补录 from the court's Excel lists) and `execdesk quality` (the data-quality
report for the 中院院长), issue 15. docs/excel-import.md.

    execdesk excel preview 名单.xlsx [--map 表头=字段 …] [--save-mapping]     every problem, nothing written
    execdesk excel import 名单.xlsx                                            all or nothing (one transaction)
    execdesk excel import 名单.xlsx --valid-only --rejected 未导入.xlsx        the valid cases; the rest to a file
    execdesk quality [--xlsx F] [--pdf F] [--court-list 名单.xlsx] [--import-file 名单.xlsx]

``preview`` exits 0 when the list imports cleanly and 2 when it has problems (listed on stdout).
"""

from __future__ import annotations

import sys
from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("excel", help="从Excel补录案件：预览问题、导入（全部或仅合格案件）")
    ps = p.add_subparsers(dest="excel_command", required=True)
    for name, help_ in (("preview", "预览：列对应、每行解析结果和全部问题（不写入）"),
                        ("import", "导入：默认全部成功或全部不导入；--valid-only 只导入合格案件")):
        q = ps.add_parser(name, help=help_)
        q.add_argument("file", type=Path, help=".xlsx / .xls / .csv 文件")
        q.add_argument("--sheet", help="工作表名称（默认第一个）")
        q.add_argument("--map", action="append", default=[], metavar="表头=字段",
                       help="指定列对应，如 纠纷=案由、备注2=不导入（可重复）")
        q.add_argument("--save-mapping", action="store_true", help="把本次列对应保存为本院的默认")
        q.add_argument("--today", help="按指定日期检查（默认今天）")
        if name == "preview":
            q.add_argument("--all", action="store_true", help="逐行列出每件案件（默认只列有问题的）")
            q.set_defaults(func=run_preview)
        else:
            q.add_argument("--valid-only", action="store_true", help="只导入合格案件，有问题的行另存")
            q.add_argument("--rejected", type=Path, help="未导入行另存为此 .xlsx（含“未导入原因”列）")
            q.set_defaults(func=run_import)
    r = sub.add_parser("quality", help="数据质量报告（补录审核、帐外案/抽屉案核对），可导出 Excel、PDF")
    r.add_argument("--xlsx", type=Path, help="导出 Excel 明细")
    r.add_argument("--pdf", type=Path, help="输出供中院院长审核签字的 PDF")
    r.add_argument("--court-list", type=Path, help="法院案件名单（.xlsx/.xls/.csv 含“案号”列，或每行一个案号的 .txt）")
    r.add_argument("--import-file", type=Path, help="只检查该补录文件中的案件（按案号）")
    r.add_argument("--today", help="统计日（默认今天）")
    r.set_defaults(func=run_quality)


def _mapping(pairs: list[str]) -> dict[str, str | None]:
    from execdesk.cli import UserError
    from execdesk.services.excel_import import field_labels

    labels = field_labels()
    by_label = {v: k for k, v in labels.items()}
    out: dict[str, str | None] = {}
    for pair in pairs:
        header, sep, target = pair.partition("=")
        if not sep or not header.strip():
            raise UserError(f"--map 应写成 表头=字段，例如 纠纷=案由（收到：{pair}）")
        target = target.strip()
        if target in ("不导入", "忽略", ""):
            out[header.strip()] = None
        elif target in labels:
            out[header.strip()] = target
        elif target in by_label:
            out[header.strip()] = by_label[target]
        else:
            raise UserError(f"“{target}”不是可导入的字段；可用：{'、'.join(labels.values())}")
    return out


def _layout(args, ctx):
    from execdesk.services import excel_import as xi

    court = xi.court_code_of(ctx.store)
    layout = xi.read_layout(args.file, court_code=court, sheet=args.sheet if args.sheet else 0)
    if args.map:
        xi.apply_mapping(layout, _mapping(args.map))
    if args.save_mapping:
        xi.save_mapping(court, layout.mapping())
    return layout


def _progress(text: str):
    """Progress on the terminal (stderr, only when it is one) for long lists; Ctrl+C stops the work and, in the
    import, rolls the whole transaction back."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        print(f"\r{text.format(done=done, total=total or '?')}", end="", file=sys.stderr, flush=True)

    return show


def _print_layout(layout) -> None:
    from execdesk.services.excel_import import field_labels

    labels = field_labels()
    first, last = layout.header_rows
    rows = f"第{first}行" if first == last else f"第{first}—{last}行"
    print(f"工作表“{layout.sheet}”，表头在{rows}" + (f"；节点表“{layout.node_sheet}”" if layout.node_sheet else ""))
    for c in layout.columns:
        target = labels.get(c.field, "（不导入）") if c.field else "（不导入）"
        print(f"  {c.letter}列 {c.header or '（无表头）'} → {target}　［{c.source}］")


def run_preview(args, ctx) -> int:
    from execdesk.cli import today_arg
    from execdesk.services import excel_import as xi

    layout = _layout(args, ctx)
    _print_layout(layout)
    pv = xi.build_preview(ctx.store, layout, today=today_arg(args), progress=_progress("正在读取并检查…… {done}"))
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print()
    print(pv.summary())
    for p in pv.file_problems:
        print(f"  {p}")
    for d in pv.cases:
        if d.ok and not args.all:
            continue
        v = d.validated
        head = f"第{d.first_row}行 {d.case_number or '（无案号）'}"
        if v:
            head += f"　立案{v['filed'].isoformat()}　标的{v['amount'] / 100:,.2f}元　当事人{d.party_count}名　节点{len(d.nodes)}个"
        print(("✓ " if d.ok else "✗ ") + head)
        for p in d.problems:
            print(f"    [{p.level}] {p}")
    return 2 if pv.blocking else 0


def run_import(args, ctx) -> int:
    from execdesk.cli import UserError, today_arg
    from execdesk.rules.errors import ValidationError
    from execdesk.services import excel_import as xi

    if args.rejected and not args.valid_only:
        raise UserError("--rejected 只与 --valid-only 同用（默认全部成功或全部不导入）")
    today = today_arg(args)
    layout = _layout(args, ctx)
    pv = xi.build_preview(ctx.store, layout, today=today, progress=_progress("正在读取并检查…… {done}"))
    if sys.stderr.isatty():
        print(file=sys.stderr)
    if pv.blocking and not args.valid_only:
        print(pv.summary(), file=sys.stderr)
        raise ValidationError(xi.refusal(pv, limit=50))
    rejected = args.rejected
    if args.valid_only and pv.rejected and rejected is None:
        rejected = args.file.with_name(args.file.stem + "_未导入.xlsx")
    ids = xi.write_import(ctx.store, ctx.actor, pv, valid_only=args.valid_only, today=today,
                          progress=_progress("正在导入…… {done}/{total}"))
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(f"已导入{len(ids)}件案件（{pv.summary()}）")
    if pv.rejected and rejected is not None:
        n = xi.export_rejected(pv, rejected)
        print(f"未导入{len(pv.rejected)}件（{n}行）已另存：{rejected}（改正后可再次导入，“未导入原因”列不会被读入）")
    return 0


def run_quality(args, ctx) -> int:
    from execdesk.cli import today_arg
    from execdesk.rules.case_number import parse_case_number
    from execdesk.rules.errors import ValidationError
    from execdesk.services import excel_import as xi
    from execdesk.services.quality import export_xlsx, quality_report

    today = today_arg(args)
    case_ids = None
    scope = None
    if args.import_file:
        layout = xi.read_layout(args.import_file, court_code=xi.court_code_of(ctx.store))
        col = layout.by_field().get("case_number")
        numbers = set()
        if col is not None:
            for rownum, row in enumerate(xi.SheetReader(args.import_file).rows(layout.sheet), 1):
                if rownum >= layout.data_start and col < len(row) and row[col]:
                    try:
                        numbers.add(str(parse_case_number(xi.clean_text(row[col]), today=today)))
                    except ValidationError:
                        pass
        with ctx.store.query() as con:
            ids = [r[0] for r in con.execute("SELECT id, case_number FROM cases") if r[1] in numbers]
        case_ids, scope = ids, f"补录文件 {args.import_file.name} 中的{len(ids)}件案件"
    report = quality_report(ctx.store, today=today, case_ids=case_ids, court_list=args.court_list, scope=scope)
    print(f"{report.court}　执行案件排查补录数据质量报告　{report.scope}　统计日 {today.isoformat()}")
    print(f"案件 {report.total} 件（未结 {report.open} 件），存在问题的案件 {report.problem_cases} 件")
    for c in report.checks:
        print(f"  {c.title}：{c.count}件")
        for f in c.findings[:10]:
            print(f"      {f.case_number}　{f.handler}　{f.detail}")
        if c.count > 10:
            print(f"      …… 另有{c.count - 10}件（完整明细用 --xlsx 导出）")
    cl = report.court_list
    if cl is not None:
        print(f"  法院名单 {cl.source}：{cl.listed}件")
        print(f"  名单有、ExecDesk无（疑似帐外案、抽屉案）：{len(cl.not_in_db)}件 " + "、".join(cl.not_in_db[:10]))
        print(f"  ExecDesk有、名单无：{len(cl.not_on_list)}件 " + "、".join(f.case_number for f in cl.not_on_list[:10]))
        for b in cl.unreadable[:10]:
            print(f"  名单中无法识别：{b}")
    print("  承办人：" + "；".join(f"{h.handler} {h.total}件/问题{h.problems}" for h in report.handlers))
    if args.xlsx:
        export_xlsx(report, args.xlsx)
        print(f"已导出 Excel：{args.xlsx}")
    if args.pdf:
        from execdesk.documents.quality_report import render

        args.pdf.parent.mkdir(parents=True, exist_ok=True)
        tmp = args.pdf.with_name(args.pdf.name + ".partial")
        tmp.write_bytes(render(report, actor=ctx.actor.display_name))
        tmp.replace(args.pdf)
        print(f"已生成 PDF：{args.pdf}")
    return 0
