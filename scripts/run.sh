#!/usr/bin/env bash
# Start the app:  scripts/run.sh [PORT]   (make run, make run PORT=8600; default 8501)
#
# Sets up .venv first if needed (scripts/setup.sh), then runs Streamlit in the
# foreground and prints the one address to open as soon as the server answers.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

PORT="${1:-8501}"
case "$PORT" in
    ''|*[!0-9]*) echo "nnviz: PORT must be a number, not '$PORT' (e.g. make run PORT=8600)" >&2; exit 2 ;;
esac
URL="http://localhost:$PORT"

bash scripts/setup.sh

# Is something already listening there (another make run?)
if .venv/bin/python - "$PORT" <<'EOF'
import socket, sys
with socket.socket() as s:
    s.settimeout(1)
    sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0 else 1)
EOF
then
    echo "nnviz: port $PORT is already in use (is the app already running at $URL?)." >&2
    echo "nnviz: stop that server, or start this one on another port: make run PORT=8600" >&2
    exit 1
fi

echo "nnviz: starting the app on port $PORT ..." >&2

# Print the address once the server answers its health check. This helper runs in the
# background and stops by itself when Streamlit (which replaces this shell) exits.
.venv/bin/python - "$PORT" "$URL" "$$" <<'EOF' &
import os, sys, time, urllib.request
port, url, server = sys.argv[1], sys.argv[2], int(sys.argv[3])
deadline = time.monotonic() + 300
while time.monotonic() < deadline:
    try:
        os.kill(server, 0)
    except OSError:
        sys.exit(0)  # the server stopped: it has said why
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
            if r.read().strip() == b"ok":
                print(f"\n  nnviz is running: open {url} in your browser  (Ctrl+C stops it)\n",
                      flush=True)
                sys.exit(0)
    except OSError:
        pass
    time.sleep(0.25)
EOF

# Streamlit's own welcome banner (and its info-level log of the bind address) is
# hidden: the line printed above is the one to read.
exec .venv/bin/streamlit run app.py --server.port "$PORT" \
    --logger.hideWelcomeMessage true --logger.level warning
