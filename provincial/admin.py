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
    execdesk-platform [--db URL] create-account zhangwei 鲁0102 --role 承办人 --display-name 张伟
                                                  (person account 鲁0102/zhangwei; without --role: a
                                                   one-per-court account, role 法院, deprecated)
    execdesk-platform [--db URL] list-devices 鲁0102/zhangwei
    execdesk-platform [--db URL] revoke-device 鲁0102/zhangwei DEVICE_ID
    execdesk-platform [--db URL] deactivate-account 鲁0102/zhangwei      (--staff: a 指挥中心 account)
    execdesk-platform [--db URL] reactivate-account 鲁0102/zhangwei
    execdesk-platform [--db URL] reset-password 鲁0102/zhangwei          (password as for create-account)
    execdesk-platform [--db URL] auth-log [ACCOUNT] [--limit 100]

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
                      ("hash_queue", "EXECDESK_PLATFORM_HASH_QUEUE"),
                      ("refresh_ttl", "EXECDESK_PLATFORM_REFRESH_TTL"),
                      ("refresh_max", "EXECDESK_PLATFORM_REFRESH_MAX"),
                      ("refresh_grace", "EXECDESK_PLATFORM_REFRESH_GRACE"),
                      ("clock_file", "EXECDESK_PLATFORM_CLOCK_FILE")):
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
    from provincial import auth

    password = os.environ.get("EXECDESK_PLATFORM_PASSWORD") or getpass.getpass("设置密码：")
    with _session(args) as s, s.begin():
        if args.role:
            acct = auth.create_person_account(s, args.court, args.account, password, args.role, args.display_name)
            print(f"已创建账号 {acct.name}（{acct.display_name}，{acct.role}）")
            return 0
        service.create_account(s, args.account, args.court, password)
    print(f"已创建账号 {args.account}（{args.court}，法院共用账号，已不推荐：请为每人创建账号 --role 角色）")
    return 0


def _staff_action(s, name: str, action: str, password: str | None = None) -> int:
    """deactivate / reactivate / reset of a 指挥中心 staff account; ends its browser sessions."""
    from sqlalchemy import delete

    from provincial import auth
    from provincial.models import PStaff, PWebSession

    staff = s.get(PStaff, name)
    if staff is None:
        raise PlatformError(404, "no_account", f"平台上没有指挥中心账号“{name}”")
    if action == "reactivate":
        staff.active = True
    else:
        if action == "deactivate":
            staff.active = False
        else:
            if len(password or "") < 10:
                raise PlatformError(400, "invalid", "指挥中心账号密码至少10位")
            staff.password_hash = service.hash_password(password or "")
        s.execute(delete(PWebSession).where(PWebSession.staff_name == name))
    auth.record_event(s, {"deactivate": "deactivate", "reactivate": "reactivate"}.get(action, "reset_password"),
                      f"staff:{name}", address=auth.OPERATOR, detail="指挥中心账号")
    return 0


def cmd_list_devices(args) -> int:
    from provincial import auth

    with _session(args) as s:
        devices = auth.list_devices(s, args.account)
    if not devices:
        print(f"账号 {args.account} 没有已登录的设备")
    for d in devices:
        state = f"有效至 {d['expires_at']:%Y-%m-%d %H:%M}" if d["live"] else "已失效"
        last = f"{d['last_refresh_at']:%Y-%m-%d %H:%M}" if d["last_refresh_at"] else "无"
        print(f"{d['device_id']}  登录于 {d['signed_in_at']:%Y-%m-%d %H:%M}  最近续期 {last}  {state}")
    return 0


def cmd_revoke_device(args) -> int:
    from provincial import auth

    with _session(args) as s, s.begin():
        n = auth.revoke_device(s, args.account, args.device)
    print(f"已注销账号 {args.account} 在设备 {args.device} 上的登录（{n} 个令牌）")
    return 0


def cmd_deactivate(args) -> int:
    from provincial import auth

    with _session(args) as s, s.begin():
        if args.staff:
            _staff_action(s, args.account, "deactivate")
            n = None
        else:
            n = auth.deactivate_account(s, args.account)
    print(f"已停用账号 {args.account}" + (f"，{n} 个登录令牌已立即失效" if n is not None else "，其网页登录已结束"))
    return 0


def cmd_reactivate(args) -> int:
    from provincial import auth

    with _session(args) as s, s.begin():
        if args.staff:
            _staff_action(s, args.account, "reactivate")
        else:
            auth.reactivate_account(s, args.account)
    print(f"已恢复账号 {args.account}（需重新登录）")
    return 0


def cmd_reset_password(args) -> int:
    from provincial import auth

    password = os.environ.get("EXECDESK_PLATFORM_PASSWORD") or getpass.getpass("新密码：")
    with _session(args) as s, s.begin():
        if args.staff:
            _staff_action(s, args.account, "reset", password)
        else:
            auth.reset_password(s, args.account, password)
    print(f"已重置账号 {args.account} 的密码，原有登录已全部失效")
    return 0


def cmd_auth_log(args) -> int:
    from provincial import auth

    with _session(args) as s:
        for e in auth.auth_log(s, args.account, args.limit):
            print(f"{e.at:%Y-%m-%d %H:%M:%S}  {auth.EVENT_NAMES.get(e.event, e.event)}  {e.account}  "
                  f"设备 {e.device_id or '-'}  地址 {e.address or '-'}  {e.detail or ''}".rstrip())
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
    s.add_argument("--token-ttl", type=int, default=3600, help="访问令牌有效期（秒）")
    s.add_argument("--refresh-ttl", type=int, default=None, help="续期令牌闲置多久失效（秒，默认60天）")
    s.add_argument("--refresh-max", type=int, default=None, help="续期令牌自密码登录起最长有效期（秒，默认不限）")
    s.add_argument("--refresh-grace", type=int, default=None, help="已续期的令牌在几秒内重试不算重复使用（默认30）")
    s.add_argument("--clock-file", default=None, help=argparse.SUPPRESS)  # tests: platform clock offset (s)
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
    a.add_argument("--role", default=None, choices=("承办人", "书记员", "执行局长", "副院长", "院长", "审判员"),
                   help="个人账号的角色（账号名为 法院代字/用户名）；不填则为法院共用账号（已不推荐）")
    a.add_argument("--display-name", default=None, help="姓名")
    a.set_defaults(func=cmd_create_account)
    ld = sub.add_parser("list-devices", help="列出账号已登录的设备")
    ld.add_argument("account")
    ld.set_defaults(func=cmd_list_devices)
    rd = sub.add_parser("revoke-device", help="注销账号在某设备上的登录")
    rd.add_argument("account")
    rd.add_argument("device")
    rd.set_defaults(func=cmd_revoke_device)
    for name, fn, text in (("deactivate-account", cmd_deactivate, "停用账号（所有登录立即失效）"),
                           ("reactivate-account", cmd_reactivate, "恢复已停用的账号（须重新登录）"),
                           ("reset-password", cmd_reset_password,
                            "重置密码（所有登录立即失效；密码从提示或 EXECDESK_PLATFORM_PASSWORD 读取）")):
        x = sub.add_parser(name, help=text)
        x.add_argument("account")
        x.add_argument("--staff", action="store_true", help="指挥中心账号（create-staff 创建的）")
        x.set_defaults(func=fn)
    al = sub.add_parser("auth-log", help="查看登录审计（登录、失败、续期、注销、停用、重置）")
    al.add_argument("account", nargs="?", default=None)
    al.add_argument("--limit", type=int, default=100)
    al.set_defaults(func=cmd_auth_log)
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
