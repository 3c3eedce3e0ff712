"""`execdesk demo [--cases N]`: fill the database with realistic demo data."""

from __future__ import annotations

import time


def register(sub) -> None:
    p = sub.add_parser("demo", help="生成演示数据（虚构案件，不会同步到省平台）")
    p.add_argument("--cases", type=int, default=200, help="案件数量（默认200）")
    p.add_argument("--seed", type=int, default=20180317, help="随机数种子（同一种子生成同样的数据）")
    p.add_argument("--if-empty", action="store_true", help="只在数据库没有案件时生成")
    p.set_defaults(func=run)


def run(args, ctx) -> int:
    from execdesk.cli import UserError
    from execdesk.services.demo import DEMO_PASSWORD, generate_demo

    if not 1 <= args.cases <= 1_000_000:
        raise UserError("案件数量应在1到1000000之间")
    if args.if_empty:
        from sqlalchemy import func, select

        from execdesk.models import Case

        with ctx.store.read() as s:
            if s.scalar(select(func.count()).select_from(Case)):
                print("数据库已有案件，未生成演示数据。")
                return 0
    t0 = time.perf_counter()
    n = generate_demo(ctx.store, ctx.actor, args.cases, seed=args.seed)
    print(f"已生成 {n} 件演示案件，用时 {time.perf_counter() - t0:.1f} 秒。演示账号密码：{DEMO_PASSWORD}")
    return 0
