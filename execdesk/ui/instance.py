"""A second ExecDesk on the same database (issue 17 item 10; docs/decisions.md item 21).

Both work, safely: every write transaction takes SQLite's write lock first (BEGIN IMMEDIATE, decisions item 17)
and waits its turn; rows carry a version counter, so a save of a row another ExecDesk changed since it was
read fails instead of overwriting (the corrections check the version the form read, the lead's write pipeline
does so for every form). The person is told once, at start, that another window has the database open, so a
refused save is no surprise. The lock file only detects the other instance; it never blocks anyone.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLockFile

_held: list[QLockFile] = []  # the lock lives as long as the application


def claim(db_path: Path) -> bool:
    """Take the database's instance lock (``<db>.instance.lock``). False if another ExecDesk holds it."""
    lock = QLockFile(str(Path(db_path).with_name(Path(db_path).name + ".instance.lock")))
    if lock.tryLock(0):
        _held.append(lock)
        return True
    return False


def release() -> None:
    while _held:
        _held.pop().unlock()


NOTICE = ("另一个 ExecDesk 窗口（本机或共享文件夹中的另一台电脑）正在使用同一个数据库：\n{0}\n\n"
          "两边都可以正常查看和保存，保存会依次进行，不会互相覆盖：如果您要保存的记录刚刚已在另一个窗口中被修改，"
          "系统会拒绝这次保存并提示您重新打开该记录后再改。")
