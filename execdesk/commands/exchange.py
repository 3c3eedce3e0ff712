"""`execdesk import FILE.json` and `execdesk export FILE.json [案号…]`."""

from __future__ import annotations

from pathlib import Path


def register(sub) -> None:
    i = sub.add_parser("import", help="从 JSON 文件导入案件（全部成功或全部不导入）")
    i.add_argument("file", type=Path, help="要导入的案件文件（JSON）")
    i.set_defaults(func=run_import)
    e = sub.add_parser("export", help="把案件导出为 JSON 文件")
    e.add_argument("file", type=Path, help="导出到的文件（JSON）")
    e.add_argument("case_numbers", nargs="*", help="只导出这些案号（默认全部）")
    e.set_defaults(func=run_export)


def run_import(args, ctx) -> int:
    from execdesk.services.exchange import import_cases

    if not args.file.exists():
        raise FileNotFoundError(f"文件 {args.file} 不存在")
    n = import_cases(ctx.store, ctx.actor, args.file)
    print(f"已导入 {n} 件案件。")
    return 0


def run_export(args, ctx) -> int:
    from execdesk.services.exchange import export_cases

    n = export_cases(ctx.store, args.file, case_numbers=args.case_numbers or None)
    print(f"已导出 {n} 件案件到 {args.file}")
    return 0
