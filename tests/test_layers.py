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


# ---------------------------------------------------------------- ui/ reaches data only through services (issue 11)

DATA_LAYER = ("sqlalchemy", "sqlite3", "execdesk.models")


def is_data(name: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in DATA_LAYER)


def data_imports(source: str) -> list[str]:
    """Every way a module can reach the data layer: ``import x``, ``from x import y`` (also inside functions and
    ``if TYPE_CHECKING`` blocks), ``from execdesk import models`` and ``importlib.import_module("x")`` /
    ``__import__("x")`` with a literal name (the warm-up list imports modules by name)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] if is_data(node.module) else [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            f = node.func
            called = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
            if called in ("import_module", "__import__"):
                names = [node.args[0].value]
        elif isinstance(node, ast.Tuple | ast.List | ast.Set):
            # module names in a list handed to importlib (ui.app.WARM_UP_MODULES); a check such as
            # "'sqlalchemy' in sys.modules" is not an import and is not matched
            names = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
        found += [n for n in names if is_data(n)]
    return sorted(set(found))


def test_the_data_import_scanner_sees_every_form():
    """The rule below cannot pass vacuously: each way of importing the data layer is recognised."""
    sample = (
        "import sqlite3\nfrom sqlalchemy import select\nfrom execdesk import models\n"
        "def f():\n    from execdesk.models import Case\n    import importlib\n"
        "    importlib.import_module('execdesk.models.entities')\n"
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from execdesk.models.database import Store\n"
        "WARM = ('execdesk.models.entities', 'execdesk.services.cases')\n"
        "import sqlite3x\nfrom execdesk.services.database import Store\nloaded = 'sqlalchemy' in sys.modules\n")
    assert data_imports(sample) == ["execdesk.models", "execdesk.models.database", "execdesk.models.entities",
                                    "sqlalchemy", "sqlite3"]


def test_ui_reaches_data_only_through_services():
    """DESIGN §1 / issue 11 (6): ui/ never imports SQLAlchemy, sqlite3 or execdesk.models — not at module level,
    not inside a function, not by name. It asks a service (services.database, services.lookups, case_views …).
    On the code before issue 11 this found dialogs.py, case_workspace.py, case_list.py, context.py and app.py."""
    found = {}
    for py in sorted((PKG / "ui").rglob("*.py")):
        bad = data_imports(py.read_text(encoding="utf-8"))
        if bad:
            found[str(py.relative_to(ROOT))] = bad
    assert found == {}
