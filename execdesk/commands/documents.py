"""`execdesk doc …`: the routine enforcement documents (issue 16) and the 送签包 for the court's seal system.

- ``execdesk doc KIND 案号 --out F.pdf`` — KIND is the document's name (执行通知书, 报告财产令, 限制消费令 …) or
  its template name (notice, report_order …); ``execdesk doc kinds`` lists them. While approvals of its route
  are pending (or required content such as the case's 执行款 account is missing) a **草稿** is written and what
  is missing is printed (exit 0); otherwise the document is issued (immutable, SHA-256) or, unchanged, the
  issued version is handed out again. ``--measure ID`` / ``--subject ID`` picks what it is about;
  ``--set name=value`` fills a field the clerk types (解除理由, 协助执行单位 …).
- ``execdesk doc approve KIND 案号 --step S --user U`` — one approval step, the approver's own password.
- ``execdesk doc batch KIND (--cases 案号… | --new-today) --out-dir DIR`` — one PDF per case plus one print file.
- ``execdesk doc seal-package 案号 KIND --out DIR|F.zip`` and ``execdesk doc import-sealed PACKAGE SEALED.pdf``.
- ``execdesk doc check-templates`` — every template (shipped, presets, the court's copies) checked.
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

_SUBCOMMANDS = ("kinds", "approve", "batch", "seal-package", "import-sealed", "check-templates", "subjects")


def register(sub) -> None:
    p = sub.add_parser("doc", help="日常执行文书（执行通知书、报告财产令、限制消费令……）、批量生成、送签包")
    p.add_argument("what", help="文书种类（如 执行通知书），或 kinds / approve / batch / seal-package / "
                                "import-sealed / check-templates / subjects")
    p.add_argument("args", nargs="*", help="案号等")
    p.add_argument("--out", type=Path, help="输出 PDF 文件（送签包：目录或 .zip）")
    p.add_argument("--out-dir", type=Path, help="批量生成的输出目录")
    p.add_argument("--cases", nargs="+", help="批量：案号列表")
    p.add_argument("--new-today", action="store_true", help="批量：今天立案的全部案件")
    p.add_argument("--measure", "--subject", dest="subject", help="文书针对的措施/文书/当事人编号（见 doc subjects）")
    p.add_argument("--set", dest="fields", action="append", default=[], metavar="字段=值",
                   help="需要填写的字段，如 release_reason=被执行人已履行完毕")
    p.add_argument("--date", help="文书日期（默认今天；需审批的文书默认审批时的日期）")
    p.add_argument("--draft", action="store_true", help="只生成草稿，不出具")
    p.add_argument("--reissue", action="store_true", help="重新出具（生成新版本）")
    p.add_argument("--step", help="审批步骤")
    p.add_argument("--user", help="审批人账号")
    p.add_argument("--opinion", help="审批意见")
    p.add_argument("--reject", action="store_true", help="不同意（须写明理由）")
    p.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码")
    p.add_argument("--version", dest="version_no", type=int, help="送签包：已出具文书的版本（默认最新）")
    p.add_argument("--pades-p12", type=Path, help="送签包：另附以本院证书（PKCS#12）加PAdES签名的PDF（需 pyHanko）")
    p.add_argument("--today", help="按指定日期处理（默认今天）")
    p.set_defaults(func=run)


def _options(args) -> dict:
    from execdesk.cli import UserError

    out = {}
    for item in args.fields:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UserError(f"--set 应写作 字段=值（“{item}”）")
        out[name.strip()] = value.strip()
    return out


def run(args, ctx) -> int:
    from execdesk.cli import UserError, today_arg
    from execdesk.services import routine_documents as rd
    from execdesk.services.cases import find_case_id

    today = today_arg(args)
    what = args.what
    problems = rd.check_templates()  # every template checked before any document is made
    if problems or what == "check-templates":
        for line in problems:
            print(line, file=sys.stderr)
        if not problems:
            print(f"全部文书模板检查通过（{len(rd.SLUGS)}种）")
        return 2 if problems else 0
    if what == "kinds":
        for k in rd.kinds():
            extra = {"measure": "（针对一项措施）", "document": "（针对一份文书）"}.get(k.subject, "")
            print(f"{k.kind}\t{k.slug}\t{'需审批：' + k.approval if k.approval else '无需审批'}{extra}")
        return 0
    if what == "batch":
        return _batch(args, ctx, today)
    if what == "seal-package":
        return _seal_package(args, ctx)
    if what == "import-sealed":
        return _import_sealed(args, ctx)
    if what in ("approve", "subjects"):
        if len(args.args) != 2:
            raise UserError(f"用法：execdesk doc {what} 文书种类 案号")
        kind, number = args.args
    else:
        if len(args.args) != 1:
            raise UserError("用法：execdesk doc 文书种类 案号 --out 文件.pdf")
        kind, number = what, args.args[0]
    with ctx.store.read() as session:
        case_id = find_case_id(session, number)
    if what == "subjects":
        for sid, label in rd.subjects(ctx.store, kind, case_id):
            print(f"{sid}\t{label}")
        return 0
    options = _options(args)
    if what == "approve":
        if not args.step or not args.user:
            raise UserError("请用 --step 指定审批步骤、--user 指定审批人账号")
        password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("审批人密码：")
        rd.approve(ctx.store, ctx.actor, kind, case_id, step=args.step, approver_username=args.user,
                   password=password, decision="不同意" if args.reject else "同意", opinion=args.opinion,
                   subject_id=args.subject, document_date=args.date, options=options, today=today)
        d = rd.status(ctx.store, kind, case_id, subject_id=args.subject, document_date=args.date, options=options,
                      today=today)
        print(f"已记录：{args.step}{'不同意' if args.reject else '同意'}（{args.user}）")
        print("尚需审批：" + "、".join(d.pending) if d.pending else "审批已完成，可以出具")
        return 0
    if args.out is None:
        raise UserError("请用 --out 指定输出的 PDF 文件")
    out = rd.produce(ctx.store, ctx.actor, kind, case_id, subject_id=args.subject, document_date=args.date,
                     options=options, draft_only=args.draft, reissue=args.reissue, today=today)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(out.pdf)
    if out.state == "草稿":
        print(f"已生成{out.kind}草稿（未出具，不得送达）：{args.out}")
        if out.pending:
            print("尚需审批：" + "、".join(out.pending) + f"（execdesk doc approve {out.kind} 案号 --step 步骤 --user 账号）")
        for m in out.missing:
            print(f"尚缺：{m}")
    else:
        verb = "已出具" if out.state == "新出具" else "沿用已出具的"
        print(f"{verb}{out.kind}第{out.version_no}版（{out.document_number}）：{args.out}")
        print(f"SHA-256：{out.sha256}")
    return 0


def _batch(args, ctx, today) -> int:
    from execdesk.cli import UserError
    from execdesk.services import routine_documents as rd

    if len(args.args) != 1:
        raise UserError("用法：execdesk doc batch 文书种类 (--cases 案号… | --new-today) --out-dir 目录")
    if bool(args.cases) == bool(args.new_today):
        raise UserError("请用 --cases 列出案号，或用 --new-today 选择今天立案的案件（二者选一）")
    if args.out_dir is None:
        raise UserError("请用 --out-dir 指定输出目录")
    ids = rd.new_today_case_ids(ctx.store, today) if args.new_today else rd.case_ids_for(ctx.store, args.cases)
    if not ids:
        print("没有符合条件的案件，未生成文书")
        return 0

    def progress(done, total, text):
        print(f"\r{done}/{total} {text}", end="", file=sys.stderr)

    result = rd.batch(ctx.store, ctx.actor, args.args[0], ids, args.out_dir, document_date=args.date, today=today,
                      progress=progress if sys.stderr.isatty() else None)
    for it in result.items:
        tail = f"：{it.message}" if it.message else ""
        print(f"{it.case_number}\t{it.state}\t{it.path or ''}{tail}")
    print(f"共{len(result.items)}件，出具{result.issued}件" +
          (f"；打印文件：{result.print_file}" if result.print_file else ""))
    return 0


def _seal_package(args, ctx) -> int:
    from execdesk.cli import UserError
    from execdesk.services.cases import find_case_id
    from execdesk.services.routine_documents import export_seal_package

    if len(args.args) != 2 or args.out is None:
        raise UserError("用法：execdesk doc seal-package 案号 文书种类 --out 目录或文件.zip [--version N]")
    number, kind = args.args
    with ctx.store.read() as session:
        case_id = find_case_id(session, number)
    p12 = passphrase = None
    if args.pades_p12:
        p12 = args.pades_p12.read_bytes()
        passphrase = (sys.stdin.readline().rstrip("\n") if args.password_stdin
                      else getpass.getpass("证书密码："))
    path = export_seal_package(ctx.store, ctx.actor, case_id, kind, args.out, version_no=args.version_no,
                               pades_pkcs12=p12, pades_passphrase=passphrase)
    print(f"已生成送签包：{path}")
    return 0


def _import_sealed(args, ctx) -> int:
    from execdesk.cli import UserError
    from execdesk.services.routine_documents import import_sealed

    if len(args.args) != 2:
        raise UserError("用法：execdesk doc import-sealed 送签包(目录或.zip) 已签章.pdf")
    package, sealed = (Path(a) for a in args.args)
    r = import_sealed(ctx.store, ctx.actor, package, sealed.read_bytes())
    print(f"已核验并保存签章件：{r.kind}第{r.version_no}版，SHA-256：{r.sha256}")
    return 0
