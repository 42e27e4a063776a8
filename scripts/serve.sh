#!/usr/bin/env bash
# Serve the app to a classroom: several Streamlit processes behind nginx, one address.
#
#   scripts/serve.sh [--replicas N] [--port PORT] [--host ADDR]
#                    [--replica-ports P1,P2,...] [--run-dir DIR]
#   (make serve, make serve REPLICAS=4 PORT=8080)
#
#   --replicas N       Streamlit processes to start (default 2)
#   --port PORT        where nginx listens, the address to open (default 8501)
#   --host ADDR        the address nginx listens on (default 0.0.0.0: every interface,
#                      so that the students' machines reach it; 127.0.0.1 for this one only)
#   --replica-ports    the replicas' loopback ports (default PORT+1 ... PORT+N)
#   --run-dir DIR      where nginx's config, pid and logs and the replicas' logs go
#                      (default: a new temporary folder, removed on exit)
#
# Every replica is `streamlit run app.py` on 127.0.0.1 with the same server.cookieSecret
# (a random one per start, passed in the environment, never written to disk). nginx (Debian's
# package, installed by scripts/setup.sh --serve) runs as the current user from the run
# folder, with sticky sessions: a browser's first request gets a random cookie, and the
# cookie is hashed onto the replicas (consistent hashing), so the page's WebSocket, its
# reconnects, uploads and downloads reach the one process that holds its session.
# /_stcore/stream is passed through as a WebSocket with day-long timeouts. nginx open source
# has no active health checks: this script waits for every replica's /_stcore/health before
# starting nginx, and nginx takes a replica that refuses connections out of the rotation for
# 10 s (max_fails/fail_timeout) and sends its browsers to another one.
#
# The live view's files (its scripts and plotly.js, from the installed nnviz package) are
# served by nginx from a copy in the run folder, each compressed once at start:
# plotly.js, whose name carries a hash of its content, with a year's cache lifetime, so
# that a second page load fetches none of it; the scripts revalidated (ETag).
#
# Runs in the foreground; Ctrl+C (or SIGTERM) stops nginx and every replica. A replica that
# stops by itself is reported and the others go on serving.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

REPLICAS=2
PORT=8501
HOST=0.0.0.0
REPLICA_PORTS=""
RUN=""

say() { echo "nnviz serve: $*" >&2; }
die() { say "$*"; exit 1; }
usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
    case "$1" in
        --replicas) REPLICAS=${2-}; shift 2 || die "--replicas needs a number" ;;
        --port) PORT=${2-}; shift 2 || die "--port needs a number" ;;
        --host) HOST=${2-}; shift 2 || die "--host needs an address" ;;
        --replica-ports) REPLICA_PORTS=${2-}; shift 2 || die "--replica-ports needs ports" ;;
        --run-dir) RUN=${2-}; shift 2 || die "--run-dir needs a folder" ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown option '$1'" ;;
    esac
done

is_number() { case "$1" in ''|*[!0-9]*) return 1 ;; *) return 0 ;; esac; }
is_number "$REPLICAS" && [ "$REPLICAS" -ge 1 ] && [ "$REPLICAS" -le 64 ] \
    || die "REPLICAS must be a number from 1 to 64, not '$REPLICAS' (e.g. make serve REPLICAS=4)"
is_number "$PORT" && [ "$PORT" -ge 1 ] && [ "$PORT" -le 65535 ] \
    || die "PORT must be a port number, not '$PORT' (e.g. make serve PORT=8080)"
if [ -n "$REPLICA_PORTS" ]; then
    IFS=, read -r -a ports <<<"$REPLICA_PORTS"
    [ "${#ports[@]}" = "$REPLICAS" ] \
        || die "--replica-ports lists ${#ports[@]} ports for $REPLICAS replicas"
else
    ports=()
    for ((i = 1; i <= REPLICAS; i++)); do ports+=($((PORT + i))); done
fi
for p in "${ports[@]}"; do
    is_number "$p" && [ "$p" -ge 1 ] && [ "$p" -le 65535 ] && [ "$p" != "$PORT" ] \
        || die "replica port '$p' is not a port number other than PORT ($PORT)"
done

bash scripts/setup.sh --serve

NGINX=$(command -v nginx || true)
[ -n "$NGINX" ] || NGINX=/usr/sbin/nginx
[ -x "$NGINX" ] || die "nginx is not installed: run scripts/setup.sh --serve (Debian's nginx, with apt)"
PY=.venv/bin/python

# Nothing may listen on the ports yet (another make serve or make run?).
busy=$("$PY" - "$PORT" "${ports[@]}" <<'EOF'
import socket, sys
for port in sys.argv[1:]:
    with socket.socket() as s:
        s.settimeout(1)
        if s.connect_ex(("127.0.0.1", int(port))) == 0:
            print(port, end=" ")
EOF
)
[ -z "$busy" ] || die "port(s) ${busy% } already in use: stop what listens there, or choose others (make serve PORT=8600)"

own_run=0
if [ -z "$RUN" ]; then
    RUN=$(mktemp -d "${TMPDIR:-/tmp}/nnviz-serve.XXXXXX")
    own_run=1
fi
mkdir -p "$RUN/temp"
RUN=$(cd "$RUN" && pwd)

# --- stopping: nginx first (no new requests), then the replicas ----------------
pids=()
nginx_pid=""
# Running, and not a zombie waiting to be reaped.
running() {
    local _pid _comm state
    read -r _pid _comm state _ 2>/dev/null <"/proc/$1/stat" || return 1
    [ "$state" != Z ]
}
stop_all() {
    trap - EXIT INT TERM
    local pid waited
    [ -z "$nginx_pid" ] || kill -TERM "$nginx_pid" 2>/dev/null || true
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for ((waited = 0; waited < 100; waited++)); do
        local alive=0
        for pid in $nginx_pid "${pids[@]}"; do running "$pid" && alive=1; done
        [ "$alive" = 0 ] && break
        sleep 0.1
    done
    for pid in $nginx_pid "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if [ "$own_run" = 1 ]; then rm -rf "$RUN"; fi
}
trap 'stop_all' EXIT
trap 'say "stopping"; stop_all; exit 0' INT  # Ctrl+C: the way to stop it
trap 'stop_all; exit 143' TERM

# --- publishing needs a passphrase when the app is served to a room ---------------
# NNVIZ_PUBLISH_PASSPHRASE, else publish_passphrase under [nnviz] in
# .streamlit/secrets.toml; with neither, one is made for this start and printed below.
made_passphrase=""
if [ -z "${NNVIZ_PUBLISH_PASSPHRASE:-}" ] && ! "$PY" - <<'EOF'
import sys, tomllib
try:
    with open(".streamlit/secrets.toml", "rb") as f:
        found = str((tomllib.load(f).get("nnviz") or {}).get("publish_passphrase") or "").strip()
except (OSError, tomllib.TOMLDecodeError):
    found = ""
sys.exit(0 if found else 1)
EOF
then
    NNVIZ_PUBLISH_PASSPHRASE=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(9))')
    export NNVIZ_PUBLISH_PASSPHRASE
    made_passphrase=$NNVIZ_PUBLISH_PASSPHRASE
fi

# --- the replicas ----------------------------------------------------------------
# One secret for all: a cookie one replica signs (the XSRF token) is valid on the others.
STREAMLIT_SERVER_COOKIE_SECRET=$("$PY" -c 'import secrets; print(secrets.token_hex(32))')
export STREAMLIT_SERVER_COOKIE_SECRET
say "starting $REPLICAS replicas of the app on 127.0.0.1, ports ${ports[*]} ..."
: >"$RUN/replicas"
for p in "${ports[@]}"; do
    "$PY" -m streamlit run app.py --server.port "$p" --server.address 127.0.0.1 \
        --server.headless true --server.fileWatcherType none \
        --browser.gatherUsageStats false --logger.hideWelcomeMessage true \
        --logger.level warning </dev/null >"$RUN/replica-$p.log" 2>&1 &
    pids+=($!)
    echo "$p $!" >>"$RUN/replicas"  # port pid, one replica a line
done
unset STREAMLIT_SERVER_COOKIE_SECRET

# Wait for every replica's health check (nginx open source cannot check actively).
if ! "$PY" - "$RUN" "${ports[@]}" -- "${pids[@]}" <<'EOF'
import os, sys, time, urllib.request
run, rest = sys.argv[1], sys.argv[2:]
cut = rest.index("--")
ports, pids = rest[:cut], [int(p) for p in rest[cut + 1:]]
waiting = dict(zip(ports, pids))
direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # no http_proxy
deadline = time.monotonic() + 120
while waiting and time.monotonic() < deadline:
    for port, pid in list(waiting.items()):
        try:
            os.kill(pid, 0)
        except OSError:
            log = open(f"{run}/replica-{port}.log", errors="replace").read()[-2000:]
            sys.exit(f"nnviz serve: the replica on port {port} stopped before it answered:\n{log}")
        try:
            with direct.open(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    del waiting[port]
        except OSError:
            pass
    time.sleep(0.2)
if waiting:
    sys.exit(f"nnviz serve: no answer from /_stcore/health on port(s) {', '.join(waiting)} "
             f"within 120 s (logs: {run}/replica-<port>.log)")
EOF
then
    exit 1
fi

# --- nginx -----------------------------------------------------------------------
# The largest upload Streamlit accepts (server.maxUploadSize, MB), plus room for the form.
max_upload=$("$PY" -c 'import tomllib
with open(".streamlit/config.toml", "rb") as f:
    print(tomllib.load(f).get("server", {}).get("maxUploadSize", 200))' 2>/dev/null || echo 200)
# The live view's files, compressed once: nginx serves each .gz beside its file.
ASSETS=$("$PY" -c 'import pathlib, nnviz
print(pathlib.Path(nnviz.__file__).resolve().parent / "ui" / "assets")')
[ -f "$ASSETS/live_chart.js" ] || die "no live view scripts in $ASSETS (nnviz not installed?)"
mkdir -p "$RUN/assets"
cp "$ASSETS"/*.js "$RUN/assets/"
gzip -k -9 -f "$RUN/assets"/*.js

upstreams=""
for p in "${ports[@]}"; do
    upstreams+="        server 127.0.0.1:$p max_fails=1 fail_timeout=10s;"$'\n'
done
# As root the workers would switch to nobody, who cannot write the run folder: stay root.
user_line=""
[ "$(id -u)" != 0 ] || user_line="user root root;"

cat >"$RUN/nginx.conf" <<EOF
# Written by scripts/serve.sh for this run; nginx -p $RUN -c $RUN/nginx.conf
$user_line
daemon off;
worker_processes 1;
pid $RUN/nginx.pid;
error_log $RUN/error.log warn;
events { worker_connections 1024; }

http {
    # upstream=: the replica that served the request; route=: the browser's cookie
    log_format nnviz '\$remote_addr [\$time_local] "\$request" \$status \$body_bytes_sent '
                     'upstream=\$upstream_addr route=\$nnviz_route rt=\$request_time';
    access_log $RUN/access.log nnviz;
    client_body_temp_path $RUN/temp/body;
    proxy_temp_path $RUN/temp/proxy;
    fastcgi_temp_path $RUN/temp/fastcgi;
    uwsgi_temp_path $RUN/temp/uwsgi;
    scgi_temp_path $RUN/temp/scgi;
    server_tokens off;
    client_max_body_size $((max_upload + 1))m;

    # Sticky sessions. A session lives in one replica's memory: its WebSocket, every
    # reconnect, its uploads (/_stcore/upload_file) and media must reach that process.
    # A browser without our cookie gets one (a random request id) and the cookie picks the
    # replica by consistent hashing: browsers spread evenly even when a whole classroom
    # comes from one address (NAT, a school proxy), which defeats ip_hash; and a replica
    # that goes away only moves its own browsers.
    map \$cookie_nnviz_replica \$nnviz_route {
        ""      \$request_id;
        default \$cookie_nnviz_replica;
    }
    map \$cookie_nnviz_replica \$nnviz_set_cookie {
        ""      "nnviz_replica=\$request_id; Path=/; HttpOnly; SameSite=Lax";
        default "";
    }
    # A new loopback connection per request: reusing one (keepalive) costs 40 ms a
    # response here, Nagle's algorithm against delayed ACKs.
    map \$http_upgrade \$connection_upgrade {
        default upgrade;
        ""      close;
    }

    upstream nnviz_replicas {
        hash \$nnviz_route consistent;
$upstreams    }

    server {
        listen $HOST:$PORT;
        add_header Set-Cookie \$nnviz_set_cookie;
        proxy_http_version 1.1;
        proxy_set_header Host \$http_host;
        proxy_set_header Upgrade \$http_upgrade;
        proxy_set_header Connection \$connection_upgrade;
        proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto \$scheme;
        # Passive health checks: a replica that refuses or times out is skipped for
        # fail_timeout, and the request goes to the next one.
        proxy_connect_timeout 2s;
        proxy_next_upstream error timeout;

        location / {
            proxy_pass http://nnviz_replicas;
        }
        # The live view's files, from disk: plotly.js under its content-hashed name,
        # kept a year; the scripts revalidated. Streamlit would gzip each one again for
        # every request, with no cache lifetime.
        location ~ "^/_stcore/bidi-components/nnviz\.live_chart/(?<bundle>plotly-cartesian-[0-9.]+\.[0-9a-f]{12}\.min\.js)\$" {
            alias $RUN/assets/\$bundle;
            gzip_static on;
            gzip_vary on;
            types { application/javascript js; }
            add_header Cache-Control "public, max-age=31536000, immutable";
        }
        location ~ "^/_stcore/bidi-components/nnviz\.(live_chart|presenter_keys)/(?<script>[a-z_]+\.js)\$" {
            alias $RUN/assets/\$script;
            gzip_static on;
            gzip_vary on;
            types { application/javascript js; }
            add_header Cache-Control "no-cache";
        }
        # The session's WebSocket: passed through, open as long as the page is.
        location /_stcore/stream {
            proxy_pass http://nnviz_replicas;
            proxy_buffering off;
            proxy_read_timeout 1d;
            proxy_send_timeout 1d;
        }
    }
}
EOF

"$NGINX" -t -q -p "$RUN" -c "$RUN/nginx.conf" -e "$RUN/error.log" </dev/null \
    || die "nginx refused the configuration $RUN/nginx.conf (see above)"
"$NGINX" -p "$RUN" -c "$RUN/nginx.conf" -e "$RUN/error.log" </dev/null &
nginx_pid=$!

if ! "$PY" - "$PORT" "$nginx_pid" "$RUN" <<'EOF'
import os, sys, time, urllib.request
port, pid, run = sys.argv[1], int(sys.argv[2]), sys.argv[3]
deadline = time.monotonic() + 30
direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # no http_proxy
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit("nnviz serve: nginx stopped:\n" + open(f"{run}/error.log").read()[-2000:])
    try:
        with direct.open(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
            if r.read().strip() == b"ok":
                sys.exit(0)
    except OSError:
        pass
    time.sleep(0.1)
sys.exit(f"nnviz serve: nginx does not answer on port {port} (log: {run}/error.log)")
EOF
then
    exit 1
fi

# The address to open: localhost, and this machine's own addresses for the students.
if [ "$HOST" = 0.0.0.0 ] || [ "$HOST" = "*" ]; then
    addresses=$(hostname -I 2>/dev/null || true)
    shown=localhost
else
    addresses=""
    shown=$HOST
fi
echo >&2
echo "  nnviz is serving $REPLICAS replicas: open http://$shown:$PORT  (Ctrl+C stops it)" >&2
for a in $addresses; do
    case "$a" in *:*) continue ;; esac  # nginx listens on IPv4 only
    echo "  from the students' machines: http://$a:$PORT" >&2
done
if [ -n "$made_passphrase" ]; then
    echo "  publishing to the gallery needs the passphrase: $made_passphrase" >&2
    echo "  (choose it: NNVIZ_PUBLISH_PASSPHRASE, or [nnviz] publish_passphrase in .streamlit/secrets.toml)" >&2
fi
if [ "$own_run" = 1 ]; then
    echo "  logs: $RUN (removed when it stops; --run-dir DIR keeps them)" >&2
else
    echo "  logs: $RUN (access.log names the replica of every request: upstream=)" >&2
fi
echo >&2

# Until Ctrl+C, or nginx stops, or no replica is left.
alive=("${pids[@]}")
while true; do
    wait -n || true
    kill -0 "$nginx_pid" 2>/dev/null || { say "nginx stopped (log: $RUN/error.log)"; exit 1; }
    still=()
    for i in "${!pids[@]}"; do
        pid=${pids[$i]}
        if kill -0 "$pid" 2>/dev/null; then
            still+=("$pid")
        elif [[ " ${alive[*]} " == *" $pid "* ]]; then
            say "the replica on port ${ports[$i]} stopped (log: $RUN/replica-${ports[$i]}.log); the others go on serving, its browsers move to them"
        fi
    done
    alive=("${still[@]}")
    [ "${#alive[@]}" -gt 0 ] || { say "no replica is left: stopping"; exit 1; }
done
