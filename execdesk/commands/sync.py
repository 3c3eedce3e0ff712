"""`execdesk sync`: one sync round (for Windows Task Scheduler), and sign-in / status / conflicts.

    execdesk sync                      run one round; exit 0 ok, 2 stopped (message on stderr)
    execdesk sync login [--server URL] [--account NAME] [--ca-bundle PEM]
                                       asks for the password (never stored; only the token, in the keyring)
    execdesk sync logout
    execdesk sync status
    execdesk sync conflicts            list conflicts and rejected changes
    execdesk sync resolve CHANGE_ID mine|theirs|retry|dismiss
"""

from __future__ import annotations

import getpass
import sys


def register(sub) -> None:
    p = sub.add_parser("sync", help="与省平台同步（上报、接收督办预警）")
    p.set_defaults(func=run_round, sync_cmd=None)
    s = p.add_subparsers(dest="sync_cmd")
    login = s.add_parser("login", help="登录省平台（密码不保存，令牌存入系统凭据管理器）")
    login.add_argument("--server", default=None, help="省平台地址，如 https://zxzh.example.court/")
    login.add_argument("--account", default=None, help="省平台账号")
    login.add_argument("--ca-bundle", default=None, help="法院内网CA证书文件（PEM）")
    login.set_defaults(func=run_login)
    s.add_parser("logout", help="退出省平台登录（删除令牌）").set_defaults(func=run_logout)
    s.add_parser("status", help="同步状态").set_defaults(func=run_status)
    s.add_parser("conflicts", help="列出冲突和被拒收的变更").set_defaults(func=run_conflicts)
    r = s.add_parser("resolve", help="处理冲突或被拒收的变更")
    r.add_argument("change_id", help="变更编号（见 execdesk sync conflicts）")
    r.add_argument("choice", choices=["mine", "theirs", "retry", "dismiss"],
                   help="mine=保留本地 theirs=采用平台（冲突）；retry=重新上报 dismiss=不再上报（被拒收）")
    r.set_defaults(func=run_resolve)


def _progress(done: int, total: int, message: str) -> None:
    if sys.stderr.isatty():
        print(f"\r{message}", end="", file=sys.stderr, flush=True)


def run_round(args, ctx) -> int:
    from execdesk.config import Settings
    from execdesk.services.sync import run_sync

    report = run_sync(ctx.store, Settings.load(), progress=_progress)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(report.summary())
    return 0


def run_login(args, ctx) -> int:
    from execdesk.config import Settings
    from execdesk.services.sync import sign_in

    settings = Settings.load()
    if args.ca_bundle is not None:
        settings.ca_bundle = args.ca_bundle
    from execdesk.sync import credentials
    from execdesk.sync.errors import SyncError
    from execdesk.sync.transport import Transport

    try:
        server = args.server or settings.server_url or input("省平台地址：").strip()
        from execdesk.services.sync import default_account

        account = (args.account or settings.court_account or default_account(ctx.store, settings)
                   or input("省平台账号（法院代字/用户名）：").strip())
        Transport(server, settings.ca_bundle).close()  # a bad address or CA path is reported before the password
        credentials.ensure_keyring()  # and so is a machine where the token could not be kept safely
        password = getpass.getpass("省平台密码（不会保存）：")
    except EOFError as exc:
        raise SyncError("没有输入，已取消登录") from exc
    result = sign_in(ctx.store, settings, account, password, server_url=server)
    print(f"已登录省平台：{result.court_name}（{result.court_code}）。令牌已保存在系统凭据管理器中，密码未保存。")
    return 0


def run_logout(args, ctx) -> int:
    from execdesk.config import Settings
    from execdesk.services.sync import sign_out

    warning = sign_out(Settings.load())
    print("已退出省平台登录（本机登录已在省平台注销，令牌已从系统凭据管理器清除）。" if not warning else warning)
    return 0


def run_status(args, ctx) -> int:
    from execdesk.config import Settings
    from execdesk.services.sync import sync_status

    print(sync_status(ctx.store, Settings.load()).summary())
    return 0


def run_conflicts(args, ctx) -> int:
    from execdesk.services.sync import list_conflicts

    items = list_conflicts(ctx.store)
    if not items:
        print("没有待处理的冲突或被拒收的变更。")
        return 0
    for c in items:
        label = "冲突" if c.kind == "conflict" else "被拒收"
        print(f"[{label}] {c.change_id} {c.case_number or c.case_id or ''} {c.entity} {c.entity_id}：{c.reason}")
        for d in c.differences:
            print(f"    {d.name}：本地={d.mine!r} 平台={d.theirs!r}")
    return 0


def run_resolve(args, ctx) -> int:
    from execdesk.services.sync import resolve_conflict, resolve_quarantined

    if args.choice in ("mine", "theirs"):
        resolve_conflict(ctx.store, ctx.actor, args.change_id, args.choice)
    else:
        resolve_quarantined(ctx.store, ctx.actor, args.change_id, args.choice)
    print("已处理。下次同步时生效。")
    return 0
