"""The `execdesk` command line (issue 2 §7): exit codes, Chinese one-line errors, round trips."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from execdesk import __version__


def run(*args: str, db: Path | None = None, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "execdesk"]
    if db is not None:
        cmd += ["--db", str(db)]
    env = dict(os.environ, **(env_extra or {}))
    return subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=120, env=env)


def test_version():
    r = run("--version")
    assert r.returncode == 0 and __version__ in r.stdout


def test_export_import_round_trip_is_identical(tmp_path):
    a, b = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    assert run("demo", "--cases", "40", db=a).returncode == 0
    out1, out2 = tmp_path / "1.json", tmp_path / "2.json"
    assert run("export", str(out1), db=a).returncode == 0
    r = run("import", str(out1), db=b)
    assert r.returncode == 0, r.stderr
    assert "已导入 40 件" in r.stdout
    assert run("export", str(out2), db=b).returncode == 0
    d1, d2 = json.loads(out1.read_text("utf-8")), json.loads(out2.read_text("utf-8"))
    d1.pop("exported_at"), d2.pop("exported_at")
    assert d1 == d2
    assert len(d1["cases"]) == 40 and sum(len(c["nodes"]) for c in d1["cases"]) > 40


def test_import_is_all_or_nothing_with_per_record_chinese_errors(tmp_path):
    a, b = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    run("demo", "--cases", "5", db=a)
    out = tmp_path / "x.json"
    run("export", str(out), db=a)
    doc = json.loads(out.read_text("utf-8"))
    doc["cases"][3]["parties"][0]["id_number"] = "370102199004121234"  # bad check digit (or wrong kind)
    doc["cases"][3]["parties"][0]["kind"] = "自然人"
    doc["cases"][1]["case"]["case_number"] = "（2026）鲁0102刑1号"
    out.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    r = run("import", str(out), db=b)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert "第2件案件" in r.stderr and "第4件案件" in r.stderr and "类型代字" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    r = run("export", str(tmp_path / "empty.json"), db=b)
    assert json.loads((tmp_path / "empty.json").read_text("utf-8"))["cases"] == []


@pytest.mark.parametrize("args, fragment", [
    (("import", "/nonexistent/file.json"), "不存在"),
    (("demo", "--cases", "0"), "案件数量"),
    (("export",), "命令参数不正确"),
])
def test_user_errors_are_one_chinese_line_without_traceback(tmp_path, args, fragment):
    r = run(*args, db=tmp_path / "a.sqlite3")
    assert r.returncode == 2
    assert fragment in r.stderr and "Traceback" not in r.stderr


def test_not_json_import_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    r = run("import", str(bad), db=tmp_path / "a.sqlite3")
    assert r.returncode == 2 and "无法读取" in r.stderr and "Traceback" not in r.stderr


def test_db_check_backup_restore(tmp_path):
    db = tmp_path / "a.sqlite3"
    run("demo", "--cases", "10", db=db)
    r = run("db", "check", db=db)
    assert r.returncode == 0 and "完整性检查通过" in r.stdout
    bk = tmp_path / "copy.sqlite3"
    assert run("db", "backup", str(bk), db=db).returncode == 0
    run("demo", "--cases", "10", "--seed", "7", db=db)
    r = run("db", "restore", str(bk), db=db)
    assert r.returncode == 0, r.stderr
    out = tmp_path / "e.json"
    run("export", str(out), db=db)
    assert len(json.loads(out.read_text("utf-8"))["cases"]) == 10
    r = run("db", "restore", str(tmp_path / "missing.sqlite3"), db=db)
    assert r.returncode == 2 and "不存在" in r.stderr


def test_corrupt_database_file_is_reported_not_crashed(tmp_path):
    db = tmp_path / "a.sqlite3"
    db.write_bytes(b"garbage" * 1000)
    r = run("export", str(tmp_path / "x.json"), db=db)
    assert r.returncode == 2 and "db restore" in r.stderr and "Traceback" not in r.stderr
