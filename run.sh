#!/usr/bin/env bash
# ExecDesk developer entry point. Two commands (README "Quick start"):
#   ./run.sh app [--demo]   set up .venv and start the desktop app on the default database
#                           (the user data folder; --demo fills an empty database with demo cases first)
#   ./run.sh test [pytest args]   set up .venv, install the Debian packages the tests need, start PostgreSQL,
#                           and run the whole test suite
# Works from a clean clone on a fresh Debian machine as root; idempotent and quick when already set up.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
VENV=$ROOT/.venv

say() { printf '\033[1m[run.sh]\033[0m %s\n' "$*" >&2; }

find_python() {
  local c v
  for c in "${EXECDESK_PYTHON:-}" python3.13 python3.12 /root/.pyenv/versions/3.13*/bin/python3 \
           /root/.pyenv/versions/3.12*/bin/python3 /usr/local/bin/python3.1[2-9] python3; do
    [ -n "$c" ] || continue
    command -v "$c" >/dev/null 2>&1 || [ -x "$c" ] || continue
    v=$("$c" -c 'import sys; print(sys.version_info >= (3, 12))' 2>/dev/null) || continue
    [ "$v" = "True" ] && { command -v "$c" 2>/dev/null || echo "$c"; return 0; }
  done
  return 1
}

APT_UPDATED=0
apt_install() {  # install the Debian packages that are missing (root only; others are told what to install)
  local missing=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    say "missing Debian packages: ${missing[*]} (run: sudo apt-get install ${missing[*]})"; return 0
  fi
  if [ $APT_UPDATED = 0 ]; then say "apt-get update"; apt-get update -qq >/dev/null; APT_UPDATED=1; fi
  say "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Qt's xcb platform plugin and a CJK font (PLATFORM.md), plus Xvfb for machines without a screen.
QT_RUNTIME_DEBS=(fonts-wqy-zenhei fonts-arphic-uming libegl1 libgl1 libfontconfig1 libdbus-1-3 libxkbcommon0
  libxkbcommon-x11-0 libx11-xcb1 libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxcb-image0 libxcb-randr0
  libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxcb-xinerama0 xvfb xauth)
TEST_DEBS=(poppler-utils postgresql binutils chromium chromium-driver)

setup_venv() {
  local py stamp want
  if [ ! -x "$VENV/bin/python" ]; then
    py=$(find_python) || { say "Python 3.12+ not found (PySide6 6.12 aborts on 3.11, PLATFORM.md). Install python3.12."; exit 1; }
    say "creating .venv with $py"
    "$py" -m venv "$VENV"
  fi
  stamp=$VENV/.installed
  want=$(sha256sum pyproject.toml | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    say "installing ExecDesk and its dependencies into .venv"
    # pip's own chatter (editable-install warnings, index notes) goes to a log; shown only if pip fails.
    local pip_log=$VENV/pip-install.log
    if ! { "$VENV/bin/python" -m pip install -q --upgrade pip &&
           "$VENV/bin/python" -m pip install -q -e ".[dev]"; } >"$pip_log" 2>&1; then
      cat "$pip_log" >&2
      say "installation failed (log: $pip_log)"
      exit 1
    fi
    echo "$want" > "$stamp"
  fi
}

start_postgres() {  # a throwaway PostgreSQL cluster for the provincial-platform tests
  command -v pg_lsclusters >/dev/null 2>&1 || return 0
  local ver
  ver=$(pg_lsclusters -h 2>/dev/null | awk 'NR==1{print $1}')
  [ -n "$ver" ] || return 0
  if ! pg_lsclusters -h | awk '{print $4}' | grep -q online; then
    pg_ctlcluster "$ver" main start >/dev/null 2>&1 || { say "could not start PostgreSQL; PostgreSQL tests skip"; return 0; }
  fi
  su postgres -c "psql -qtc \"SELECT 1 FROM pg_roles WHERE rolname='execdesk'\"" | grep -q 1 ||
    su postgres -c "psql -qc \"CREATE ROLE execdesk LOGIN SUPERUSER PASSWORD 'execdesk'\"" >/dev/null
  su postgres -c "psql -qtc \"SELECT 1 FROM pg_database WHERE datname='execdesk_test'\"" | grep -q 1 ||
    su postgres -c "createdb -O execdesk execdesk_test" >/dev/null
  export EXECDESK_TEST_PG_URL="postgresql+psycopg://execdesk:execdesk@127.0.0.1:5432/execdesk_test"
  say "PostgreSQL $ver running for tests"
}

cmd=${1:-}
shift || true
case "$cmd" in
  app)
    apt_install "${QT_RUNTIME_DEBS[@]}"
    setup_venv
    if [ "${1:-}" = "--demo" ]; then
      shift
      "$VENV/bin/execdesk" demo --if-empty --cases 300
    fi
    if [ "$(uname)" = Linux ] && [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
      # No screen: our own Xvfb on a free display, named so the person knows where the app is and how to look.
      n=99
      while [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ]; do n=$((n + 1)); done
      Xvfb ":$n" -screen 0 1920x1080x24 -nolisten tcp >/dev/null 2>&1 &
      xvfb_pid=$!
      trap 'kill "$xvfb_pid" 2>/dev/null' EXIT
      for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$n" ] && break; sleep 0.1; done
      export DISPLAY=":$n"
      say "this machine has no screen: ExecDesk runs on the virtual display $DISPLAY (Xvfb, 1920x1080)."
      say "to look at it: x11vnc -display $DISPLAY -localhost, then a VNC viewer on localhost:5900;"
      say "  or a still picture: DISPLAY=$DISPLAY QT_QPA_PLATFORM=xcb .venv/bin/python -c 'from PySide6.QtGui import QGuiApplication as A; a = A([]); A.primaryScreen().grabWindow(0).save(\"execdesk.png\")'"
      say "stop it with Ctrl+C."
      "$VENV/bin/execdesk" "$@"
      exit $?
    fi
    exec "$VENV/bin/execdesk" "$@"
    ;;
  test)
    apt_install "${QT_RUNTIME_DEBS[@]}" "${TEST_DEBS[@]}"
    setup_venv
    start_postgres
    export QT_QPA_PLATFORM=offscreen
    export EXECDESK_BUILD_BUNDLE=${EXECDESK_BUILD_BUNDLE:-1}
    cd "$ROOT"
    exec "$VENV/bin/python" -m pytest -q -p no:cacheprovider "$@"
    ;;
  *)
    echo "usage: ./run.sh app [--demo] | ./run.sh test [pytest args]" >&2
    exit 2
    ;;
esac
