"""`execdesk`: no arguments starts the GUI; sub-commands do headless work.

Sub-commands live in execdesk/commands/<name>.py, each with ``register(subparsers)`` that sets
``func(args, ctx) -> int``. Errors a user can fix print one Chinese line on stderr (exit 2); anything else
is logged with its traceback to the log file and reported in one line (exit 1). Never a traceback on screen.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys
from datetime import date
from pathlib import Path

from execdesk.config import default_db_path
from execdesk.logging_setup import setup_logging

log = logging.getLogger("execdesk")


class Context:
    """Lazily opened database for a CLI run."""

    def __init__(self, db_path: Path):
        self.db_path = db_path
        self._store = None

    @property
    def store(self):
        if self._store is None:
            from execdesk.models.migrate import open_database

            self._store = open_database(self.db_path)
        return self._store

    @property
    def actor(self):
        from execdesk.services.context import Actor

        return Actor.local_system()

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


def user_errors() -> tuple[type[BaseException], ...]:
    from execdesk.models.migrate import DatabaseError
    from execdesk.rules.errors import ValidationError
    from execdesk.services.cases import NotFoundError

    extra: list[type[BaseException]] = []
    try:
        from execdesk.sync.errors import SyncError  # noqa: PLC0415

        extra.append(SyncError)
    except ImportError:
        pass
    return (ValidationError, DatabaseError, NotFoundError, FileNotFoundError, UserError, *extra)


def today_arg(args) -> date:
    """The `--today D` option shared by the date-dependent commands (replays, tests); default: today."""
    from execdesk.rules.dates import parse_date

    return parse_date(args.today, "--today") if getattr(args, "today", None) else date.today()


class UserError(Exception):
    """A command-level problem the user can fix; the message is Chinese."""


# argparse's own messages (Python 3.12–3.13 wording) in Chinese: argparse looks its texts up through the
# module-level gettext functions ``_`` and ``ngettext``, which we replace with these tables (issue 17 item 11).
ARGPARSE_ZH = {
    "usage: ": "用法：",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项：%(value)r（可选：%(choices)s）",
    "invalid choice: %(value)s (choose from %(choices)s)": "无效的选项：%(value)s（可选：%(choices)s）",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多需要一个值",
    "expected at least one argument": "至少需要一个值",
    "invalid %(type)s value: %(value)r": "%(type)s 值无效：%(value)r",
    "ambiguous option: %(option)s could match %(matches)s": "选项不明确：%(option)s 可以是 %(matches)s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "one of the arguments %s is required": "参数 %s 必须选一个",
    "ignored explicit argument %r": "多余的参数值 %r",
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示版本并退出",
    "positional arguments": "子命令与参数",
    "options": "选项",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”：%(error)s",
    "unexpected option string: %s": "意外的选项：%s",
    "%r is not callable": "%r 不可调用",
    "conflicting option string: %s": "选项冲突：%s",
    "conflicting option strings: %s": "选项冲突：%s",
}
ARGPARSE_ZH_PLURAL = {"expected %s argument": "需要 %s 个值", "ambiguous option: %(option)s could match %(matches)s":
                      "选项不明确：%(option)s 可以是 %(matches)s"}


def _zh(message: str) -> str:
    return ARGPARSE_ZH.get(message, message)


def _zh_n(singular: str, plural: str, n: int) -> str:
    return ARGPARSE_ZH_PLURAL.get(singular, singular if n == 1 else plural)


argparse._ = _zh  # type: ignore[attr-defined]
argparse.ngettext = _zh_n  # type: ignore[attr-defined]


class _ChineseHelp(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, prefix="用法：" if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse with Chinese headings, help and error messages (ARGPARSE_ZH)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _ChineseHelp)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "子命令与参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def error(self, message: str):
        self.print_usage(sys.stderr)
        print(f"错误：命令参数不正确：{message}（查看说明：{self.prog} -h）", file=sys.stderr)
        raise SystemExit(2)


class _VersionAction(argparse.Action):
    """``--version``: the installed version, looked up only when asked (importlib.metadata is not cheap)."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        from execdesk import __version__

        print(f"ExecDesk {__version__}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="execdesk", description="ExecDesk 执行办案桌面端")
    parser.add_argument("--version", action=_VersionAction, help="显示版本并退出")
    parser.add_argument("--db", type=Path, default=None, help="数据库文件（默认在用户数据目录）")
    parser.add_argument("--selftest", action="store_true", help="安装后自检")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="子命令")
    import execdesk.commands as commands_pkg

    for mod in sorted(pkgutil.iter_modules(commands_pkg.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"execdesk.commands.{mod.name}")
        module.register(sub)
    return parser


def _desktop_start(argv: list[str]) -> argparse.Namespace | None:
    """``execdesk [--db FILE] [--selftest]`` (no sub-command): the options, read without building every
    command's parser (the desktop start-up path). Anything else (help, a command, a mistake): None."""
    pre = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    pre.add_argument("--db", type=Path, default=None)
    pre.add_argument("--selftest", action="store_true")
    try:
        args, rest = pre.parse_known_args(argv)
    except argparse.ArgumentError:
        return None
    return None if rest else argparse.Namespace(command=None, **vars(args))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    setup_logging()
    args = _desktop_start(argv)
    if args is None:
        args = build_parser().parse_args(argv)
    db_path = args.db or default_db_path()
    if args.selftest:
        from execdesk.selftest import run_selftest

        return run_selftest()
    if args.command is None:
        from execdesk.ui.app import run_gui

        return run_gui(db_path)
    ctx = Context(db_path)
    try:
        return int(args.func(args, ctx) or 0)
    except user_errors() as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已取消。", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the reader went away: not an error
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # a bug: keep the details in the log, not on the clerk's screen
        log.exception("command %s failed", args.command)
        from execdesk.logging_setup import log_file

        print(f"错误：程序内部错误（{type(exc).__name__}），详情见日志 {log_file()}", file=sys.stderr)
        return 1
    finally:
        ctx.close()
