#!/usr/bin/env bash
# Prepare everything nnviz needs to run and to be tested.
#
#   scripts/setup.sh             .venv with what running the app needs, at the exact
#                                versions of requirements.lock, then nnviz itself (editable)
#   scripts/setup.sh --test      ... and the test extra (pytest, playwright) on top
#   scripts/setup.sh --dev       ... and the dev extra (ruff) on top
#   scripts/setup.sh --browser   ... and Debian's chromium for the browser tests
#   scripts/setup.sh --serve     ... and Debian's nginx for make serve (scripts/serve.sh)
#   scripts/setup.sh --postgres  ... and Debian's postgresql for the run store's tests
#                                (they start a throwaway cluster of their own)
#
# The packages come from the one lock, requirements.lock: scripts/lockset.py keeps the
# part the app and the extras asked for need. .venv/.installed names the extras installed;
# an extra asked for later is added on top, and everything is reinstalled when
# requirements.lock or pyproject.toml is newer than .venv/.installed.
# Says what it does, one line per step and one per package downloaded; never reads
# stdin; never downloads a browser of its own (only Debian's chromium via apt).
# The options combine (make test uses --test --browser --serve --postgres, make lint --dev).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON="${PYTHON:-python3}"
VENV=.venv
LOCK=requirements.lock
STAMP="$VENV/.installed"
LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT

want_browser=0
extras=()
want_serve=0
want_postgres=0
for arg in "$@"; do
    case "$arg" in
        --browser) want_browser=1 ;;
        --serve) want_serve=1 ;;
        --postgres) want_postgres=1 ;;
        --test) extras+=(test) ;;
        --dev) extras+=(dev) ;;
        -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0"; exit 0 ;;
        *) echo "setup.sh: unknown option '$arg' (use --test, --dev, --browser, --serve or --postgres)" >&2; exit 2 ;;
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

# "numpy-2.4.6-cp311-cp311-manylinux_2_28_x86_64.whl" -> "numpy 2.4.6"
wheel_name() {
    local file=${1##*/} version
    file=${file%.whl}; file=${file%.tar.gz}; file=${file%.zip}
    version=${file#*-}
    file=${file%%-*}
    echo "${file//_/-} ${version%%-*}"
}

# Turn pip's output into one line per package ("[ 7/44] pyarrow 26.0.1, downloading
# 41.9 MB") and one per phase. Everything pip says is also kept in $LOG for errors.
pip_progress() {
    local total=$1 n=0 line spec="" word
    while IFS= read -r line; do
        case "$line" in
            "Ignoring "*) total=$((total - 1)) ;;  # environment markers: another Python/OS
            "Requirement already satisfied: "*) n=$((n + 1)) ;;
            "Collecting "*)
                n=$((n + 1)); spec=${line#Collecting }; spec=${spec%% *}; spec=${spec/==/ } ;;
            "  Downloading "*)
                word=${line##* (}
                printf '  [%2d/%d] %s, downloading %s\n' "$n" "$total" "$spec" "${word%)}" >&2 ;;
            "  Using cached "*|"  File was already downloaded "*)
                printf '  [%2d/%d] %s (in the download cache)\n' "$n" "$total" "$spec" >&2 ;;
            "Processing "*)  # a wheel from a local index or find-links folder
                n=$((n + 1)); word=${line#Processing }
                printf '  [%2d/%d] %s\n' "$n" "$total" "$(wheel_name "${word%% *}")" >&2 ;;
            "Downloading "*)  # pips that resolve from metadata download the wheels after
                word=${line#Downloading }
                printf '  downloading %s (%s\n' "$(wheel_name "${word%% *}")" "${line##* (}" >&2 ;;
            "Installing collected packages: "*)
                word=${line#*: }; word=${word//[^,]/}
                say "unpacking and installing $(( ${#word} + 1 )) packages (the longest step)" ;;
            "WARNING: Location "*"is ignored: it is neither a file nor a directory.") ;;
            WARNING:*|ERROR:*) echo "  pip: $line" >&2 ;;
        esac
    done
}

# The extras installed (the stamp's words: "run" and the extras), and whether the ones
# asked for are among them with the lock and pyproject.toml unchanged since.
installed() { [ -e "$STAMP" ] && tr -s ' \n' '\n\n' <"$STAMP" | grep -v '^$' || true; }
needs_install() {
    [ ! -e "$STAMP" ] || [ "$LOCK" -nt "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ] && return 0
    local have extra
    have=" $(installed | tr '\n' ' ') "
    for extra in "${extras[@]}"; do
        [[ "$have" == *" $extra "* ]] || return 0
    done
    return 1
}

# --- Python virtual environment -------------------------------------------
[ -f "$LOCK" ] || die "$LOCK is missing (it pins every package nnviz is tested with): restore it from git."
if [ -e "$VENV" ] && ! "$VENV/bin/python" -c '' >/dev/null 2>&1 </dev/null; then
    die "$VENV exists but its Python does not run (moved, or made by another user?): delete $VENV and try again."
fi
if [ -e "$VENV" ] && ! "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' </dev/null; then
    die "$VENV has $("$VENV/bin/python" -V 2>&1); the versions pinned in $LOCK need Python 3.11 or newer: delete $VENV and try again."
fi
if [ ! -e "$VENV" ]; then
    command -v "$PYTHON" >/dev/null || die "'$PYTHON' not found: install Python 3.11 or newer."
    "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
        || die "Python 3.11 or newer is needed (the versions pinned in $LOCK need it); '$PYTHON' is $("$PYTHON" -V 2>&1). Choose another with PYTHON=..., e.g. make run PYTHON=python3.12"
    say "creating the virtual environment $VENV ($("$PYTHON" -V 2>&1))"
    if ! "$PYTHON" -m venv "$VENV" >"$LOG" 2>&1 </dev/null; then
        cat "$LOG" >&2
        rm -rf "$VENV"
        die "could not create $VENV (on Debian/Ubuntu: apt-get install python3-venv)."
    fi
fi

if needs_install; then
    # One setup at a time per .venv (two terminals running make at once).
    if command -v flock >/dev/null; then
        exec 9>"$VENV/.setup.lock"
        if ! flock -n 9; then
            say "waiting for another setup of $VENV to finish"
            flock 9
        fi
    fi
fi
if needs_install; then
    started=$SECONDS
    # what was installed before stays (make run after make test keeps the test extra)
    mapfile -t want < <({ installed; printf '%s\n' "${extras[@]}"; } | grep -vx -e run -e '' | sort -u)
    PART="$(mktemp)"
    trap 'rm -f "$LOG" "$PART"' EXIT
    "$VENV/bin/python" scripts/lockset.py "${want[@]}" >"$PART" </dev/null \
        || die "could not read $LOCK and pyproject.toml (the error is above)."
    total=$(grep -c '^[A-Za-z0-9]' "$PART")
    what="what running the app needs${want[*]:+ and the extras: ${want[*]}}"
    if [ -e "$STAMP" ] && ! { [ "$LOCK" -nt "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ]; }; then
        say "adding to $VENV: $what ($total packages pinned in $LOCK)"
    elif [ -e "$STAMP" ]; then
        say "$LOCK or pyproject.toml changed: updating $VENV to the pinned versions of $what"
    else
        say "installing $what into $VENV: $total packages pinned in $LOCK (first time: about 120 MB to download; the test extra about 50 MB more)"
    fi
    if ! PYTHONUNBUFFERED=1 "$VENV/bin/python" -m pip install --disable-pip-version-check \
            --no-input --progress-bar off --require-hashes -r "$PART" </dev/null 2>&1 \
            | tee "$LOG" | pip_progress "$total"; then
        grep -v -e '^Ignoring ' -e 'is ignored: it is neither a file nor a directory' "$LOG" >&2
        die "installing $what from $LOCK failed (the pip output is above)."
    fi
    say "installing nnviz itself into $VENV (editable: edits to nnviz/ take effect at once)"
    quietly "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input \
        --no-deps --no-build-isolation -e .
    echo run "${want[@]}" >"$STAMP"
    say "Python packages ready ($((SECONDS - started)) s)"
fi

# --- Chromium for the browser tests (Debian's package, via apt) -------------
if [ "$want_browser" = 1 ] && ! command -v chromium >/dev/null; then
    if [ "$(id -u)" = 0 ]; then
        SUDO=()
    elif command -v sudo >/dev/null; then
        # -n: never wait for a password when there is no terminal (CI).
        if [ -t 0 ]; then
            SUDO=(sudo)
        else
            SUDO=(sudo -n)
            sudo -n true 2>/dev/null </dev/null \
                || die "the browser tests need Debian's chromium, and sudo wants a password (no terminal here): install it first with 'sudo apt-get install chromium', or run as root."
        fi
    else
        die "the browser tests need Debian's chromium. Run 'make test' as root, or install it: apt-get install chromium"
    fi
    command -v apt-get >/dev/null \
        || die "chromium is missing and apt-get is not available: install a 'chromium' on PATH."
    started=$SECONDS
    say "installing Debian's chromium with apt for the browser tests (about 100 MB: a minute or two)"
    say "  apt-get update"
    quietly "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get -o DPkg::Lock::Timeout=600 -qq update
    apt_updated=1
    say "  apt-get install chromium"
    quietly "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get -o DPkg::Lock::Timeout=600 -qq install -y --no-install-recommends chromium
    command -v chromium >/dev/null || die "apt installed chromium but it is not on PATH."
    say "chromium ready ($((SECONDS - started)) s)"
fi

# --- nginx for make serve (Debian's package, via apt) ------------------------
# It lives in /usr/sbin, which is not on every user's PATH: scripts/serve.sh looks there too.
if [ "$want_serve" = 1 ] && ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
    if [ "$(id -u)" = 0 ]; then
        SUDO=()
    elif command -v sudo >/dev/null && [ -t 0 ]; then
        SUDO=(sudo)
    elif command -v sudo >/dev/null && sudo -n true 2>/dev/null </dev/null; then
        SUDO=(sudo -n)  # never wait for a password when there is no terminal (CI)
    else
        die "make serve (and its test) needs Debian's nginx: install it first with 'sudo apt-get install nginx', or run as root."
    fi
    command -v apt-get >/dev/null \
        || die "nginx is missing and apt-get is not available: install an 'nginx' on PATH."
    started=$SECONDS
    say "installing Debian's nginx with apt for make serve (about 1 MB)"
    if [ "${apt_updated:-0}" != 1 ]; then
        say "  apt-get update"
        quietly "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
            apt-get -o DPkg::Lock::Timeout=600 -qq update
    fi
    say "  apt-get install nginx"
    quietly "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get -o DPkg::Lock::Timeout=600 -qq install -y --no-install-recommends nginx
    [ -x /usr/sbin/nginx ] || command -v nginx >/dev/null \
        || die "apt installed nginx but there is no /usr/sbin/nginx."
    say "nginx ready ($((SECONDS - started)) s)"
fi

# --- PostgreSQL for the run store's tests (Debian's package, via apt) ---------
# The tests run initdb and pg_ctl from /usr/lib/postgresql/<version>/bin themselves, in a
# temporary folder on a free loopback port; the package's own cluster is not used.
have_postgres() { compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null; }
if [ "$want_postgres" = 1 ] && ! have_postgres; then
    if [ "$(id -u)" = 0 ]; then
        SUDO=()
    elif command -v sudo >/dev/null && [ -t 0 ]; then
        SUDO=(sudo)
    elif command -v sudo >/dev/null && sudo -n true 2>/dev/null </dev/null; then
        SUDO=(sudo -n)  # never wait for a password when there is no terminal (CI)
    else
        die "the run store's tests need Debian's postgresql: install it first with 'sudo apt-get install postgresql', or run as root."
    fi
    command -v apt-get >/dev/null \
        || die "PostgreSQL is missing and apt-get is not available: install Debian's postgresql (initdb and pg_ctl under /usr/lib/postgresql)."
    started=$SECONDS
    say "installing Debian's postgresql with apt for the run store's tests (about 50 MB)"
    if [ "${apt_updated:-0}" != 1 ]; then
        say "  apt-get update"
        quietly "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
            apt-get -o DPkg::Lock::Timeout=600 -qq update
        apt_updated=1
    fi
    say "  apt-get install postgresql"
    quietly "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get -o DPkg::Lock::Timeout=600 -qq install -y --no-install-recommends postgresql
    have_postgres || die "apt installed postgresql but there is no /usr/lib/postgresql/*/bin/pg_ctl."
    say "postgresql ready ($((SECONDS - started)) s)"
fi
