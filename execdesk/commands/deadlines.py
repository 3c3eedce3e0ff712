"""`execdesk deadlines [案号] [--json] [--today D]`: statutory deadlines, warnings, overdue days, legal bases.

Without 案号: the open cases that have a warning or are overdue (``--all``: every open case), computed for
``--today`` (default: today). With 案号: every deadline of that case and how its execution limit was computed.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, timedelta


def register(sub) -> None:
    p = sub.add_parser("deadlines", help="执行期限与节点期限：预警、超期、法律依据")
    p.add_argument("case_number", nargs="?", help="案号，如（2026）鲁0102执100号；不填则列出预警和超期案件")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.add_argument("--today", help="按指定日期计算（默认今天），如 2026-11-25")
    p.add_argument("--all", action="store_true", help="列出全部未结案件（默认只列预警和超期）")
    p.add_argument("--priority", action="store_true", help="只列优先案件（涉民生或标的10万元以下）")
    p.add_argument("--limit", type=int, default=200, help="最多列出的案件数（默认200）")
    p.set_defaults(func=run)


WEEKDAYS = "一二三四五六日"
LEVEL_TEXT = {0: "", 10: "预警(10日内)", 5: "预警(5日内)", -1: "已超期"}


def _fmt(d: date | None) -> str:
    return "—" if d is None else f"{d.isoformat()}（周{WEEKDAYS[d.weekday()]}）"


def _jsonable(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def run(args, ctx) -> int:

    from execdesk.cli import today_arg

    today = today_arg(args)
    if args.case_number:
        return _one(args, ctx, today)
    return _list(args, ctx, today)


def _one(args, ctx, today: date) -> int:
    from execdesk.rules.deadlines import priority_flags
    from execdesk.services.cases import find_case_id, get_case
    from execdesk.services.deadlines import active_calendar, active_rules, case_deadlines

    with ctx.store.read() as session:
        case = get_case(session, find_case_id(session, args.case_number))
        result = case_deadlines(session, case, today=today, full=True)
        handler = case.handler.display_name if case.handler else None
        rules = active_rules()
        flags = priority_flags(case.is_livelihood, case.amount_claimed_fen, rules)
        lim = result.limit
        if args.json:
            out = {
                "case_number": case.case_number, "today": today.isoformat(), "status": case.status,
                "handler": handler, "preset": rules.name, "priority": flags,
                "execution_limit": _jsonable(asdict(lim)),
                "warning_level": result.warning_level, "next_due_on": _jsonable(result.next_due_on),
                "overdue_days": result.overdue_days, "explanation_owed": result.explanation_owed,
                "zhongben_earliest_on": result.zhongben_earliest_on.isoformat(),
                "provisional": result.provisional, "notes": result.notes,
                "deadlines": [_jsonable(asdict(it)) for it in result.items],
            }
            print(json.dumps(out, ensure_ascii=False, indent=2))
            return 0
        cal = active_calendar()
        print(f"{case.case_number}　立案日期 {case.filed_on.isoformat()}　承办人 {handler or '未定'}　{case.status}"
              + (f"　优先：{'、'.join(flags)}" if flags else ""))
        print(f"期限规则：{rules.name}　计算日期：{today.isoformat()}")
        print()
        print(f"{lim.title}：{lim.statutory_limit or f'{lim.statutory_months}个月'}（{lim.basis}）")
        start_event = "立案次日" if lim.start_day == lim.filed_on + timedelta(days=1) else "收到申请次日"
        print(f"  起算日 {lim.start_day.isoformat()}（{start_event}）；名义届满日 {_fmt(lim.nominal_end)}")
        for e in lim.extensions:
            print(f"  延长 {e.months}个月（计入{e.counted_months}个月），{e.approved_on.isoformat()}批准"
                  + ("，已层报高院备案" if e.high_court_filed else "") + (f"；{e.note}" if e.note else ""))
        for d in lim.deductions:
            print(f"  扣除 {'、'.join(d.kinds) or '扣除期间'} {d.start.isoformat()}至{d.end.isoformat()}，计{d.days}日"
                  + ("（尚未结束，计至今日）" if d.running else ""))
        if lim.deductions:
            print(f"  合计扣除 {lim.deducted_days}日（重叠期间只计一次）")
        for u in lim.uncounted:
            print(f"  未计入 {'、'.join(u.kinds) or '扣除期间'} {u.start.isoformat()}至{u.end.isoformat()}：{u.reason}")
        line = f"  届满日 {_fmt(lim.due_on)}"
        if lim.rolled_from:
            line += f"，由{_fmt(lim.rolled_from)}顺延（节假日）"
        print(line)
        if lim.closed_on:
            print(f"  {lim.closed_on.isoformat()}结案（或终本裁定送达），期限停止计算"
                  + ("，按期结案" if not lim.overdue_days else ""))
        elif lim.provisional:
            print(f"  【暂定】{lim.provisional_note}")
        if lim.paused:
            print("  扣除期间尚未结束，期限暂停计算")
        if lim.overdue_days:
            print(f"  已超期 {lim.overdue_days}日" + ("，须逐案书面说明原因" if lim.explanation_owed else "，已出具书面说明"))
        for n in (*lim.notes, *result.notes):
            print(f"  注意：{n}")
        if case.status != "已结":
            print(f"终本裁定最早可作出日：{_fmt(result.zhongben_earliest_on)}")
        print()
        print("全部期限：")
        for it in result.items:
            flag = []
            if it.rolled_from:
                flag.append(f"顺延自{it.rolled_from.isoformat()}")
            if it.provisional:
                flag.append(f"暂定：{cal.source(it.due_on.year)}")
            if it.overdue_days:
                flag.append(f"超期{it.overdue_days}日")
            if it.done_on:
                flag.append(f"{it.done_on.isoformat()}完成")
            print(f"  [{it.status}] {it.due_on.isoformat()}　{it.label}" + (f"（{'；'.join(flag)}）" if flag else ""))
            print(f"          依据：{it.basis}")
        return 0


def _list(args, ctx, today: date) -> int:
    from execdesk.services.deadlines import open_case_overview

    rows = open_case_overview(ctx.store, today=today, include_all=args.all, priority_only=args.priority)
    shown = rows[: max(0, args.limit)]
    if args.json:
        print(json.dumps({"today": today.isoformat(), "count": len(rows),
                          "cases": [_jsonable(asdict(r)) for r in shown]}, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print(f"截至{today.isoformat()}，没有{'未结' if args.all else '预警或超期的'}案件。")
        return 0
    print(f"截至{today.isoformat()}：{len(rows)}件" + ("未结案件" if args.all else "预警或超期案件")
          + (f"（显示前{len(shown)}件）" if len(shown) < len(rows) else ""))
    print("案号　承办人　执行期限届满　最近期限　预警　超期天数　书面说明　标记")
    for r in shown:
        marks = list(r.priority)
        if r.provisional:
            marks.append("暂定")
        print(f"{r.case_number}　{r.handler or '未定'}　{r.limit_due_on.isoformat()}　"
              f"{r.next_due_on.isoformat() if r.next_due_on else '—'}（{r.next_label or ''}）　"
              f"{LEVEL_TEXT.get(r.warning_level, '')}　{r.overdue_days or ''}　{'须出具' if r.explanation_owed else ''}　"
              f"{'、'.join(marks)}")
    return 0
