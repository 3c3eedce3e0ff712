"""Layering (DESIGN §1): ui → services → (rules, models, documents, sync); rules import nothing of the project
but rules/ and resources/; Qt is imported only in execdesk/ui/; execdesk/sync sits under services; the reference
platform imports nothing of the desktop app (it is not shipped with it). Plus: the code is lint-clean (ruff)."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "execdesk"


def imports_of(py: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(py.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def offenders(folder: Path, forbidden: tuple[str, ...], allowed: tuple[str, ...] = ()) -> dict[str, list[str]]:
    found = {}
    for py in folder.rglob("*.py"):
        bad = sorted(n for n in imports_of(py) if n.startswith(forbidden) and not n.startswith(allowed))
        if bad:
            found[str(py.relative_to(ROOT))] = bad
    return found


def test_rules_are_pure_python_without_qt_sql_or_other_layers():
    assert offenders(PKG / "rules", ("execdesk", "PySide6", "sqlalchemy", "alembic", "requests"),
                     allowed=("execdesk.rules", "execdesk.resources")) == {}


def test_qt_is_imported_only_in_the_ui_package():
    outside = {}
    for folder in [p for p in PKG.iterdir() if p.is_dir() and p.name != "ui"]:
        outside |= offenders(folder, ("PySide6", "shiboken6"))
    for py in PKG.glob("*.py"):
        bad = sorted(n for n in imports_of(py) if n.startswith(("PySide6", "shiboken6")))
        if bad:
            outside[str(py.relative_to(ROOT))] = bad
    assert outside == {}


def test_nothing_below_the_ui_imports_the_ui():
    below = {}
    for name in ("rules", "models", "services", "documents", "sync", "commands"):
        below |= offenders(PKG / name, ("execdesk.ui",))
    assert below == {}


def test_models_and_documents_do_not_reach_up_into_services():
    assert offenders(PKG / "models", ("execdesk.services", "execdesk.documents", "execdesk.sync")) == {}
    assert offenders(PKG / "documents", ("execdesk.services", "execdesk.sync", "execdesk.models")) == {}


def test_sync_client_imports_no_services_ui_or_qt():
    assert offenders(PKG / "sync", ("execdesk.services", "execdesk.ui", "PySide6")) == {}


def test_platform_is_independent_of_the_desktop_app():
    assert offenders(ROOT / "provincial", ("execdesk", "PySide6")) == {}


def test_ruff_is_clean():
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    r = subprocess.run([ruff, "check", "--output-format", "concise", "execdesk", "provincial", "tests", "bench"],
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-3000:]
