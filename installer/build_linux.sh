#!/usr/bin/env bash
# Build the Linux onedir bundle with installer/execdesk.spec (the same spec the Windows release uses), check
# it contains no WebEngine/QML/Quick, and run the bundle's own self-test. Used by CI (tests/test_bundle.py):
# a data file or hidden import missing from the spec fails here, before a Windows build is ever attempted.
#
#   installer/build_linux.sh [--dist DIR] [--work DIR] [--no-selftest]
#
# Defaults: dist/ and build/pyinstaller/ under the repository root. Python: $EXECDESK_PYTHON, else .venv.
# Needs: pyinstaller (dev extras) and objdump (Debian: binutils). Output: DIR/execdesk/execdesk.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIST=$ROOT/dist
WORK=$ROOT/build/pyinstaller
SELFTEST=1
while [ $# -gt 0 ]; do
  case "$1" in
    --dist) DIST=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --no-selftest) SELFTEST=0; shift ;;
    *) echo "usage: $0 [--dist DIR] [--work DIR] [--no-selftest]" >&2; exit 2 ;;
  esac
done
PY=${EXECDESK_PYTHON:-$ROOT/.venv/bin/python}
say() { printf '[build_linux] %s\n' "$*" >&2; }

[ -x "$PY" ] || { say "Python not found at $PY (create .venv first: ./run.sh test, or set EXECDESK_PYTHON)"; exit 1; }
"$PY" -c 'import PyInstaller' 2>/dev/null || { say "PyInstaller missing: $PY -m pip install -e '.[dev]'"; exit 1; }
command -v objdump >/dev/null || { say "objdump missing (PyInstaller needs it on Linux): apt-get install binutils"; exit 1; }

VERSION=$("$PY" -c 'from importlib.metadata import version; print(version("execdesk"))')
say "building ExecDesk $VERSION into $DIST/execdesk"
started=$(date +%s)
(cd "$ROOT" && "$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$DIST" --workpath "$WORK" installer/execdesk.spec)
BUNDLE=$DIST/execdesk
[ -x "$BUNDLE/execdesk" ] || { say "no executable at $BUNDLE/execdesk"; exit 1; }
say "built in $(( $(date +%s) - started )) s"

# What must never be shipped (WebEngine alone is ~200 MB; QML/Quick is a second UI runtime we do not use).
unwanted=$(find "$BUNDLE" \( -iname '*webengine*' -o -iname '*qtqml*' -o -iname '*qt6qml*' -o -iname '*qtquick*' \
    -o -iname '*qt6quick*' -o -path '*/provincial/*' -o -iname 'fastapi' -o -iname 'pytest' \) -print)
if [ -n "$unwanted" ]; then
  say "bundle contains files it must not ship:"; echo "$unwanted" >&2; exit 1
fi
# What must be shipped: the Alembic scripts and the resources, exactly where the app looks for them.
for required in _internal/execdesk/models/migrations/env.py _internal/execdesk/models/migrations/versions \
    _internal/execdesk/resources/case_types.toml _internal/execdesk/resources/rules/nodes.toml; do
  [ -e "$BUNDLE/$required" ] || { say "missing from bundle: $required"; exit 1; }
done

size_mb=$(du -sm "$BUNDLE" | cut -f1)
files=$(find "$BUNDLE" -type f | wc -l)
say "bundle: $BUNDLE, ${size_mb} MB, ${files} files"

if [ $SELFTEST = 1 ]; then
  say "running the bundle's self-test"
  data=$(mktemp -d)
  trap 'rm -rf "$data"' EXIT
  EXECDESK_DATA_DIR=$data QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen} "$BUNDLE/execdesk" --selftest
fi
