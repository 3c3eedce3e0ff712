"""`execdesk ruling 案号 --out FILE.pdf [--public] [--date D]`: the 终本裁定书 (or its 公开版).

- A case that is not ready exits 2 and lists, in Chinese, each unmet 终本 condition (nothing is written).
- While approvals of the court's route are pending, a **草稿** is written (banner + watermark "草稿", never
  stored as issued) and the missing steps are printed; approvers read that draft. Exit 0.
- Once every step approved exactly this draft, the ruling is issued (stored immutable with its SHA-256) and
  written; asking again hands out the same issued version unless the content changed or ``--reissue``.
- ``--check`` prints the readiness checklist only.
- Without ``--date``: the ruling date the approvers approved (recorded with the 合议, N23); a closed 终本 case
  without a stored ruling uses the day its ruling was made (N24); otherwise today (``default_ruling_date``).
"""

from __future__ import annotations

import sys
from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("ruling", help="终本裁定书：条件核查、草稿、出具（含公开版）")
    p.add_argument("case_number", help="案号，如（2026）鲁0102执100号")
    p.add_argument("--out", type=Path, help="输出 PDF 文件")
    p.add_argument("--public", action="store_true", help="输出公开版（屏蔽身份证号、住址、电话、账号）")
    p.add_argument("--date", help="裁定日期（默认：审批时确定的裁定日期；未存裁定的已结终本案件为其终本裁定作出日（N24）；否则今天）")
    p.add_argument("--draft", action="store_true", help="只生成草稿，不出具")
    p.add_argument("--reissue", action="store_true", help="重新出具（生成新版本）")
    p.add_argument("--check", action="store_true", help="只列出终本条件核查结果")
    p.add_argument("--today", help="按指定日期处理（默认今天）")
    p.set_defaults(func=run)


def run(args, ctx) -> int:
    from execdesk.cli import UserError, today_arg
    from execdesk.services.cases import find_case_id
    from execdesk.services.documents import NotReadyError, produce_ruling, ruling_date_for
    from execdesk.services.zhongben import check_readiness

    today = today_arg(args)
    with ctx.store.read() as session:
        case_id = find_case_id(session, args.case_number)
    if args.check:
        # The same date the ruling would carry (approved date; a closed case's N24 day; else today).
        r = check_readiness(ctx.store, case_id, ruling_date_for(ctx.store, case_id, args.date, today=today), today=today)
        print(f"裁定日期 {r.ruling_date.isoformat()}，最早可裁定日期 {r.earliest_on.isoformat()}：" +
              ("符合终本条件" if r.ready else f"尚有{len(r.unmet)}项条件未满足"))
        for item in r.items:
            mark = {"已满足": "✓", "未满足": "✗", "不适用": "－", "已豁免": "◎"}[str(item.status)]
            print(f"{mark} {item.status}{'（提示）' if item.advisory else ''}  {item.title}：{item.detail}")
        return 0 if r.ready else 2
    if args.out is None:
        raise UserError("请用 --out 指定输出的 PDF 文件")
    try:
        out = produce_ruling(ctx.store, ctx.actor, case_id, ruling_date=args.date, public=args.public,
                             draft=args.draft, reissue=args.reissue, today=today)
    except NotReadyError as exc:
        print(f"错误：{args.case_number}尚不符合终结本次执行程序的条件，未生成裁定书：", file=sys.stderr)
        for n, line in enumerate(exc.unmet, 1):
            print(f"  {n}. {line}", file=sys.stderr)
        return 2
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(out.pdf)
    label = "公开版" if args.public else "裁定书"
    if out.state == "草稿":
        print(f"已生成{label}草稿（未经审批，不得送达、不得上网）：{args.out}")
        if out.pending:
            print("尚需审批：" + "、".join(out.pending) + "（execdesk approve 案号 --step 步骤 --user 账号）")
    else:
        verb = "已出具" if out.state == "新出具" else "沿用已出具的"
        print(f"{verb}{label}第{out.version_no}版（裁定日期{out.ruling_date.isoformat()}）：{args.out}")
        print(f"SHA-256：{out.sha256}")
    return 0
