"""The Linux onedir bundle built with installer/execdesk.spec (issue 7 §1, §4): it runs, its self-test passes,
it ships what the app reads at run time and none of WebEngine/QML/Quick.

Slow (PyInstaller build ~30 s on 2 cores), so it runs only with EXECDESK_BUILD_BUNDLE=1 (set by ./run.sh test
and so by CI). The bundle is built once per session into a temporary folder by installer/build_linux.sh.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import pkgutil
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from test_selftest import all_passed, step_lines

import execdesk.commands
from execdesk.cli import build_parser
from execdesk.models.migrate import current_revision, known_revisions

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "execdesk"
# Generous ceiling: the bundle is ~220 MB; with WebEngine it would be ~400 MB more.
MAX_BUNDLE_MB = 350
UNWANTED = re.compile(r"webengine|qtqml|qt6qml|qtquick|qt6quick|qt63d|multimedia|/provincial/|fastapi|uvicorn|"
                      r"pytest|hypothesis|schemathesis", re.IGNORECASE)

pytestmark = pytest.mark.skipif(os.environ.get("EXECDESK_BUILD_BUNDLE") != "1",
                                reason="builds the PyInstaller bundle (~30 s): set EXECDESK_BUILD_BUNDLE=1")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("bundle")
    done = subprocess.run(["bash", str(ROOT / "installer" / "build_linux.sh"), "--dist", str(base / "dist"),
                           "--work", str(base / "work"), "--no-selftest"],
                          capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    return base / "dist" / "execdesk"


def run_bundle(bundle: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "FONTCONFIG_FILE")}
    env.update(EXECDESK_DATA_DIR=str(tmp_path / "data"), QT_QPA_PLATFORM="offscreen")
    return subprocess.run([str(bundle / "execdesk"), *args], capture_output=True, text=True, encoding="utf-8",
                          env=env, cwd=tmp_path, timeout=300)


def bundle_files(bundle: Path) -> list[str]:
    """Real files (PyInstaller links _internal/libX to PySide6/Qt/lib/libX on Linux: not counted twice)."""
    return sorted(str(p.relative_to(bundle)) for p in bundle.rglob("*") if p.is_file() and not p.is_symlink())


def test_bundle_selftest_passes(bundle, tmp_path):
    done = run_bundle(bundle, tmp_path, "--selftest")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "（安装版）" in done.stdout  # it really ran frozen, from the bundle
    assert all_passed(step_lines(done.stdout)), done.stdout


def test_bundle_has_no_webengine_qml_quick_or_server_code(bundle, record_property):
    files = bundle_files(bundle)
    assert [f for f in files if UNWANTED.search(f)] == []
    size_mb = sum((bundle / f).stat().st_size for f in files) / 2**20
    record_property("bundle_mb", round(size_mb, 1))
    record_property("bundle_files", len(files))
    print(f"bundle: {size_mb:.1f} MB, {len(files)} files")
    assert size_mb < MAX_BUNDLE_MB


def test_bundle_ships_the_qt_plugins_the_app_needs(bundle):
    """Platforms (offscreen for CI and the self-test, xcb for a Linux desktop), printing, image formats and
    icons; QtPdf is not in the PySide6-Essentials/Addons wheels, so there is no pdf plugin to ship."""
    plugins = bundle / "_internal" / "PySide6" / "Qt" / "plugins"
    for plugin in ("platforms/libqoffscreen.so", "platforms/libqxcb.so", "printsupport/libcupsprintersupport.so",
                   "imageformats/libqjpeg.so", "imageformats/libqsvg.so", "iconengines/libqsvgicon.so"):
        assert (plugins / plugin).is_file(), plugin
    translations = sorted(p.name for p in (bundle / "_internal" / "PySide6" / "Qt" / "translations").glob("*.qm"))
    assert translations == ["qt_zh_CN.qm", "qtbase_zh_CN.qm"]


def test_bundle_ships_every_resource_and_migration_script_where_the_app_looks(bundle):
    """Same set of data files as the source tree, at _internal/execdesk/... (= sys._MEIPASS/execdesk/...)."""
    internal = bundle / "_internal"

    def data_files(base: Path) -> set[str]:
        out = set()
        for sub, keep_py in (("resources", False), ("models/migrations", True)):
            for p in (base / sub).rglob("*"):
                if p.is_file() and "__pycache__" not in p.parts and (keep_py or p.suffix != ".py"):
                    out.add(str(p.relative_to(base)))
        return out

    expected = data_files(PACKAGE)
    assert "models/migrations/env.py" in expected and "resources/rules/nodes.toml" in expected
    assert data_files(internal / "execdesk") == expected


def test_bundle_discovers_every_cli_command_and_runs_a_backup(bundle, tmp_path):
    """execdesk.commands.* are found with pkgutil at run time: all of them must be in the frozen archive."""
    parser = build_parser()
    commands = next(set(a.choices) for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert len(commands) >= len(list(pkgutil.iter_modules(execdesk.commands.__path__)))
    done = run_bundle(bundle, tmp_path, "--help")
    assert done.returncode == 0, done.stderr
    # The sub-commands are listed one a line under 子命令 with their description (issue 17: the help in Chinese).
    listed = {m.group(1) for m in re.finditer(r"(?m)^    (\w+)\s{2,}\S", done.stdout)}
    assert listed == commands

    version = run_bundle(bundle, tmp_path, "--version")
    assert version.stdout.strip() == f"ExecDesk {importlib.metadata.version('execdesk')}"

    db, copy = tmp_path / "court.sqlite3", tmp_path / "备份" / "court-copy.sqlite3"
    backup = run_bundle(bundle, tmp_path, "--db", str(db), "db", "backup", str(copy))
    assert backup.returncode == 0, backup.stdout + backup.stderr
    assert copy.exists() and "已备份到" in backup.stdout
    check = run_bundle(bundle, tmp_path, "--db", str(copy), "db", "check")
    assert check.returncode == 0 and "完整性检查通过" in check.stdout


def test_bundle_opens_the_released_0001_database_and_upgrades_it_safely(bundle, tmp_path):
    """A court's database from release 0.1 (committed fixture) opened by the frozen program: the Alembic scripts
    in the bundle bring it to head, with the backup-before-upgrade the guide promises when there is work to do."""
    db = tmp_path / "court" / "execdesk.sqlite3"
    db.parent.mkdir()
    shutil.copyfile(ROOT / "tests" / "fixtures" / "schema_0001.sqlite3", db)
    done = run_bundle(bundle, tmp_path, "--db", str(db), "db", "check")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "完整性检查通过" in done.stdout
    head, _ = known_revisions()
    assert current_revision(db) == head
    backups = sorted((db.parent / "backups").glob("execdesk.pre-upgrade-0001-to-*.sqlite3"))
    assert len(backups) == (0 if head == "0001" else 1)
    if backups:
        assert current_revision(backups[0]) == "0001"
