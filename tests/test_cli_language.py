"""The command line in one language (issue 17 item 11): argparse's own messages in Chinese, every argument
described, no source paths in help."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from execdesk.cli import build_parser

ENGLISH = ("the following arguments are required", "invalid choice", "unrecognized arguments", "usage:",
           "expected one argument", "error:", "positional arguments", "show this help")


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "execdesk", *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("args, chinese", [
    (("sync", "resolve"), "缺少必需的参数：change_id, choice"),
    (("sync", "resolve", "x", "maybe"), "无效的选项：'maybe'"),
    (("demo", "--casse", "3"), "无法识别的参数：--casse 3"),
    (("demo", "--cases", "many"), "int 值无效：'many'"),
    (("bogus",), "参数 子命令：无效的选项：'bogus'"),
])
def test_argparse_messages_are_chinese(args, chinese):
    r = _run(*args)
    assert r.returncode == 2
    assert chinese in r.stderr and "用法：" in r.stderr, r.stderr
    for english in ENGLISH:
        assert english not in r.stderr, (english, r.stderr)


def _actions(parser: argparse.ArgumentParser, path: list[str]):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            described = {c.dest for c in action._choices_actions}
            for name, child in action.choices.items():
                yield path + [name], "（子命令）", name in described
                yield from _actions(child, path + [name])
        else:
            yield path, action.option_strings or action.dest, bool(action.help)


def test_every_argument_and_command_is_described():
    missing = [(" ".join(p), a) for p, a, ok in _actions(build_parser(), ["execdesk"]) if not ok]
    assert missing == []


def test_help_is_chinese_and_names_no_source_path():
    r = _run("holidays", "import", "-h")
    assert r.returncode == 0 and "用法：" in r.stdout and "放假调休安排文件" in r.stdout
    assert "resources/" not in r.stdout and ".md" not in r.stdout
    for english in ENGLISH:
        assert english not in r.stdout
