"""`execdesk approve 案号 --step 院长 --user sunli [--opinion …] [--reject] [--panel a,b] [--date D]`.

Records one approval step of the 终本 ruling on its current draft, confirmed by the approver's own password
(asked without echo; ``--password-stdin`` reads it from standard input for scripts). ``--status`` lists the
steps of the court's route and which are done.
"""

from __future__ import annotations

import getpass
import sys


def register(sub) -> None:
    p = sub.add_parser("approve", help="终本裁定审批（合议庭、执行局长、院长审签），需审批人本人密码")
    p.add_argument("case_number", help="案号")
    p.add_argument("--step", help="审批步骤，如 合议庭 / 执行局长 / 院长 / 申请人确认")
    p.add_argument("--user", help="审批人账号")
    p.add_argument("--opinion", help="审批意见")
    p.add_argument("--reject", action="store_true", help="不同意（须写明理由）")
    p.add_argument("--panel", help="合议庭成员账号（审判长即审批人本人），以逗号分隔")
    p.add_argument("--date", help="裁定日期（默认今天）")
    p.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码")
    p.add_argument("--status", action="store_true", help="只显示审批进度")
    p.add_argument("--today", help="按指定日期处理（默认今天）")
    p.set_defaults(func=run)


def run(args, ctx) -> int:
    from execdesk.cli import UserError, today_arg
    from execdesk.services.approvals import approval_status, approve_ruling
    from execdesk.services.cases import find_case_id

    today = today_arg(args)
    with ctx.store.read() as session:
        case_id = find_case_id(session, args.case_number)
    if not args.status:
        if not args.step or not args.user:
            raise UserError("请用 --step 指定审批步骤、--user 指定审批人账号")
        password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("审批人密码：")
        panel = [u for u in (args.panel or "").replace("，", ",").split(",") if u.strip()]
        approve_ruling(ctx.store, ctx.actor, case_id, step=args.step, approver_username=args.user,
                       password=password, decision="不同意" if args.reject else "同意", opinion=args.opinion,
                       ruling_date=args.date, panel=panel, today=today)
        print(f"已记录：{args.step}{'不同意' if args.reject else '同意'}（{args.user}）")
    for s in approval_status(ctx.store, case_id, ruling_date=args.date, today=today):
        state = "已完成" if s.done else ("内容已变化，需重新审批" if s.stale else (s.decision or "待审批"))
        who = f"，{s.approver}" if s.approver else ""
        print(f"{s.name}（{'、'.join(s.roles)}）：{state}{who}")
    return 0
