"""`execdesk-platform`: run and administer the reference provincial platform.

    execdesk-platform [--db URL] serve [--host 127.0.0.1] [--port 8765] [--cert PEM --key PEM]
    execdesk-platform [--db URL] create-court 鲁0102 济南市历下区人民法院
    execdesk-platform [--db URL] create-account lixia-zx 鲁0102          (password from a prompt or
                                                                          EXECDESK_PLATFORM_PASSWORD)
    execdesk-platform [--db URL] issue 督办 --case-number （2026）鲁0102执100号 --title … [--body …] [--due …]
    execdesk-platform [--db URL] show [鲁0102]
    execdesk-platform [--db URL] revoke [account]
    execdesk-platform [--db URL] demo-setup                              (鲁0102 lixia, 鲁0103 shizhong)
    execdesk-platform [--db URL] create-staff zhang --role 中院 --courts 鲁0102,鲁0103   (指挥中心 web view)
    execdesk-platform [--db URL] migrate                                 (also run on every start)

The database URL is --db, else EXECDESK_PLATFORM_DB, else sqlite:///provincial.sqlite3.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from datetime import date

from sqlalchemy.orm import Session

from provincial import service
from provincial.models import db_url_from_env, make_engine
from provincial.service import PlatformError


def _session(args) -> Session:
    return Session(make_engine(db_url_from_env(args.db)), expire_on_commit=False)


def cmd_serve(args) -> int:
    import logging

    import uvicorn

    from provincial.app import app_from_env

    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logging.getLogger("provincial").addHandler(handler)
    logging.getLogger("provincial").setLevel(logging.WARNING)

    # Settings travel by environment (several worker processes need an import string and read them there).
    os.environ["EXECDESK_PLATFORM_DB"] = db_url_from_env(args.db)
    os.environ["EXECDESK_PLATFORM_TOKEN_TTL"] = str(args.token_ttl)
    os.environ["EXECDESK_PLATFORM_MIN_APP"] = args.min_app_version
    for flag, env in (("signin_account_failures", "EXECDESK_PLATFORM_SIGNIN_ACCOUNT_FAILURES"),
                      ("signin_address_failures", "EXECDESK_PLATFORM_SIGNIN_ADDRESS_FAILURES"),
                      ("signin_window", "EXECDESK_PLATFORM_SIGNIN_WINDOW"),
                      ("hash_workers", "EXECDESK_PLATFORM_HASH_WORKERS"),
                      ("hash_queue", "EXECDESK_PLATFORM_HASH_QUEUE")):
        if getattr(args, flag) is not None:
            os.environ[env] = str(getattr(args, flag))
    if args.workers > 1:
        from provincial.models import make_engine as _make

        _make(db_url_from_env(args.db)).dispose()  # migrate once before the workers start
        uvicorn.run("provincial.app:app_from_env", factory=True, workers=args.workers, host=args.host,
                    port=args.port, log_level=args.log_level, ssl_certfile=args.cert, ssl_keyfile=args.key,
                    access_log=False)
        return 0
    app = app_from_env()
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level,
                ssl_certfile=args.cert, ssl_keyfile=args.key, access_log=False)
    return 0


def cmd_create_court(args) -> int:
    with _session(args) as s, s.begin():
        service.create_court(s, args.code, args.name)
    print(f"已创建法院 {args.code} {args.name}")
    return 0


def cmd_create_account(args) -> int:
    password = os.environ.get("EXECDESK_PLATFORM_PASSWORD") or getpass.getpass("设置密码：")
    with _session(args) as s, s.begin():
        service.create_account(s, args.account, args.court, password)
    print(f"已创建账号 {args.account}（{args.court}）")
    return 0


def cmd_issue(args) -> int:
    due = date.fromisoformat(args.due) if args.due else None
    with _session(args) as s, s.begin():
        item = service.issue_item(s, kind=args.kind, title=args.title, body=args.body, case_id=args.case_id,
                                  case_number=args.case_number, court_code=args.court, issued_by=args.issued_by,
                                  due_on=due)
        print(f"已下发{item.kind}：{item.title} → {item.court_code}（序号 {item.seq}）")
    return 0


def cmd_transfer_case(args) -> int:
    """移送: the case register moves the case to another court (audited as a 移送 event)."""
    import getpass

    from provincial.register import transfer_case

    operator = args.operator or getpass.getuser()
    with _session(args) as s, s.begin():
        case = transfer_case(s, args.case_number, args.to, operator=operator, from_court=args.from_court,
                             reason=args.reason)
        print(f"已移送：{case.case_number} → {case.court_code}")
    return 0


def cmd_show(args) -> int:
    with _session(args) as s:
        for c in service.court_summaries(s):
            if args.court and c["code"] != args.court:
                continue
            print(f"{c['code']} {c['name']}：案件 {c['cases']}，已接收 {c['accepted']}，已拒收 {c['rejected']}，"
                  f"冲突 {c['conflict']}，最近上报 {c['last_received'] or '无'}")
            if args.court:
                for item in service.feed_items(s, args.court, args.limit):
                    answer = f"回复（{item.replied_by}）：{item.reply}" if item.reply else "未回复"
                    print(f"  下发#{item.seq} {item.kind} {item.case_number or ''} {item.title} — {answer}")
                for ch in service.recent_changes(s, args.court, args.limit):
                    reason = ch.result.get("reason") or ""
                    print(f"  {ch.server_seq or '-':>6} {ch.received_at:%Y-%m-%d %H:%M:%S} {ch.entity:<16} "
                          f"{ch.entity_id} {ch.status} {reason}")
    return 0


DEMO_COURTS = {"鲁0102": ("济南市历下区人民法院", "lixia"), "鲁0103": ("济南市市中区人民法院", "shizhong")}


def cmd_demo_setup(args) -> int:
    """Two demo courts with one account each (password from EXECDESK_PLATFORM_PASSWORD or a prompt)."""
    password = os.environ.get("EXECDESK_PLATFORM_PASSWORD") or getpass.getpass("演示账号密码：")
    with _session(args) as s, s.begin():
        for code, (name, account) in DEMO_COURTS.items():
            service.create_court(s, code, name)
            s.flush()
            service.create_account(s, account, code, password)
            print(f"{code} {name}：账号 {account}")
    return 0


def cmd_create_staff(args) -> int:
    from provincial.center import create_staff

    password = os.environ.get("EXECDESK_PLATFORM_PASSWORD") or getpass.getpass("设置密码：")
    courts = [c for c in (args.courts or "").split(",") if c.strip()]
    with _session(args) as s, s.begin():
        create_staff(s, args.name, args.display_name or args.name, args.role, password, courts)
    scope = "全省各法院" if args.role == "省院" else "、".join(courts)
    print(f"已创建指挥中心账号 {args.name}（{args.role}，可查看：{scope}）")
    return 0


def cmd_migrate(args) -> int:
    from provincial import migrate

    engine = make_engine(db_url_from_env(args.db), migrate=False)
    migrate.upgrade(engine)
    print(f"数据库已是最新结构（{migrate.current(engine)}）")
    return 0


def cmd_revoke(args) -> int:
    with _session(args) as s, s.begin():
        n = service.revoke_tokens(s, args.account)
    print(f"已注销 {n} 个登录令牌")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="execdesk-platform", description="ExecDesk 参考省级平台（测试与演示用）")
    p.add_argument("--db", default=None, help="数据库URL（默认 EXECDESK_PLATFORM_DB 或 sqlite:///provincial.sqlite3）")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="启动平台服务")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8765)
    s.add_argument("--cert", default=None, help="TLS证书（PEM）")
    s.add_argument("--key", default=None, help="TLS私钥（PEM）")
    s.add_argument("--token-ttl", type=int, default=3600, help="令牌有效期（秒）")
    s.add_argument("--min-app-version", default="0.1.0")
    s.add_argument("--log-level", default="warning")
    s.add_argument("--workers", type=int, default=1, help="进程数（PostgreSQL时可大于1）")
    s.add_argument("--signin-account-failures", type=int, default=None, help="同一账号连续失败几次后临时锁定（默认5）")
    s.add_argument("--signin-address-failures", type=int, default=None, help="同一地址失败几次后临时锁定（默认30）")
    s.add_argument("--signin-window", type=int, default=None, help="失败计数与锁定时长（秒，默认900）")
    s.add_argument("--hash-workers", type=int, default=None, help="密码校验线程数（默认2）")
    s.add_argument("--hash-queue", type=int, default=None, help="等待密码校验的登录请求上限（默认16）")
    s.set_defaults(func=cmd_serve)
    st = sub.add_parser("create-staff", help="创建指挥中心账号（省院：全省；中院：指定法院）")
    st.add_argument("name")
    st.add_argument("--role", required=True, choices=("省院", "中院"))
    st.add_argument("--display-name", default=None)
    st.add_argument("--courts", default="", help="中院账号可查看的法院代字，逗号分隔")
    st.set_defaults(func=cmd_create_staff)
    sub.add_parser("migrate", help="把数据库升级到最新结构（服务启动时也会自动执行）").set_defaults(func=cmd_migrate)
    c = sub.add_parser("create-court", help="创建法院")
    c.add_argument("code", help="法院代字，如 鲁0102")
    c.add_argument("name", help="法院名称")
    c.set_defaults(func=cmd_create_court)
    a = sub.add_parser("create-account", help="创建法院账号（密码从提示或 EXECDESK_PLATFORM_PASSWORD 读取）")
    a.add_argument("account")
    a.add_argument("court", help="所属法院代字")
    a.set_defaults(func=cmd_create_account)
    i = sub.add_parser("issue", help="向案件（或法院）下发督办、预警等")
    i.add_argument("kind", choices=service.FEED_KINDS)
    i.add_argument("--title", required=True)
    i.add_argument("--body", default=None)
    i.add_argument("--case-id", default=None)
    i.add_argument("--case-number", default=None)
    i.add_argument("--court", default=None, help="不针对具体案件时的法院代字")
    i.add_argument("--issued-by", default="省法院执行指挥中心")
    i.add_argument("--due", default=None, help="要求回复日期 YYYY-MM-DD")
    i.set_defaults(func=cmd_issue)
    tr = sub.add_parser("transfer-case", help="把案件移送到另一法院（案件登记随之变更，留痕）")
    tr.add_argument("case_number", help="案号")
    tr.add_argument("--to", required=True, help="接收法院代字")
    tr.add_argument("--from", dest="from_court", default=None, help="原法院代字（默认取案号中的代字）")
    tr.add_argument("--reason", default=None)
    tr.add_argument("--operator", default=None, help="操作人（默认为系统登录名）")
    tr.set_defaults(func=cmd_transfer_case)
    sh = sub.add_parser("show", help="查看各法院上报情况")
    sh.add_argument("court", nargs="?", default=None)
    sh.add_argument("--limit", type=int, default=50)
    sh.set_defaults(func=cmd_show)
    sub.add_parser("demo-setup", help="创建两个演示法院（鲁0102、鲁0103）及其账号").set_defaults(func=cmd_demo_setup)
    r = sub.add_parser("revoke", help="注销登录令牌（全部或某账号）")
    r.add_argument("account", nargs="?", default=None)
    r.set_defaults(func=cmd_revoke)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except PlatformError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"错误：参数不正确（{exc}）", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
