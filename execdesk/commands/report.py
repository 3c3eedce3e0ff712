"""`execdesk report [--from D] [--to D] [--json]`: 执行质效指标 per court, handler and month (DOMAIN.md §5.2)."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date


def register(sub) -> None:
    p = sub.add_parser("report", help="执行质效指标：实际执结率、终本率、执行到位率、平均用时、超期案件")
    p.add_argument("--from", dest="start", help="统计起始日（结案日期），默认当年1月1日")
    p.add_argument("--to", dest="end", help="统计截止日，默认今天")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.add_argument("--refresh", action="store_true", help="先重新计算全部案件的期限（规则或节假日变更后）")
    p.add_argument("--today", help="按指定日期计算（默认今天）")
    p.set_defaults(func=run)


def _target_text(row) -> str:
    if row.target_rule is None:
        return ""
    if row.target is None:
        return "对比值未配置"
    shown = f"{row.target * 100:.0f}%" if row.kind == "rate" else f"{row.target:g}"
    verdict = "" if row.meets_target is None else ("，达标" if row.meets_target else "，未达标")
    return f"目标{row.target_rule}{shown}{verdict}"


def run(args, ctx) -> int:
    from execdesk.cli import UserError, today_arg
    from execdesk.rules.dates import parse_date
    from execdesk.services.indicators import indicator_report

    today = today_arg(args)
    end = parse_date(args.end, "--to") if args.end else today
    start = parse_date(args.start, "--from") if args.start else date(end.year, 1, 1)
    if start > end:
        raise UserError(f"统计起始日{start.isoformat()}晚于截止日{end.isoformat()}")
    report = indicator_report(ctx.store, start=start, end=end, today=today, refresh=args.refresh)
    if args.json:
        print(json.dumps({"from": start.isoformat(), "to": end.isoformat(), "cases": report.cases,
                          "rows": [asdict(r) for r in report.rows]}, ensure_ascii=False, indent=2))
        return 0
    print(f"执行质效指标　统计期间 {start.isoformat()} 至 {end.isoformat()}（按结案日期）　涉及案件 {report.cases} 件")
    if not report.rows:
        print("统计期间内没有案件。")
        return 0
    current = None
    for row in report.rows:
        if (row.group_kind, row.group) != current:
            current = (row.group_kind, row.group)
            print()
            print(f"【{row.group_kind}】{row.group}")
        frac = f"{row.numerator}/{row.denominator}" if row.denominator is not None else f"{row.numerator}"
        if row.indicator_id in ("amount_rate",) and row.denominator is not None:
            frac = f"{row.numerator / 100:,.2f}元/{row.denominator / 100:,.2f}元"
        target = _target_text(row)
        print(f"  {row.name}：{row.display()}（{frac}）" + (f"　{target}" if target else ""))
    print()
    print("口径：" + "；".join(dict.fromkeys(f"{r.name}——{r.basis}" for r in report.rows)))
    return 0
