"""`execdesk explain 案号|--overdue [--handler 账号] --out FILE.pdf [--issue]`: 书面说明 for overdue cases.

With 案号: the case's explanation (``--reason CODE`` …, ``--text``, ``--next``, ``--plan-date``,
``--plan-method`` save the draft first; ``--issue`` issues it: stored immutable, marked 已出具).
With ``--overdue``: every overdue case of ``--handler`` (or of the court) in one PDF behind a cover list
(``--issue`` stores the batch as an issued 书面说明汇总). ``--reasons`` lists the reason codes.
"""

from __future__ import annotations

from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("explain", help="超期未结案件书面说明（单件或批量）")
    p.add_argument("case_number", nargs="?", help="案号")
    p.add_argument("--overdue", action="store_true", help="全部超期未结案件（批量，一个 PDF）")
    p.add_argument("--handler", help="只含该承办人账号的案件（与 --overdue 同用）")
    p.add_argument("--out", type=Path, help="输出 PDF 文件")
    p.add_argument("--issue", action="store_true", help="出具（存档为不可修改的版本）")
    p.add_argument("--reason", action="append", default=[], help="超期原因代码，可重复（见 --reasons）")
    p.add_argument("--text", help="具体情况")
    p.add_argument("--next", dest="next_steps", help="下一步工作安排")
    p.add_argument("--plan-date", help="计划结案日期")
    p.add_argument("--plan-method", help="计划结案方式")
    p.add_argument("--reasons", action="store_true", help="列出超期原因代码")
    p.add_argument("--today", help="按指定日期处理（默认今天）")
    p.set_defaults(func=run)


def run(args, ctx) -> int:
    from execdesk.cli import UserError
    from execdesk.models import IssuedDocument
    from execdesk.services import explanations
    from execdesk.services.cases import find_case_id

    if args.reasons:
        for code, label in explanations.REASONS.items():
            print(f"{code}\t{label}")
        return 0
    from execdesk.cli import today_arg

    today = today_arg(args)
    if args.out is None:
        raise UserError("请用 --out 指定输出的 PDF 文件")
    if args.overdue == bool(args.case_number):
        raise UserError("请指定一个案号，或使用 --overdue 批量输出")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if args.overdue:
        if args.issue:
            doc_id = explanations.issue_batch(ctx.store, ctx.actor, handler_username=args.handler, today=today)
            with ctx.store.read() as s:
                doc = s.get(IssuedDocument, doc_id)
                args.out.write_bytes(doc.content)
                count = doc.meta["cases"]
            print(f"已出具书面说明汇总（{count}件）：{args.out}")
        else:
            pdf, count = explanations.batch_pdf(ctx.store, handler_username=args.handler, today=today)
            args.out.write_bytes(pdf)
            print(f"已生成书面说明汇总（{count}件）：{args.out}")
        return 0
    with ctx.store.read() as session:
        case_id = find_case_id(session, args.case_number)
    if args.reason or args.text or args.next_steps or args.plan_date or args.plan_method:
        explanations.save_draft(ctx.store, ctx.actor, case_id, reasons=args.reason, reason_text=args.text,
                                next_steps=args.next_steps, planned_close_on=args.plan_date,
                                planned_method=args.plan_method, today=today)
    if args.issue:
        doc_id = explanations.issue_explanation(ctx.store, ctx.actor, case_id, today=today)
        with ctx.store.read() as s:
            doc = s.get(IssuedDocument, doc_id)
            args.out.write_bytes(doc.content)
            print(f"已出具书面说明第{doc.version_no}版：{args.out}\nSHA-256：{doc.sha256}")
        return 0
    args.out.write_bytes(explanations.draft_pdf(ctx.store, case_id, today=today))
    print(f"已生成书面说明（未出具）：{args.out}")
    return 0
