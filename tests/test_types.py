"""The law and its services are type-checked (issue 11 item 7): mypy over execdesk/rules, services, sync and
documents (the set and the options are [tool.mypy] in pyproject.toml) reports zero errors. Runs mypy from this
interpreter, as tests/test_layers.py runs ruff, so CI (`.ci/run` → `./run.sh test`) checks the types too."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# mypy's incremental cache outside the work tree (nothing to ignore in git), one per checkout.
CACHE = Path(tempfile.gettempdir()) / f"execdesk-mypy-{hashlib.sha256(str(ROOT).encode()).hexdigest()[:12]}"


def test_mypy_reports_no_errors_in_rules_services_sync_and_documents():
    # A cold run takes about a minute on a loaded 2-core machine; the limit stays below the per-test timeout.
    r = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(CACHE)], cwd=ROOT,
                       capture_output=True, text=True, timeout=240)
    out = r.stdout + r.stderr
    assert r.returncode == 0, "mypy found type errors:\n" + out
    assert "Success: no issues found" in out, out
