"""Packaging (issue 7): build the Linux onedir bundle with installer/build_linux.sh and measure it.

Prints: build time; bundle size and file count, the largest parts, whether any WebEngine/QML/Quick file is in it;
start-up of the frozen program against the same program run from source in the same run (ratio), for
``--version`` (interpreter + imports) and for the full ``--selftest``.

    .venv/bin/python bench/bench_bundle.py [--runs 7] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UNWANTED = re.compile(r"webengine|qtqml|qt6qml|qtquick|qt6quick", re.IGNORECASE)


def timed(cmd: list[str], env: dict[str, str], runs: int) -> float:
    """Median wall time (ms) of ``runs`` fresh processes; each must exit 0."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, capture_output=True, cwd=ROOT)
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def tree_size(path: Path) -> tuple[int, int]:
    """Bytes and count of real files; PyInstaller's symlinks (Linux: _internal/libX -> PySide6/Qt/lib/libX)
    take no space and are not counted."""
    files = [p for p in path.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files), len(files)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", type=Path, default=None, help="build here and keep the bundle")
    args = parser.parse_args()

    base = args.keep or Path(tempfile.mkdtemp(prefix="execdesk-bench-bundle-"))
    started = time.perf_counter()
    subprocess.run(["bash", str(ROOT / "installer" / "build_linux.sh"), "--dist", str(base / "dist"),
                    "--work", str(base / "work"), "--no-selftest"], check=True, capture_output=True)
    build_s = time.perf_counter() - started
    bundle = base / "dist" / "execdesk"

    total, count = tree_size(bundle)
    internal = bundle / "_internal"
    parts = []
    for child in internal.iterdir():
        if child.is_symlink():
            continue
        size = tree_size(child)[0] if child.is_dir() else child.stat().st_size
        parts.append((size, child.name))
    qt = internal / "PySide6" / "Qt"
    for sub in ("lib", "plugins"):
        if (qt / sub).is_dir():
            parts.append((tree_size(qt / sub)[0], f"PySide6/Qt/{sub} (of PySide6)"))
    unwanted = [str(p.relative_to(bundle)) for p in bundle.rglob("*") if UNWANTED.search(p.name)]

    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(QT_QPA_PLATFORM="offscreen", EXECDESK_DATA_DIR=str(base / "data"))
    frozen, source = [str(bundle / "execdesk")], [sys.executable, "-m", "execdesk"]
    version_frozen = timed(frozen + ["--version"], env, args.runs)
    version_source = timed(source + ["--version"], env, args.runs)
    selftest_frozen = timed(frozen + ["--selftest"], env, max(1, args.runs // 2))
    selftest_source = timed(source + ["--selftest"], env, max(1, args.runs // 2))

    print(f"build (PyInstaller, clean): {build_s:.1f} s")
    print(f"bundle: {total / 2**20:.1f} MiB, {count} files; WebEngine/QML/Quick files: {len(unwanted)}")
    for size, name in sorted(parts, reverse=True)[:8]:
        print(f"  {size / 2**20:7.1f} MiB  {name}")
    print(f"--version   frozen {version_frozen:7.0f} ms | source {version_source:7.0f} ms | "
          f"ratio {version_frozen / version_source:.2f}x  (median of {args.runs})")
    print(f"--selftest  frozen {selftest_frozen:7.0f} ms | source {selftest_source:7.0f} ms | "
          f"ratio {selftest_frozen / selftest_source:.2f}x  (median of {max(1, args.runs // 2)})")
    if args.keep is None:
        shutil.rmtree(base, ignore_errors=True)
    return 1 if unwanted else 0


if __name__ == "__main__":
    raise SystemExit(main())
