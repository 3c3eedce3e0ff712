"""Layering (DESIGN §1): execdesk/sync sits under services (no services, ui or Qt imports); the reference
platform is a separate package that imports nothing of the desktop app (it is not shipped with it)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imports(package: Path) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for py in package.rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(py.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
        out[str(py.relative_to(ROOT))] = names
    return out


def test_sync_client_imports_no_services_ui_or_qt():
    bad = {f: sorted(n for n in names if n.startswith(("execdesk.services", "execdesk.ui", "PySide6")))
           for f, names in _imports(ROOT / "execdesk" / "sync").items()}
    assert {f: n for f, n in bad.items() if n} == {}


def test_platform_is_independent_of_the_desktop_app():
    bad = {f: sorted(n for n in names if n.startswith(("execdesk", "PySide6")))
           for f, names in _imports(ROOT / "provincial").items()}
    assert {f: n for f, n in bad.items() if n} == {}
