"""`execdesk --selftest` (issue 7 §3): run from source in a subprocess, as court IT would run it after installing.

Failure cases are made real, not simulated: a machine whose font configuration has no Chinese font, and an
install whose Alembic scripts and a rules file are missing (a copy of the package with them deleted).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from execdesk.models.migrate import known_revisions
from execdesk.selftest import STEPS, pdf_font_embedding

PACKAGE = Path(__file__).resolve().parent.parent / "execdesk"
CJK = re.compile(r"[\u4e00-\u9fff]")
UMING = Path("/usr/share/fonts/truetype/arphic/uming.ttc")


def run_selftest(tmp_path: Path, *, extra_env: dict[str, str] | None = None, cwd: Path | None = None,
                 pythonpath: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "FONTCONFIG_FILE"}
    env.update(EXECDESK_DATA_DIR=str(tmp_path / "data"), QT_QPA_PLATFORM="offscreen", PYTHONIOENCODING="utf-8")
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    env.update(extra_env or {})
    return subprocess.run([sys.executable, "-m", "execdesk", "--selftest"], capture_output=True, text=True,
                          encoding="utf-8", env=env, cwd=cwd or tmp_path, timeout=300)


STEP_LINE = re.compile(r"^([✓✗!]) (通过|失败|提示) (.+?)：")
# Steps that may only warn: no desktop keyring on a Linux build machine (Windows has Credential Manager); no
# pdftoppm for the in-app preview where poppler is not installed (it is on Linux CI, so there it must pass).
MAY_WARN = {"凭据存储"} | ({"文书预览与打印"} if shutil.which("pdftoppm") is None else set())


def step_lines(stdout: str) -> dict[str, str]:
    """{step name: status mark} from the result lines ("✓ 通过 数据文件：…")."""
    out = {}
    for line in stdout.splitlines():
        m = STEP_LINE.match(line)
        if m:
            out[m.group(3)] = m.group(1)
    return out


def all_passed(marks: dict[str, str]) -> bool:
    return set(marks) == {name for name, _ in STEPS} and all(
        mark == "✓" or (mark == "!" and name in MAY_WARN) for name, mark in marks.items())


def test_selftest_from_source_passes_every_step(tmp_path):
    done = run_selftest(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert all_passed(step_lines(done.stdout)), done.stdout
    assert "自检通过" in done.stdout
    # Every line court IT reads is Chinese.
    assert all(CJK.search(line) for line in done.stdout.splitlines() if line.strip())
    # The user's data folder was only looked at: no database was created there.
    assert not (tmp_path / "data" / "execdesk.sqlite3").exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="font configuration via fontconfig (Linux)")
def test_selftest_fails_in_chinese_when_qt_has_no_chinese_font(tmp_path):
    """A machine with no CJK font: Qt would draw boxes. Made real with a fontconfig file listing no fonts."""
    conf = tmp_path / "no-fonts.conf"
    conf.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">'
                    f"<fontconfig><cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>", encoding="utf-8")
    done = run_selftest(tmp_path, extra_env={"FONTCONFIG_FILE": str(conf)})
    assert done.returncode == 1, done.stdout + done.stderr
    marks = step_lines(done.stdout)
    assert marks["中文字体（界面）"] == "✗"
    assert "找不到任何简体中文字体" in done.stdout
    assert "自检未通过：1 项失败（中文字体（界面））" in done.stdout
    assert marks["数据库创建与升级"] == "✓"  # the other steps still ran and are reported


def test_selftest_names_missing_migration_scripts_and_rules_file(tmp_path):
    """The classic frozen-app failure (ANCHORS B5): Alembic scripts not shipped. Also a rules file missing."""
    broken = tmp_path / "install"
    shutil.copytree(PACKAGE, broken / "execdesk", ignore=shutil.ignore_patterns("__pycache__"))
    for script in (broken / "execdesk" / "models" / "migrations" / "versions").glob("*.py"):
        script.unlink()
    (broken / "execdesk" / "resources" / "rules" / "nodes.toml").unlink()
    done = run_selftest(tmp_path, pythonpath=broken, cwd=broken)
    assert done.returncode == 1, done.stdout + done.stderr
    assert str(broken) in done.stdout  # really ran the broken copy, not the working tree
    marks = step_lines(done.stdout)
    assert marks["数据文件"] == "✗" and "nodes.toml" in done.stdout
    assert marks["数据库创建与升级"] == "✗" and "数据库升级脚本" in done.stdout and "请重新安装" in done.stdout
    assert marks["业务服务"] == "✗" and "未执行" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_selftest_runs_a_real_schema_upgrade_with_backup_when_there_are_several_revisions(tmp_path):
    """With more than one migration the self-test builds the oldest schema, then upgrades it the way a court's
    database is upgraded at first start of a new version: backup first (ANCHORS B5). Made real by adding a
    harmless 0002 revision to a copy of the package."""
    head, _ = known_revisions()
    install = tmp_path / "install"
    shutil.copytree(PACKAGE, install / "execdesk", ignore=shutil.ignore_patterns("__pycache__"))
    (install / "execdesk" / "models" / "migrations" / "versions" / "0999_selftest_probe.py").write_text(
        f'''"""self-test probe: one extra table"""
from alembic import op
import sqlalchemy as sa

revision = "0999_selftest_probe"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("selftest_probe", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade() -> None:
    op.drop_table("selftest_probe")
''', encoding="utf-8")
    done = run_selftest(tmp_path, pythonpath=install, cwd=install)
    assert done.returncode == 0, done.stdout + done.stderr
    line = next(x for x in done.stdout.splitlines() if "数据库创建与升级" in x)
    assert line.startswith("✓")
    assert "再升级（升级前自动备份）" in line and "结构版本 0999_selftest_probe" in line
    assert "升级前备份 selftest.pre-upgrade-" in line and "-to-0999_selftest_probe." in line


def test_a_hung_step_is_named_and_ends_the_selftest(tmp_path):
    """A step that never finishes (a frozen Alembic upgrade has hung on Windows, ANCHORS B5) must not leave
    court IT in front of a silent window: the watchdog names the step and exits 3."""
    script = (
        "import sys, time\n"
        "import execdesk.selftest as st\n"
        "st.STEP_TIMEOUT_S = 1.0\n"
        "st.STEPS.insert(1, ('卡住的步骤', lambda state: time.sleep(60)))\n"
        "from execdesk.cli import main\n"
        "sys.exit(main(['--selftest']))\n")
    env = {**os.environ, "EXECDESK_DATA_DIR": str(tmp_path / "data"), "QT_QPA_PLATFORM": "offscreen",
           "PYTHONIOENCODING": "utf-8"}
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, encoding="utf-8",
                          env=env, cwd=tmp_path, timeout=120)
    assert time.monotonic() - started < 50
    assert done.returncode == 3, done.stdout + done.stderr
    assert "✗ 失败 卡住的步骤：超过 1 秒仍未完成，自检中止" in done.stdout
    assert "✓ 通过 程序" in done.stdout  # the steps before it were reported as they finished
    log = (tmp_path / "data" / "logs" / "execdesk.log").read_text(encoding="utf-8")
    assert "hung" in log and "Thread" in log  # stacks of every thread for the developers


def _pdf(path: Path, font: str) -> bytes:
    pdf = canvas.Canvas(str(path), initialFontName=font)
    pdf.setFont(font, 14)
    pdf.drawString(72, 720, "执行裁定书 终结本次执行程序" if font != "Helvetica" else "ExecDesk")
    pdf.showPage()
    pdf.save()
    return path.read_bytes()


def _pdffonts_embedded(path: Path) -> dict[str, bool]:
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    result = {}
    for row in rows:
        parts = row.split()
        # name ... emb sub uni object-id gen: "emb" is the 5th field from the end
        result[parts[0]] = parts[-5] == "yes"
    return result


@pytest.mark.skipif(not UMING.exists() or not shutil.which("pdffonts"), reason="needs fonts-arphic-uming, poppler")
def test_pdf_font_check_agrees_with_pdffonts(tmp_path):
    """The self-test's own PDF font check (no poppler on court PCs) against poppler's pdffonts, both ways."""
    pdfmetrics.registerFont(TTFont("TestUMing", str(UMING), subfontIndex=0))
    good = _pdf(tmp_path / "cjk.pdf", "TestUMing")
    embedded, missing = pdf_font_embedding(good)
    assert missing == [] and len(embedded) == 1
    assert _pdffonts_embedded(tmp_path / "cjk.pdf") == {embedded[0]: True}

    bad = _pdf(tmp_path / "helvetica.pdf", "Helvetica")
    embedded, missing = pdf_font_embedding(bad)
    assert embedded == [] and missing == ["Helvetica"]
    assert _pdffonts_embedded(tmp_path / "helvetica.pdf") == {"Helvetica": False}


def test_selftest_names_a_broken_court_template_and_its_field(tmp_path):
    """Issue 16 §6: the self-test checks every document template, the court's own copies in the real data folder
    too; a copy naming an unknown field fails that step with the file and the field; every other step passes."""
    src = (PACKAGE / "resources" / "templates" / "report_order.toml").read_text(encoding="utf-8")
    (tmp_path / "data" / "templates").mkdir(parents=True)
    (tmp_path / "data" / "templates" / "report_order.toml").write_text(
        src.replace("{report_days}", "{report_weeks}"), encoding="utf-8")
    done = run_selftest(tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    marks = step_lines(done.stdout)
    assert marks["文书模板"] == "✗"
    line = next(x for x in done.stdout.splitlines() if "文书模板：" in x)
    assert "用户模板 templates/report_order.toml" in line and "未知字段“report_weeks”" in line
    assert all(mark == "✓" or name in MAY_WARN for name, mark in marks.items() if name != "文书模板")
    assert "自检未通过：1 项失败（文书模板）" in done.stdout and "Traceback" not in done.stdout + done.stderr
