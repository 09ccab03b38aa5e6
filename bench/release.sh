#!/usr/bin/env bash
# A release of the prod environment (STACK=train: the training one) under steady load, twip against docker-compose
# 1.29 on the same images (prod only).
#
# Load, through the entry port on 127.0.0.1 only: wrk with keep-alive on a dynamic path (/Read.action, 16
# connections) and on a static path (/styles/site.css, 8 connections), and ab opening a new connection per request
# (/, 8 at once). The release changes the configuration of RELEASE_SERVICES (default: every prod service) — an
# environment variable, so every replica of those services is replaced — and, with BROKEN=1, makes the new web
# replicas fail their health check so the release must be rolled back.
# Reports per tool: requests, failed requests (non-2xx/3xx answers + socket errors), p99 before/during/after, and
# how long the release took. Needs the prod images (`twip prod build`), wrk, ab (apache2-utils), docker-compose.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
TWIP=${TWIP:-$root/.build/debug/twip}
export TWIP_HTTP_PORT=${TWIP_HTTP_PORT:-18080}
export TWIP_STATS_PORT=${TWIP_STATS_PORT:-18936}
PHASE_SECONDS=${PHASE_SECONDS:-5}
STACK=${STACK:-prod}
if [ "$STACK" = prod ]; then RELEASE_SERVICES=${RELEASE_SERVICES:-proxy static web}; else RELEASE_SERVICES=${RELEASE_SERVICES:-static web}; fi
[ "$STACK" = prod ] || COMPOSE=0
BROKEN=${BROKEN:-0}
COMPOSE=${COMPOSE:-1}
# twip's run is also drawn: a twip bench client (keep-alive, 4 connections, on /Read.action) over the whole
# measurement, with the release's start and end marked; the picture goes to PLOT.
PLOT=${PLOT:-bench/results/release.svg}
for tool in wrk ab; do
    command -v "$tool" >/dev/null || { echo "bench/release.sh: $tool is missing" >&2; exit 1; }
done
out=$(mktemp -d)
release_file=stacks/.twip-release.yml
cleanup() {
    rm -f "$release_file"
    if [ "$COMPOSE" = 1 ]; then docker-compose -p twiprel -f "$out/compose.yml" down >/dev/null 2>&1 || true; fi
    rm -rf "$out"
}
trap cleanup EXIT
base="http://127.0.0.1:${TWIP_HTTP_PORT}"

# stacks/$STACK.yml with RELEASE=$1 in the environment of each released service (and, broken, a health check that
# cannot pass on web). Written next to the stack so its relative paths hold; its `name:` keeps the environment.
write_release() { # release-number broken
    python3 - "$1" "$2" "$RELEASE_SERVICES" "stacks/$STACK.yml" >"$release_file" <<'PY'
import sys
release, broken, services = sys.argv[1], sys.argv[2] == "1", sys.argv[3].split()
out, current = [], None
for line in open(sys.argv[4]).read().split("\n"):
    if line.startswith("  ") and not line.startswith("    ") and line.rstrip().endswith(":"):
        current = line.strip()[:-1]
    out.append(line)
    if current in services and line == f"  {current}:":
        out.append(f"    environment: {{ TWIP_RELEASE: \"{release}\" }}")
    if broken and current == "web" and "http://127.0.0.1:8080/health" in line:
        out[-1] = line.replace("/health", "/no-such-health")
    if broken and current == "web" and "start_period" in line:
        out[-1] = line.split("start_period")[0] + "start_period: 2s"
print("\n".join(out))
PY
}

run_load() { # seconds prefix -> wrk/ab reports in $out/PREFIX-*.txt; 0 seconds: until stop_load
    local seconds=$1
    [ "$seconds" = 0 ] && seconds=600
    wrk -t1 -c16 -d"${seconds}s" --timeout 10s --latency "$base/Read.action" >"$out/$2-dynamic.txt" 2>&1 &
    echo $! >"$out/$2.pids"
    wrk -t1 -c8 -d"${seconds}s" --timeout 10s --latency "$base/styles/site.css" >"$out/$2-static.txt" 2>&1 &
    echo $! >>"$out/$2.pids"
    ab -r -q -c 8 -t "$seconds" -n 50000000 "$base/" >"$out/$2-newconn.txt" 2>&1 &
    echo $! >>"$out/$2.pids"
}
stop_load() { # prefix
    local pid
    for pid in $(cat "$out/$1.pids"); do kill -INT "$pid" 2>/dev/null || true; done
    for pid in $(cat "$out/$1.pids"); do wait "$pid" 2>/dev/null || true; done
}

# requests failed p99(ms) of one phase, summed over the three load generators.
summary() { # prefix
    python3 - "$out/$1" <<'PY'
import re, sys
prefix = sys.argv[1]
requests = failed = reads = 0
p99 = 0.0
def ms(text):
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
for kind in ("dynamic", "static"):
    text = open(f"{prefix}-{kind}.txt").read()
    m = re.search(r"(\d+) requests in", text)
    requests += int(m.group(1)) if m else 0
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    failed += int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    errors = sum(map(int, m.groups())) if m else 0
    reads += int(m.group(2)) if m else 0
    failed += errors
    requests += errors  # a request that got no answer at all is a request too
    m = re.search(r"^\s+99%\s+(\S+)", text, re.M)
    p99 = max(p99, ms(m.group(1))) if m else p99
text = open(f"{prefix}-newconn.txt").read()
m = re.search(r"Complete requests:\s+(\d+)", text)
done = int(m.group(1)) if m else 0
# ab counts an answer whose length differs from the first one's as failed: pages differ by replica, so only
# connection, receive and exception failures count.
m = re.search(r"\(Connect: (\d+), Receive: (\d+), Length: \d+, Exceptions: (\d+)\)", text)
failed += sum(map(int, m.groups())) if m else 0
m = re.search(r"Non-2xx responses:\s+(\d+)", text)
failed += int(m.group(1)) if m else 0
requests += done
m = re.search(r"^\s+99%\s+(\d+)", text, re.M)
p99 = max(p99, float(m.group(1))) if m else p99
if failed:
    for kind in ("dynamic", "static", "newconn"):
        for line in open(f"{prefix}-{kind}.txt"):
            if re.search(r"Socket errors|Non-2xx|Failed requests|\(Connect", line):
                print(f"{prefix.rsplit('/', 1)[-1]}-{kind}: {line.strip()}", file=sys.stderr)
print(requests, failed, f"{p99:.0f}", reads)
PY
}

phase() { # prefix seconds
    run_load "$2" "$1"
    wait $(cat "$out/$1.pids") 2>/dev/null || true
}

measure() { # tool release-command...
    local tool=$1
    shift
    local drawing=""
    if [ "$tool" = twip ] && [ -n "$PLOT" ]; then
        mkdir -p "$(dirname "$PLOT")"
        : >"$out/marks"
        "$TWIP" bench "$base/Read.action" -k -c 4 --duration 1h --format json --plot "$PLOT" \
            --mark-file "$out/marks" >"$out/plot.json" 2>"$out/plot.err" &
        drawing=$!
    fi
    phase "$tool-before" "$PHASE_SECONDS"
    run_load 0 "$tool-during"
    sleep 1
    local start end status=0
    start=$(date +%s.%N)
    echo "$start release started" >>"$out/marks"
    "$@" >"$out/$tool-release.log" 2>&1 || status=$?
    echo "$(date +%s.%N) $([ "$status" = 0 ] && echo "release done" || echo "release failed, rolled back")" >>"$out/marks"
    if [ "$status" != 0 ]; then sed "s/^/$tool: /" "$out/$tool-release.log" | tail -5 >&2; fi
    end=$(date +%s.%N)
    sleep 1
    stop_load "$tool-during"
    phase "$tool-after" "$PHASE_SECONDS"
    if [ -n "$drawing" ]; then
        kill -INT "$drawing" 2>/dev/null || true
        wait "$drawing" 2>/dev/null || true
        python3 - "$out/plot.json" "$PLOT" <<'PY' || true
import json, sys
run = json.load(open(sys.argv[1]))
print(f"picture: {sys.argv[2]} (twip bench -k -c 4: {run.get('requests')} requests, {run.get('failures', 0)} failed)")
PY
    fi
    read -r rb fb pb _ <<<"$(summary "$tool-before")"
    read -r rd fd pd kd <<<"$(summary "$tool-during")"
    read -r ra fa pa _ <<<"$(summary "$tool-after")"
    printf '%-15s exit %-3s %6.1f s  requests %7s/%7s/%7s  failed %5s/%5s/%5s  p99 %5s/%5s/%5s ms\n' \
        "$tool" "$status" "$(echo "$end - $start" | bc)" "$rb" "$rd" "$ra" "$fb" "$fd" "$fa" "$pb" "$pd" "$pa"
    echo "$tool $status $(echo "$end - $start" | bc) $rd $fd $fb $fa $pb $pd $pa $kd" >>"$out/results"
}

echo "release of $STACK: $RELEASE_SERVICES$([ "$BROKEN" = 1 ] && echo " (broken: web never becomes healthy)")"
echo "columns: requests and failed before/during/after the release; p99 before/during/after"

# twip: converge release 1, then release 2 under load.
write_release 1 0
"$TWIP" -f "$release_file" up --wait --timeout 240 >/dev/null
write_release 2 "$BROKEN"
measure twip "$TWIP" -f "$release_file" up --wait --timeout 240
if [ "$BROKEN" = 1 ]; then
    grep -q "rolled back" "$out/twip-release.log" || { echo "twip did not roll back:" >&2; cat "$out/twip-release.log" >&2; exit 1; }
fi
"$TWIP" "$STACK" down >/dev/null

if [ "$COMPOSE" = 1 ]; then
    command -v docker-compose >/dev/null || { echo "bench/release.sh: docker-compose is missing" >&2; exit 1; }
    # The same images and topology for docker-compose: HAProxy finds the replicas by DNS (the image's default
    # backends file), static and web one replica each, the release an environment variable as for twip.
    compose_file() { # release broken
        local health=/health
        [ "$2" = 1 ] && health=/no-such-health
        cat <<YAML
services:
  proxy:
    image: twip-prod-proxy:latest
    ports: ["127.0.0.1:${TWIP_HTTP_PORT}:80"]
    environment: { TWIP_RELEASE: "$1" }
    depends_on:
      static: { condition: service_healthy }
      web: { condition: service_healthy }
  static:
    image: twip-prod-static:latest
    environment: { TWIP_RELEASE: "$1" }
  web:
    image: twip-prod-web:latest
    environment: { TWIP_RELEASE: "$1" }
    volumes: ["$root/data:/data"]
    healthcheck:
      test: ["CMD", "busybox", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080$health"]
      interval: 2s
      timeout: 3s
      retries: 3
      start_period: 60s
YAML
    }
    compose_file 1 0 >"$out/compose.yml"
    docker-compose -p twiprel -f "$out/compose.yml" up -d >/dev/null 2>&1
    for _ in $(seq 1 600); do curl -fs -o /dev/null "$base/Read.action" && break; sleep 0.2; done
    compose_file 2 "$BROKEN" >"$out/compose.yml"
    measure docker-compose docker-compose -p twiprel -f "$out/compose.yml" up -d
fi

python3 - "$out/results" "${TOLERATE_KEEPALIVE_READ_ERRORS:-0}" <<'PY'
import sys
rows = {}
for line in open(sys.argv[1]):
    tool, status, took, requests, failed, fb, fa, pb, pd, pa, reads = line.split()
    rows[tool] = (int(status), float(took), int(requests), int(failed), int(fb) + int(fa), int(reads))
t = rows.get("twip")
c = rows.get("docker-compose")
if t:
    print(f"twip: {t[3]} of {t[2]} requests failed during the release ({t[1]:.1f} s), {t[4]} outside it")
if c:
    share = 100.0 * c[3] / max(c[2], 1)
    print(f"docker-compose 1.29: {c[3]} of {c[2]} requests failed during the release ({share:.1f} %, {c[1]:.1f} s)")
tolerated = int(sys.argv[2])
if t and tolerated and t[5]:
    print(f"twip: of those, {t[5]} were keep-alive connections closed by the proxy (tolerated: {tolerated})")
sys.exit(1 if t and (t[3] - min(t[5], tolerated) or t[4]) else 0)
PY
