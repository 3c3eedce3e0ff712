"""`execdesk db check|backup|restore|backups`."""

from __future__ import annotations

from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("db", help="数据库维护：检查、备份、恢复")
    dsub = p.add_subparsers(dest="db_command", required=True)
    c = dsub.add_parser("check", help="完整性检查（PRAGMA integrity_check）")
    c.set_defaults(func=check)
    b = dsub.add_parser("backup", help="在线备份到指定文件")
    b.add_argument("path", type=Path, help="备份文件的保存位置")
    b.set_defaults(func=backup)
    r = dsub.add_parser("restore", help="从备份文件恢复（先自动备份当前文件）")
    r.add_argument("path", type=Path, help="要恢复的备份文件")
    r.set_defaults(func=restore)
    ls = dsub.add_parser("backups", help="列出自动备份")
    ls.set_defaults(func=list_all)


def check(args, ctx) -> int:
    from execdesk.models.migrate import check_integrity

    _ = ctx.store  # open (and upgrade) first
    problems = check_integrity(ctx.db_path)
    if problems:
        for p in problems[:20]:
            print(f"问题：{p}")
        print(f"数据库 {ctx.db_path} 未通过完整性检查（{len(problems)} 项）。")
        return 3
    print(f"数据库 {ctx.db_path} 完整性检查通过。")
    return 0


def backup(args, ctx) -> int:
    from execdesk.models.backup import backup_to
    from execdesk.services.changes import audit_only

    store = ctx.store
    target = backup_to(ctx.db_path, args.path)
    with store.transaction() as s:
        audit_only(s, ctx.actor, "备份", "database", str(ctx.db_path), None, {"target": str(target)})
    print(f"已备份到 {target}")
    return 0


def restore(args, ctx) -> int:
    from datetime import UTC, datetime

    from execdesk.cli import UserError
    from execdesk.models.backup import backup_to, backups_dir, restore_from
    from execdesk.models.migrate import current_revision, known_revisions

    if not args.path.exists():
        raise UserError(f"备份文件 {args.path} 不存在")
    rev = current_revision(args.path)
    if rev is not None and rev not in known_revisions()[1]:
        raise UserError(f"备份文件 {args.path} 由更新版本的 ExecDesk 创建，不能恢复到本版本")
    if ctx.db_path.exists():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        safety = backup_to(ctx.db_path, backups_dir(ctx.db_path) / f"{ctx.db_path.stem}.before-restore.{stamp}.sqlite3")
        print(f"当前数据库已先备份到 {safety}")
    try:
        restore_from(args.path, ctx.db_path)
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    from execdesk.services.changes import audit_only

    with ctx.store.transaction() as s:  # opening also upgrades an older backup
        audit_only(s, ctx.actor, "恢复备份", "database", str(ctx.db_path), None, {"source": str(args.path)})
    print(f"已从 {args.path} 恢复。")
    return 0


def list_all(args, ctx) -> int:
    from execdesk.models.backup import list_backups

    files = list_backups(ctx.db_path)
    if not files:
        print("没有备份。")
    for f in files:
        print(f"{f}  {f.stat().st_size // 1024} KB")
    return 0
