#!/usr/bin/env bash
# Prepare everything nnviz needs to run and to be tested.
#
#   scripts/setup.sh             .venv with nnviz and its Python dependencies
#   scripts/setup.sh --browser   ... and Debian's chromium for the browser tests
#   scripts/setup.sh --dev       ... and the linter (ruff)
#
# Idempotent and quiet when there is nothing to do; never reads stdin;
# never downloads a browser of its own (only Debian's chromium via apt).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON="${PYTHON:-python3}"
VENV=.venv
STAMP="$VENV/.installed"
LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT

want_browser=0
want_dev=0
for arg in "$@"; do
    case "$arg" in
        --browser) want_browser=1 ;;
        --dev) want_dev=1 ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        *) echo "setup.sh: unknown option '$arg' (use --browser or --dev)" >&2; exit 2 ;;
    esac
done

say() { echo "nnviz setup: $*" >&2; }
die() { say "$*"; exit 1; }

# Run a command with its output captured; show the output only if it fails.
quietly() {
    if ! "$@" >"$LOG" 2>&1 </dev/null; then
        cat "$LOG" >&2
        die "failed: $*"
    fi
}

# --- Python virtual environment -------------------------------------------
if [ -e "$VENV" ] && ! "$VENV/bin/python" -c '' >/dev/null 2>&1 </dev/null; then
    die "$VENV exists but its Python does not run (moved, or made by another user?): delete $VENV and try again."
fi
if [ ! -e "$VENV" ]; then
    command -v "$PYTHON" >/dev/null || die "'$PYTHON' not found: install Python 3.10 or newer."
    "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
        || die "Python 3.10 or newer is needed; '$PYTHON' is $("$PYTHON" -V 2>&1)."
    say "creating $VENV"
    if ! "$PYTHON" -m venv "$VENV" >"$LOG" 2>&1 </dev/null; then
        cat "$LOG" >&2
        rm -rf "$VENV"
        die "could not create $VENV (on Debian/Ubuntu: apt-get install python3-venv)."
    fi
fi

if [ ! -e "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ]; then
    say "installing nnviz and its Python dependencies into $VENV"
    quietly "$VENV/bin/python" -m pip install --disable-pip-version-check -e '.[test]'
    touch "$STAMP"
fi

if [ "$want_dev" = 1 ] && [ ! -x "$VENV/bin/ruff" ]; then
    say "installing ruff into $VENV"
    quietly "$VENV/bin/python" -m pip install --disable-pip-version-check -e '.[dev]'
fi

# --- Chromium for the browser tests (Debian's package, via apt) -------------
if [ "$want_browser" = 1 ] && ! command -v chromium >/dev/null; then
    if [ "$(id -u)" = 0 ]; then
        SUDO=()
    elif command -v sudo >/dev/null; then
        # -n: never wait for a password when there is no terminal (CI).
        if [ -t 0 ]; then SUDO=(sudo); else SUDO=(sudo -n); fi
    else
        die "the browser tests need Debian's chromium. Run 'make test' as root, or install it: apt-get install chromium"
    fi
    command -v apt-get >/dev/null \
        || die "chromium is missing and apt-get is not available: install a 'chromium' on PATH."
    say "installing Debian's chromium with apt (for the browser tests)"
    export DEBIAN_FRONTEND=noninteractive
    quietly "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get -o DPkg::Lock::Timeout=600 -qq update
    quietly "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get -o DPkg::Lock::Timeout=600 -qq install -y --no-install-recommends chromium
    command -v chromium >/dev/null || die "apt installed chromium but it is not on PATH."
fi
