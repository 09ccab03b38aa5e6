#!/usr/bin/env bash
# twip against docker-compose 1.29 (Debian's package) on the same training topology and the same images:
# cold up (depends_on service_healthy honoured, timed until the entry port answers), a no-op up on a converged environment, ps, and down. hyperfine times the
# quick commands; the cold ups are timed by hand, ROUNDS times each, alternating tools.
# Needs the training images built (`twip train build`). Load goes nowhere: only the engine is talked to.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
TWIP=${TWIP:-$root/.build/debug/twip}
ROUNDS=${ROUNDS:-3}
export TWIP_HTTP_PORT=${TWIP_HTTP_PORT:-18090}
for tool in docker-compose hyperfine; do
    command -v "$tool" >/dev/null || { echo "bench/compose.sh: $tool is missing (apt-get install $tool)" >&2; exit 1; }
done
work=$(mktemp -d)
trap 'docker-compose -p twipcmp -f "$work/compose.yml" down >/dev/null 2>&1 || true; "$TWIP" -f "$work/twip.yml" down >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

# The same services for both tools: the images twip built for training, nginx in front of two Jetty replicas.
cat >"$work/compose.yml" <<YAML
services:
  web:
    image: twip-train-web:latest
    scale: 2
    volumes: ["$root/data:/data"]
    healthcheck:
      test: ["CMD", "busybox", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/health"]
      interval: 2s
      timeout: 3s
      retries: 3
  static:
    image: twip-train-static:latest
    ports: ["$TWIP_HTTP_PORT:80"]
    depends_on:
      web: { condition: service_healthy }
YAML
cat >"$work/twip.yml" <<YAML
name: twipbench
services:
  web:
    image: twip-train-web:latest
    volumes: ["$root/data:/data"]
    healthcheck:
      test: ["CMD", "busybox", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/health"]
      interval: 2s
      timeout: 3s
      retries: 3
    deploy: { replicas: 2 }
  static:
    image: twip-train-static:latest
    ports: ["$TWIP_HTTP_PORT:80"]
    depends_on:
      web: { condition: service_healthy }
YAML
compose() { docker-compose -p twipcmp -f "$work/compose.yml" "$@"; }
tw() { "$TWIP" -f "$work/twip.yml" "$@"; }

now() { date +%s.%N; }
serving() { # waits (at most 120 s) until the entry port answers
    for _ in $(seq 1 1200); do
        curl -fs -o /dev/null "http://127.0.0.1:$TWIP_HTTP_PORT/healthz" && return 0
        sleep 0.1
    done
    echo "bench/compose.sh: nothing answers on 127.0.0.1:$TWIP_HTTP_PORT" >&2
    exit 1
}
cold_compose=()
cold_twip=()
for _ in $(seq 1 "$ROUNDS"); do
    start=$(now); compose up -d >"$work/compose.log" 2>&1 || { cat "$work/compose.log" >&2; exit 1; }
    # compose returns once static is started; wait for it to answer so both measure "serving".
    serving; end=$(now)
    cold_compose+=("$(echo "$end - $start" | bc)")
    compose down >/dev/null 2>&1
    start=$(now); tw up >/dev/null; end=$(now)
    serving; end=$(now)
    cold_twip+=("$(echo "$end - $start" | bc)")
    tw down >/dev/null
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mc=$(median "${cold_compose[@]}")
mt=$(median "${cold_twip[@]}")

compose up -d >/dev/null 2>&1
tw up --wait >/dev/null 2>&1 || true
tw down >/dev/null 2>&1 || true
hyperfine -N --warmup 1 --runs 10 --export-json "$work/noop-compose.json" \
    "docker-compose -p twipcmp -f $work/compose.yml up -d" >/dev/null 2>&1
hyperfine -N --warmup 1 --runs 10 --export-json "$work/ps-compose.json" \
    "docker-compose -p twipcmp -f $work/compose.yml ps" >/dev/null 2>&1
compose down >/dev/null 2>&1
tw up --wait >/dev/null
hyperfine -N --warmup 1 --runs 10 --export-json "$work/noop-twip.json" "$TWIP -f $work/twip.yml up" >/dev/null 2>&1
hyperfine -N --warmup 1 --runs 10 --export-json "$work/ps-twip.json" "$TWIP -f $work/twip.yml ps" >/dev/null 2>&1
tw down >/dev/null

mean() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["mean"])' "$1"; }
printf '%-28s %12s %12s %10s\n' "operation (seconds)" "compose" "twip" "compose/twip"
row() { printf '%-28s %12.3f %12.3f %10.2f\n' "$1" "$2" "$3" "$(echo "$2 / $3" | bc -l)"; }
row "cold up until serving" "$mc" "$mt"
row "up, nothing to change" "$(mean "$work/noop-compose.json")" "$(mean "$work/noop-twip.json")"
row "ps" "$(mean "$work/ps-compose.json")" "$(mean "$work/ps-twip.json")"
