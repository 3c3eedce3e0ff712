"""`execdesk holidays [import FILE]`: which years' 放假安排 are known, and installing a new year offline (R19).

A year without an official schedule is computed with weekends only and its dates are marked 暂定. When the
国务院办公厅 notice is out, an administrator (or sync) installs it: the data is validated, stored in the data
folder and every case is recomputed.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("holidays", help="节假日安排：查看已知年份，导入新一年的放假调休安排")
    hsub = p.add_subparsers(dest="holidays_command")
    text = ("导入一年的国务院放假调休安排（UTF-8 编码的 TOML 文件：year、status、source、holidays、workdays）；"
            "须包含当年全部法定节假日及调休上班日，否则不予导入")
    imp = hsub.add_parser("import", help=text, description=text)
    imp.add_argument("file", type=Path, help="放假调休安排文件（.toml）")
    imp.add_argument("--today", help="重新计算期限时使用的日期（默认今天）")
    imp.set_defaults(func=run_import)
    p.set_defaults(func=run_show)


def run_show(args, ctx) -> int:
    from execdesk.services.deadlines import active_calendar

    cal = active_calendar()
    years = cal.known_years()
    this_year = date.today().year
    print(f"已知正式放假安排的年份：{years[0]}—{years[-1]}（共{len(years)}年）" if years else "没有任何年份的正式放假安排。")
    for y in range(this_year - 1, this_year + 3):
        state = "正式" if cal.is_known(y) else "暂定（仅按周末顺延）"
        print(f"  {y}年：{state}　{cal.source(y)}")
    return 0


def run_import(args, ctx) -> int:
    from execdesk.cli import UserError
    from execdesk.rules.dates import parse_date
    from execdesk.rules.holidays import parse_complete_schedule
    from execdesk.services.derived import install_holiday_update

    if not args.file.is_file():
        raise UserError(f"找不到文件 {args.file}")
    try:
        text = args.file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"无法读取文件 {args.file}（应为 UTF-8 编码的 TOML）：{exc}") from None
    today = parse_date(args.today, "--today") if args.today else None
    # Official only when complete: every statutory holiday of the year and its 调休 working days (issue 12).
    parse_complete_schedule(text)
    schedule = install_holiday_update(ctx.store, text, today=today)
    print(f"已导入{schedule.year}年放假安排（{schedule.source}）：放假{len(schedule.holidays)}天，"
          f"调休上班{len(schedule.workdays)}天；已重新计算全部案件的期限。")
    return 0
