#!/usr/bin/env bash
# Steady load through an environment's entry port (ENVIRONMENT=prod by default, or train) while web scales 1 -> 3 -> 1.
# Reports requests, non-2xx/3xx answers, socket errors and p99 latency before, during and after scaling.
# Needs a running engine, twip's images built (`twip base`, `twip prod build`) and wrk (Debian package).
# Load goes only to 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
TWIP=${TWIP:-.build/debug/twip}
export TWIP_HTTP_PORT=${TWIP_HTTP_PORT:-18080}
export TWIP_STATS_PORT=${TWIP_STATS_PORT:-18936}
ENVIRONMENT=${ENVIRONMENT:-prod}
PHASE_SECONDS=${PHASE_SECONDS:-10}
CONNECTIONS=${CONNECTIONS:-10}
URL="http://127.0.0.1:${TWIP_HTTP_PORT}/Read.action"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

command -v wrk >/dev/null || { echo "bench/scale.sh: wrk is missing (apt-get install wrk)" >&2; exit 1; }

"$TWIP" "$ENVIRONMENT" up --wait --timeout 180
"$TWIP" "$ENVIRONMENT" scale web=1

run_wrk() { # name seconds
    wrk -t1 -c"$CONNECTIONS" -d"$2"s --latency "$URL" >"$out/$1.txt" 2>&1
}

run_wrk before "$PHASE_SECONDS"

# wrk stops and prints its report on SIGINT: the "during" phase lasts exactly as long as the scaling.
wrk -t1 -c"$CONNECTIONS" -d600s --latency "$URL" >"$out/during.txt" 2>&1 &
wrk_pid=$!
sleep 2
scale_start=$(date +%s.%N)
"$TWIP" "$ENVIRONMENT" scale web=3
"$TWIP" "$ENVIRONMENT" scale web=1
scale_end=$(date +%s.%N)
sleep 2
kill -INT "$wrk_pid"
wait "$wrk_pid" || true

run_wrk after "$PHASE_SECONDS"

field() { # file pattern -> value or 0
    local v
    v=$(grep -E "$2" "$1" | head -1 | awk '{print $NF}')
    echo "${v:-0}"
}
socket_errors() {
    local line
    line=$(grep -E "Socket errors" "$1" || true)
    if [ -z "$line" ]; then echo 0; return; fi
    echo "$line" | grep -oE "[0-9]+" | awk '{s += $1} END {print s + 0}'
}

printf '%-8s %10s %10s %14s %10s\n' phase requests non2xx socket_errors p99
fail=0
for phase in before during after; do
    f="$out/$phase.txt"
    requests=$(grep -E "requests in" "$f" | awk '{print $1}')
    non2xx=$(field "$f" "Non-2xx or 3xx responses")
    sockerr=$(socket_errors "$f")
    p99=$(grep -E "^ +99%" "$f" | awk '{print $2}')
    printf '%-8s %10s %10s %14s %10s\n' "$phase" "${requests:-0}" "$non2xx" "$sockerr" "${p99:-?}"
    if [ "$non2xx" != 0 ] || [ "$sockerr" != 0 ]; then fail=1; fi
done
awk -v a="$scale_start" -v b="$scale_end" 'BEGIN {printf "scaling web 1 -> 3 -> 1 took %.1f s under load\n", b - a}'
if [ "$fail" = 1 ]; then
    echo "FAILED: requests failed while scaling" >&2
    exit 1
fi
echo "no failed request"
